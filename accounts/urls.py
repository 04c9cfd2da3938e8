from django.urls import path

from accounts import second_factor_views, views
from pmks_portal import converters  # noqa: F401 - registers <id:>, <year:>, <month:>

app_name = "accounts"

urlpatterns = [
    path("", views.user_list, name="user-list"),
    path("baru/", views.user_create, name="user-create"),
    path("<id:pk>/", views.user_detail, name="user-detail"),
    path("<id:pk>/ubah/", views.user_edit, name="user-edit"),
    path("<id:pk>/status/", views.user_set_active, name="user-set-active"),
    path("<id:pk>/tautan-sandi/", views.user_send_password_link, name="user-password-link"),
    path(
        "<id:pk>/faktor-kedua/atur-ulang/",
        second_factor_views.reset,
        name="user-second-factor-reset",
    ),
]
