from django.urls import path

from worklists import views

app_name = "worklists"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("surel/", views.digest_settings, name="digest-settings"),
    path("<slug:key>/", views.detail, name="detail"),
]
