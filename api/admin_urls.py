from django.urls import path

from api import views

app_name = "api_clients"

urlpatterns = [
    path("", views.client_list, name="list"),
    path("baru/", views.client_create, name="create"),
    path("<int:pk>/", views.client_detail, name="detail"),
    path("<int:pk>/cabut/", views.client_revoke, name="revoke"),
]
