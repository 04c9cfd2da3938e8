"""Settings of the PMKS portal, read from the environment (see .env.example).

With no environment beyond PMKS_DEMO=1 the portal runs on embedded defaults: a SQLite file,
Celery eager, a local-memory cache and console e-mail. Production sets DATABASE_URL, REDIS_URL,
SECRET_KEY and ALLOWED_HOSTS; it refuses to start without a SECRET_KEY.
"""

import ipaddress
import secrets
from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from pmks_portal.env import (
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_str,
    redis_url_checked,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PMKS_VAR_DIR", str(BASE_DIR / "var")))
# Kaltim keeps WITA (UTC+8).
TIME_ZONE = env_str("TIME_ZONE", "Asia/Makassar")

# Demo mode: demo users and data may exist, a local secret key is generated. Never in production.
DEMO_MODE = env_bool("PMKS_DEMO", False)
DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if not DEMO_MODE:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY to a random string of 50 or more characters "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set PMKS_DEMO=1 for a local demo."
        )
    # A demo key is kept in var/ so sessions survive a restart; it is never committed.
    key_file = VAR_DIR / "demo_secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The province this portal serves (Kemendagri code); regions and access are scoped to it.
PMKS_PROVINCE_CODE = env_str("PMKS_PROVINCE_CODE", "64")

# --- privacy (#17): the data protection officer (UU 27/2022 arts. 53-54), shown on the About
# and open-data pages. Set by the agency's decree; empty fields are shown as not yet named.
PMKS_DPO = {
    "name": env_str("PMKS_DPO_NAME"),
    "unit": env_str("PMKS_DPO_UNIT", "Dinas Sosial Provinsi Kalimantan Timur"),
    "email": env_str("PMKS_DPO_EMAIL"),
    "phone": env_str("PMKS_DPO_PHONE"),
    "address": env_str("PMKS_DPO_ADDRESS"),
}
# The official region list, installed from the npm package idn-area-data (ODbL 1.0).
REGIONS_DATA_DIR = Path(
    env_str("PMKS_REGIONS_DATA_DIR", str(BASE_DIR / "node_modules" / "idn-area-data" / "data"))
)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "pmks_portal",
    "audit",
    "regions",
    "accounts",
    "cases",
    "kube",
    "rakornis",
    "reports",
    "demo",  # seed_demo: the demo data of every app, kept out of the pmks_portal kernel
    # The REST API; "ninja" serves its Swagger UI from the package's own static files.
    "ninja",
    "api",
    # --- privacy (#17): UU 27/2022 duties and the public open-data page
    "privacy",
    # --- DTSEN (#15): the national register's extracts and the reconciliation worklist
    "dtsen",
    # --- #14 points 6 and 7: the duplicates queue and the worklists ("Tugas saya")
    "duplicates",
    "worklists",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # A NUL no column can hold: 400 before any view (pmks_portal/bad_input.py).
    "pmks_portal.bad_input.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before SessionLifetimeMiddleware, which tells the user why the session ended.
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "pmks_portal.middleware.AccessPolicyMiddleware",
    "pmks_portal.middleware.SessionLifetimeMiddleware",
    # After the session's lifetime: holds a user who needs a second factor at its page.
    "accounts.middleware.SecondFactorMiddleware",
    "pmks_portal.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pmks_portal.urls"
WSGI_APPLICATION = "pmks_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pmks_portal.context_processors.navigation",
            ],
        },
    },
]
# Django's form templates, with select lists written in Python (pmks_portal/form_renderer.py).
FORM_RENDERER = "pmks_portal.form_renderer.FormRenderer"

# Database: SQLite by default, PostgreSQL from DATABASE_URL.
DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Name search matches each typed word to the words of names by trigram similarity: 0.3
    # (pg_trgm's default, stated here because the search depends on it) still takes "Risky"
    # for "Rizky" (0.33) and "Mohammad" for "Muhammad" (0.45).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c pg_trgm.similarity_threshold=0.3"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis, when given, is the Celery broker, result backend and cache.
