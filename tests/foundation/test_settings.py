"""Settings from the environment: refusing to start without a secret, deploy checks, bad URLs.

Each case runs `manage.py` in a subprocess with a clean environment, as an operator would.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_HOST = "portal.example.go.id"


def manage(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    """`manage.py ARGS` with only the given variables (and PATH), outside the project folder."""
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PMKS_VAR_DIR": str(tmp_path), **env}
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=clean,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env(tmp_path: Path) -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": PRODUCTION_HOST,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        # Production sends the password links by SMTP (nothing is sent by a check).
        "EMAIL_HOST": "smtp.example.go.id",
    }


def assert_one_line_error(result: subprocess.CompletedProcess, *words: str) -> str:
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, f"expected one line, got:\n{result.stderr}"
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0]
    return lines[0]


def test_without_a_secret_key_production_refuses_to_start_saying_what_to_set(tmp_path):
    result = manage("check", env={}, tmp_path=tmp_path)
    line = assert_one_line_error(result, "SECRET_KEY")
    assert "PMKS_DEMO" in line  # the way to run a local demo instead
    assert not (tmp_path / "demo_secret_key").exists()


def test_demo_mode_starts_without_a_secret_key(tmp_path):
    result = manage("check", env={"PMKS_DEMO": "1"}, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "demo_secret_key").exists()


def test_production_settings_pass_the_deploy_checks_without_a_warning(tmp_path):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=production_env(tmp_path),
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_the_deploy_checks_fail_when_debug_is_switched_on_in_production(tmp_path):
    # Proves the check above can fail: the same variables plus DEBUG=1.
    env = {**production_env(tmp_path), "DEBUG": "1"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr


@pytest.mark.parametrize(
    "database_url",
    ["mysql://x", "postgres://x:y@:bad/z", "postgres://user@localhost:5432/", "nonsense"],
)
def test_a_malformed_database_url_is_one_clear_line_and_a_non_zero_exit(tmp_path, database_url):
    env = {**production_env(tmp_path), "DATABASE_URL": database_url}
    assert_one_line_error(manage("check", env=env, tmp_path=tmp_path), "DATABASE_URL")


def test_a_redis_url_of_another_scheme_is_refused_in_one_line(tmp_path):
    env = {**production_env(tmp_path), "REDIS_URL": "http://127.0.0.1:6379/0"}
    assert_one_line_error(manage("check", env=env, tmp_path=tmp_path), "REDIS_URL")


def test_a_yes_no_variable_with_another_word_is_refused_in_one_line(tmp_path):
    env = {**production_env(tmp_path), "DEBUG": "maybe"}
    assert_one_line_error(manage("check", env=env, tmp_path=tmp_path), "DEBUG")


def printed_settings(code: str, tmp_path: Path) -> list[str]:
    result = manage("shell", "-v", "0", "-c", code, env=production_env(tmp_path), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1].split()


def test_debug_is_off_unless_asked_for(tmp_path):
    code = "from django.conf import settings; print(settings.DEBUG, settings.SECURE_SSL_REDIRECT)"
    assert printed_settings(code, tmp_path) == ["False", "True"]


def test_production_cookies_are_secure_and_host_only(tmp_path):
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.CSRF_COOKIE_NAME, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS >= 31536000)"
    )
    assert printed_settings(code, tmp_path) == [
        "__Host-sessionid",
        "True",
        "True",
        "__Host-csrftoken",
        "True",
        "True",
    ]


def test_without_a_broker_celery_runs_eagerly_and_propagates_errors(settings):
    assert settings.CELERY_TASK_EAGER_PROPAGATES is True
    if not settings.CELERY_BROKER_URL:
        assert settings.CELERY_TASK_ALWAYS_EAGER is True
