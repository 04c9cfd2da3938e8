from django.urls import path

from cases import reference_views

app_name = "categories"

urlpatterns = [
    path("", reference_views.category_list, name="list"),
    path("baru/", reference_views.category_create, name="create"),
    path("<int:pk>/", reference_views.category_edit, name="edit"),
]