REDIS_URL = redis_url_checked(env_str("REDIS_URL"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env_str("CACHE_URL", REDIS_URL),
            "KEY_PREFIX": "pmks",
            # The cache is an optimisation (pmks_portal/cache.py): a Redis that hangs must cost
            # a page half a second once, not a wait without end.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery (namespace CELERY_): eager without a broker, so errors propagate in demo and tests.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", REDIS_URL) or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Delivery and recovery (docs/ARCHITECTURE.md, "How a background task flows"): acks late and a
# lost pool process's message rejected back to the queue, so a killed child's task is delivered
# again at once; one message reserved at a time, so none waits behind a long report in a
# process that may die. A whole worker killed keeps its message unacknowledged in Redis until
# visibility_timeout: the jobs' sweeper (heartbeats, pmks_portal/jobs.py) takes such a job back
# within a minute, so the timeout only has to outlast the longest task (time limit + retry
# countdowns), or a live task would be delivered a second time.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 1500
CELERY_TASK_TIME_LIMIT = 1800
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": 3,
    "socket_timeout": 10,
}
# A task running when Redis blinks goes on: its claim makes the redelivery a no-op.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_RESULT_EXPIRES = 3600
# The job kinds' sweepers (pmks_portal/jobs.py): each publishes its unpublished rows and takes
# back those of dead workers; pmks_portal.sweep_jobs runs them all.
PMKS_JOB_SWEEPERS = [
    "cases.importing.dispatch.sweep",
    "reports.services.sweep",
    "dtsen.dispatch.sweep",
]
CELERY_TIMEZONE = TIME_ZONE
# Periodic jobs live here (Celery's own beat scheduler), not in a database scheduler.
CELERY_BEAT_SCHEDULE: dict = {
    # crontab "0 7 * * *": every day at 07:00 WITA, before the offices open, e-mail the regencies
    # about Rakornis follow-ups due within a week or overdue (idempotent per day).
    "rakornis-follow-up-reminders": {
        "task": "rakornis.tasks.send_follow_up_reminders",
        "schedule": crontab(minute=0, hour=7),
    },
    # crontab "*/5 * * * *": every 5 minutes, recount the dashboards' summary for the regencies
    # written to since the last refresh (reports/summary.py).
    "reports-refresh-summary": {
        "task": "reports.tasks.refresh_summary",
        "schedule": crontab(minute="*/5"),
    },
    # crontab "30 1 * * *": every night at 01:30 WITA, recount the whole summary against the
    # registry and record how many rows it corrected (0 expected).
    "reports-reconcile-summary": {
        "task": "reports.tasks.reconcile_summary",
        "schedule": crontab(minute=30, hour=1),
    },
    # crontab "0 2 1 * *": on the 1st of each month at 02:00 WITA, after the reconciliation,
    # build last month's report of every regency and city and the province roll-up.
    "reports-monthly": {
        "task": "reports.tasks.monthly_reports",
        "schedule": crontab(minute=0, hour=2, day_of_month=1),
    },
    # Every 30 s (pmks_portal.jobs.SWEEP_EVERY): publish the jobs (imports, report runs, ...)
    # whose publish failed while the broker was down, and take back those of dead workers.
    "sweep-jobs": {"task": "pmks_portal.sweep_jobs", "schedule": 30.0},
    # crontab "30 2 * * *": every night at 02:30 WITA, score every KUBE again, so that a stage
    # follows partnerships that ended by date without anyone saving the group.
    "kube-recompute-stages": {
        "task": "kube.tasks.recompute_stages",
        "schedule": crontab(hour=2, minute=30),
    },
    # crontab "0 6 * * 1": every Monday at 06:00 WITA, e-mail the administrators last week's
    # unusual access to sensitive records (audit/unusual_access.py; idempotent per week).
    "audit-unusual-access-digest": {
        "task": "audit.tasks.send_unusual_access_digest",
        "schedule": crontab(minute=0, hour=6, day_of_week=1),
    },
    # --- privacy (#17): crontab "0 3 * * *": every night at 03:00 WITA, after the summary's
    # reconciliation, pseudonymise the persons all of whose cases are past retention.
    "privacy-retention": {
        "task": "privacy.tasks.pseudonymise_past_retention",
        "schedule": crontab(hour=3, minute=0),
    },
    # --- h/dupwork: crontab "30 3 * * *": every night at 03:30 WITA, after the retention run,
    # compare the whole registry for suspected duplicate persons (duplicates/detection.py).
    "duplicates-refresh": {
        "task": "duplicates.tasks.refresh_suspected_pairs",
        "schedule": crontab(hour=3, minute=30),
    },
    # crontab "30 6 * * *": every day at 06:30 WITA, before the offices open, e-mail each user
    # what waits for them ("Tugas saya"); none when nothing is due (idempotent per day).
    "worklists-daily-digest": {
        "task": "worklists.tasks.send_daily_digests",
        "schedule": crontab(hour=6, minute=30),
    },
}

# Authentication
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.SignInSlowdownBackend",
    "accounts.backends.UserWithRegencyBackend",
]
# accounts/hashers.py says why Argon2id at 19 MiB: Django's PBKDF2 default costs ~385 ms of CPU per
# sign-in, and a morning wave of 5 a second would take both cores. The others after it check the
# hashes stored before (PBKDF2), which Django upgrades at the next sign-in. Django's own Argon2
# hasher is left out: it shares the "argon2" name, and the last of a name would win.
PASSWORD_HASHERS = [
    "accounts.hashers.PortalArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
LOGIN_URL = "login"
# Everyone lands on their worklists ("Tugas saya", worklists/): the day's work first.
LOGIN_REDIRECT_URL = "worklists:mine"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# "bssn" (default): BSSN Regulation 4/2021 on top, composition rules and no reuse of the last
# PMKS_PASSWORD_HISTORY passwords; "nist": Django's validators alone (README, "Passwords").
PMKS_PASSWORD_POLICY = env_str("PMKS_PASSWORD_POLICY", "bssn")
if PMKS_PASSWORD_POLICY not in ("bssn", "nist"):
    raise ImproperlyConfigured("PMKS_PASSWORD_POLICY is 'bssn' or 'nist'.")
if PMKS_PASSWORD_POLICY == "bssn":  # noqa: S105 (a policy's name, not a password)
    AUTH_PASSWORD_VALIDATORS += [
        {"NAME": "accounts.passwords.ComplexityValidator", "OPTIONS": {"min_length": 12}},
        {
            "NAME": "accounts.passwords.HistoryValidator",
            "OPTIONS": {"remember": env_int("PMKS_PASSWORD_HISTORY", 5)},
        },
    ]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Second factor (TOTP, accounts/second_factor.py): required of these roles; regency staff and
# viewers too with PMKS_SECOND_FACTOR_REGENCY=1.
PMKS_SECOND_FACTOR_ROLES = ["admin", "provincial_officer"]
if env_bool("PMKS_SECOND_FACTOR_REGENCY", False):
    PMKS_SECOND_FACTOR_ROLES += ["regency_staff", "regency_viewer"]
# The weekly digest reports a user who opened this many sensitive records in a week.
PMKS_SENSITIVE_DIGEST_MANY = env_int("PMKS_SENSITIVE_DIGEST_MANY", 20)
OTP_TOTP_ISSUER = env_str("PMKS_SECOND_FACTOR_ISSUER", "Portal PMKS Kaltim")

# Lockout: the (username, IP) pair, so nobody can lock a colleague out from elsewhere.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_USERNAME_CALLABLE = "accounts.backends.axes_username"
# The address behind the TLS proxy: X-Forwarded-For is believed only on connections from these
# proxies (addresses or networks, comma-separated), PMKS_PROXY_COUNT of them in a row in front
# of the portal. Empty (the default): REMOTE_ADDR, for a portal reached directly.
PMKS_TRUSTED_PROXIES = env_list("PMKS_TRUSTED_PROXIES", [])
for _proxy in PMKS_TRUSTED_PROXIES:  # a typo must stop the start, not trust nobody silently
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as error:
        raise ImproperlyConfigured(f"PMKS_TRUSTED_PROXIES: {error}") from None
PMKS_PROXY_COUNT = env_int("PMKS_PROXY_COUNT", 1)
AXES_CLIENT_IP_CALLABLE = "accounts.client_address.client_address"
# Failures over many addresses slow the user's sign-ins down instead (accounts/slowdown.py).
PMKS_SIGNIN_SLOWDOWN_AFTER = env_int("PMKS_SIGNIN_SLOWDOWN_AFTER", 10)
PMKS_SIGNIN_SLOWDOWN_WINDOW = env_int("PMKS_SIGNIN_SLOWDOWN_WINDOW_MINUTES", 60) * 60
PMKS_SIGNIN_SLOWDOWN_MAX_SECONDS = env_int("PMKS_SIGNIN_SLOWDOWN_MAX_SECONDS", 8)

# Sessions: in the database (a Redis outage logs nobody out), ended after idle time.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
# The idle timeout restarts with the user's requests, the session being saved at most once a
# minute (pmks_portal.middleware.SessionLifetimeMiddleware), not on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_LIFETIME = env_int("SESSION_MAX_HOURS", 12) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Transport security: on by default outside demo mode.
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEMO_MODE)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
if SECURE_COOKIES:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEMO_MODE)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEMO_MODE else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEMO_MODE)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEMO_MODE)
if env_bool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Internationalisation: Bahasa Indonesia first, English second.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

