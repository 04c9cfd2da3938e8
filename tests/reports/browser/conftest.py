"""The browser fixtures of tests/browser (headless Debian Chromium, live server), for the
reports' browser test. Celery stays eager here (the reports' conftest), also in the PostgreSQL
pass: the report is ready as soon as it is asked for."""

from tests.browser.conftest import browser_page, chromium, phone_page, portal  # noqa: F401 - fixtures
