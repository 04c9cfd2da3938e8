from django.urls import path

from cases import reference_views
from pmks_portal import converters  # noqa: F401 - registers <id:>, <year:>, <month:>

app_name = "categories"

urlpatterns = [
    path("", reference_views.category_list, name="list"),
    path("baru/", reference_views.category_create, name="create"),
    path("<id:pk>/", reference_views.category_edit, name="edit"),
]