# Static files: Bootstrap comes from the npm registry at set-up and is served by the portal.
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploads are personal data: kept outside any public path and served only through scoped views.
MEDIA_ROOT = Path(env_str("PMKS_PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# API clients' rate limits (api/limits.py): requests a minute, records returned a day (WITA).
PMKS_API_REQUESTS_PER_MINUTE = env_int("PMKS_API_REQUESTS_PER_MINUTE", 60)
PMKS_API_RECORDS_PER_DAY = env_int("PMKS_API_RECORDS_PER_DAY", 2000)
# Days an API client's token lasts unless the administrator picks another expiry.
PMKS_API_TOKEN_DAYS = env_int("PMKS_API_TOKEN_DAYS", 365)

# The largest file an upload accepts unless it sets its own limit (pmks_portal/private_files;
# meeting documents, rakornis/files.py, may be larger).
PMKS_ATTACHMENT_MAX_BYTES = env_int("PMKS_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)

# E-mail (Django 6.1 mailers): console in demo, SMTP when EMAIL_HOST is set.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "portal-pmks@localhost")
if env_str("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("EMAIL_HOST"),
                "port": env_int("EMAIL_PORT", 587),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": 10,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Error pages and error e-mails mask NIK and KK numbers (pmks_portal/masking.py), as logs do.
DEFAULT_EXCEPTION_REPORTER = "pmks_portal.masking.MaskingExceptionReporter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_nik": {"()": "pmks_portal.logfilters.MaskNikFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_nik"],
        },
        # Django's own error e-mail, defined again so that its subject (the log message) is
        # masked too; its body comes from DEFAULT_EXCEPTION_REPORTER.
        "mail_admins": {
            "level": "ERROR",
            "class": "django.utils.log.AdminEmailHandler",
            "filters": ["require_debug_false", "mask_nik"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
    },
}

# --- h/dupwork (#14, point 7): the worklists of "Tugas saya" (worklists/registry.py), in the
# order the page shows them; an app adds its own by appending the path of a Worklist subclass.
PMKS_WORKLISTS = [
    "worklists.regency_lists.CasesWithoutContact",
    "worklists.regency_lists.PasungVisitsDue",
    "worklists.regency_lists.KubeReportsMissing",
    "worklists.regency_lists.FollowUpsDue",
    "worklists.regency_lists.ImportsWaiting",
    "worklists.regency_lists.DuplicatesWaiting",
    "dtsen.worklists.ReconciliationItems",
    "worklists.province_lists.RegenciesLateWithKubeReports",
    "worklists.province_lists.FollowUpsOverdueByRegency",
    "worklists.province_lists.ProvinceImportsWaiting",
]
# Days without contact (an intervention, a status change, the registration) after which an
# open case waits for a visit, per target programme ("": cases of no target programme). A
# street child moves on within weeks and a person released from pasung needs a monthly visit;
# a programme-less case is checked on quarterly. Not from a public source: the agency sets them.
PMKS_CONTACT_DAYS = {
    "street_children": env_int("PMKS_CONTACT_DAYS_STREET_CHILDREN", 30),
    "pasung": env_int("PMKS_CONTACT_DAYS_PASUNG", 30),
    "prostitution": env_int("PMKS_CONTACT_DAYS_PROSTITUTION", 60),
    "": env_int("PMKS_CONTACT_DAYS_OTHER", 90),
}
# Called with `person=` whenever cases.services registers or changes a person, in its
# transaction: the duplicates queue files the suspected pairs the record makes.
PMKS_PERSON_SAVED = ["duplicates.suspects.suspected_pairs_record_for"]
# A person released from pasung is visited (medication, re-shackling) at least this often.
PMKS_PASUNG_VISIT_EVERY_DAYS = env_int("PMKS_PASUNG_VISIT_EVERY_DAYS", 30)
