from django.urls import path

from api import views
from pmks_portal import converters  # noqa: F401 - registers <id:>, <year:>, <month:>

app_name = "api_clients"

urlpatterns = [
    path("", views.client_list, name="list"),
    path("baru/", views.client_create, name="create"),
    path("<id:pk>/", views.client_detail, name="detail"),
    path("<id:pk>/cabut/", views.client_revoke, name="revoke"),
]
