"""/healthz: is the database, the cache or broker, and a Celery worker answering?

Three answers, for a load balancer and for monitoring:

* "ok" (200): everything answers;
* "degraded" (200): the database answers but the cache, the broker or every worker does not.
  Pages are still served (the cache is an optimisation, jobs wait in their rows for the
  sweeper), so the balancer keeps sending traffic; monitoring alerts on the status word;
* "down" (503): the database does not answer, so no page can be served: the balancer takes
  this instance out.
"""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from pmks_portal import access
from pmks_portal.celery import app as celery_app

OK, FAILING, EAGER = "ok", "failing", "eager"
DEGRADED, DOWN = "degraded", "down"


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return FAILING
    return OK


def check_cache() -> str:
    try:
        cache.set("healthz", "1", timeout=10)
        return OK if cache.get("healthz") == "1" else FAILING
    except Exception:
        return FAILING


def check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return EAGER
    try:
        with celery_app.connection_for_write() as conn:
            # Retry at once: kombu's default 2 s pause would outlast a load balancer's probe.
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception:
        return FAILING
    return OK


def check_workers() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return EAGER
    try:
        replies = celery_app.control.inspect(timeout=1.0).ping()
    except Exception:
        return FAILING
    return OK if replies else FAILING


@access.public
@never_cache
def healthz(request):
    """The state of every component: ok / degraded (200), or down (503) without a database.
    No secrets, no hosts."""
    checks = {"database": check_database(), "cache": check_cache(), "broker": check_broker()}
    if checks["broker"] != FAILING:
        checks["celery_workers"] = check_workers()
    else:
        checks["celery_workers"] = FAILING
    if checks["database"] == FAILING:
        status = DOWN
    elif all(state in (OK, EAGER) for state in checks.values()):
        status = OK
    else:
        status = DEGRADED
    return JsonResponse({"status": status, "checks": checks}, status=503 if status == DOWN else 200)
