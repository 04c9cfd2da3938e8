from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from accounts import views as account_views
from accounts.forms import SignInForm
from pmks_portal import access, health, views
from regions import views as region_views

auth_urls = [
    path(
        "masuk/",
        access.public(auth_views.LoginView.as_view(authentication_form=SignInForm)),
        name="login",
    ),
    path("keluar/", access.authenticated(auth_views.LogoutView.as_view()), name="logout"),
    path(
        "sandi/ubah/",
        access.authenticated(auth_views.PasswordChangeView.as_view()),
        name="password_change",
    ),
    path(
        "sandi/ubah/selesai/",
        access.authenticated(auth_views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
    path(
        "sandi/lupa/",
        access.public(auth_views.PasswordResetView.as_view()),
        name="password_reset",
    ),
    path(
        "sandi/lupa/terkirim/",
        access.public(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "sandi/atur/<uidb64>/<token>/",
        access.public(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "sandi/atur/selesai/",
        access.public(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", region_views.home, name="home"),
    path("tentang/", views.about, name="about"),
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("i18n/setlang/", access.public(set_language), name="set_language"),
    path("akun/", include(auth_urls)),
    path("akun/profil/", account_views.profile, name="profile"),
    path("akun/faktor-kedua/", include("accounts.second_factor_urls")),
    path("pengguna/", include("accounts.urls")),
    path("wilayah/", include("regions.urls")),
    path("kasus/", include("cases.urls")),
    path("referensi/kategori/", include("cases.reference_urls")),
    path("kube/", include("kube.urls")),
    path("rakornis/", include("rakornis.urls")),
    path("laporan/", include("reports.urls")),
    # The REST API (api/) and the administrators' pages for its clients.
    path("api/v1/", include("api.urls")),
    path("klien-api/", include("api.admin_urls")),
    # --- privacy (#17)
    path("data-terbuka/", include("privacy.urls")),
    path("pdp/", include("privacy.pdp_urls")),
    # --- DTSEN (#15)
    path("dtsen/", include("dtsen.urls")),
    # --- #14: the duplicates queue and the worklists
    path("duplikat/", include("duplicates.urls")),
    path("tugas/", include("worklists.urls")),
    # --- #14: the access log of personal records
    path("audit/", include("audit.urls")),
]
