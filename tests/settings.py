"""Test settings: the portal's own settings in demo mode, with a fast password hasher.

DATABASE_URL and REDIS_URL still switch the suite to PostgreSQL and Redis (see .ci/run).
"""

import os

os.environ.setdefault("PMKS_DEMO", "1")
os.environ.setdefault("PMKS_VAR_DIR", os.path.join(os.path.dirname(__file__), "..", "var", "test"))

from pmks_portal.settings import *  # noqa: E402,F403

# Hashing cost is measured by the benchmarks, not paid in every test.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The sign-in slowdown counts failures in the cache, which outlives a test (Redis even a run):
# the suite's many deliberate failures would make later sign-ins wait. Its own tests lower it.
PMKS_SIGNIN_SLOWDOWN_AFTER = 10_000
