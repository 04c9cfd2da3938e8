from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.open_data, name="open-data"),
    path("data.csv", views.open_data_csv, name="open-data-csv"),
    path("kamus.csv", views.open_data_dictionary, name="open-data-dictionary"),
]
