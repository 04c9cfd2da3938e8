"""Sign-in, sign-out and failed sign-ins are written to the audit trail (ASVS 16.3.1)."""

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts import slowdown
from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_record
from pmks_portal.middleware import LOGIN_TIME_KEY, restart_idle_timeout


@receiver(user_logged_in)
def record_sign_in(sender, request, user, **kwargs):
    request.session[LOGIN_TIME_KEY] = time.time()
    restart_idle_timeout(request.session)
    audit_record(actor=user, action=AuditEvent.Action.SIGN_IN, target=user)


@receiver(user_logged_out)
def record_sign_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action=AuditEvent.Action.SIGN_OUT, target=user)


@receiver(user_login_failed)
def record_failed_sign_in(sender, credentials, request=None, **kwargs):
    username = credentials.get("username", "")
    # Unknown names count too: the slowdown must not tell which names exist.
    if username:
        slowdown.record_failure(username)
    user = User.objects.filter(username=username).first()
    if user is not None:
        audit_record(actor=None, action=AuditEvent.Action.SIGN_IN_FAILED, target=user)
