from django.urls import path

from accounts import second_factor_views, views

app_name = "accounts"

urlpatterns = [
    path("", views.user_list, name="user-list"),
    path("baru/", views.user_create, name="user-create"),
    path("<int:pk>/", views.user_detail, name="user-detail"),
    path("<int:pk>/ubah/", views.user_edit, name="user-edit"),
    path("<int:pk>/status/", views.user_set_active, name="user-set-active"),
    path("<int:pk>/tautan-sandi/", views.user_send_password_link, name="user-password-link"),
    path(
        "<int:pk>/faktor-kedua/atur-ulang/",
        second_factor_views.reset,
        name="user-second-factor-reset",
    ),
]
