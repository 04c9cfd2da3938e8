from django.urls import path

from dtsen import views
from pmks_portal import converters  # noqa: F401 - registers <id:>

app_name = "dtsen"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("usulan-musdes.xlsx", views.proposals, name="proposals"),
    path("butir/<id:pk>/", views.item_detail, name="item"),
    path("butir/<id:pk>/perbarui/", views.item_update, name="item-update"),
    path("ekstrak/", views.extract_list, name="extracts"),
    path("ekstrak/<id:pk>/", views.extract_detail, name="extract"),
    path("ekstrak/<id:pk>/kemajuan/", views.extract_progress, name="extract-progress"),
]
