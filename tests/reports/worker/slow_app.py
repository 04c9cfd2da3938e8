"""The portal's Celery app, with the report's PDF step made to wait, so that a test can kill
the worker in the middle of a build. Used only by the killable worker of these tests."""

import time

from celery.signals import worker_ready

from pmks_portal.celery import app

__all__ = ["app"]

PAUSE_SECONDS = 60


@worker_ready.connect
def slow_down_the_pdf(**kwargs):
    from reports import render

    real = render.write_pdf

    def write_pdf_slowly(*args, **kwargs):
        time.sleep(PAUSE_SECONDS)
        return real(*args, **kwargs)

    render.write_pdf = write_pdf_slowly
