"""Celery tasks of KUBE. Each calls a service and may safely run twice (acks are late).

`recompute_stages` runs after an administrator changes the rules (queued on commit by
kube.services.rules_save), and every night from CELERY_BEAT_SCHEDULE in settings, so that a
group's stage follows partnerships that ended by date without anyone saving the group.
"""

from celery import shared_task

from kube import services


@shared_task(ignore_result=True, acks_late=True, soft_time_limit=1500, time_limit=1800)
def recompute_stages() -> int:
    """Scores every group again with the rules in force; returns how many changed stage."""
    return services.recompute_all_stages()
