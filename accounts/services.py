"""Creating, changing and deactivating users. Users are never deleted: they author records."""

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from accounts.roles import REGENCY_ROLES
from audit.models import AuditEvent
from audit.services import audit_record, field_changes, snapshot

PROFILE_FIELDS = ["first_name", "last_name", "email", "phone", "role", "regency"]


def _normalise_regency(user: User) -> None:
    # Province-wide roles never keep a regency left over from an earlier role.
    if user.role not in REGENCY_ROLES:
        user.regency = None


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    role: str,
    regency=None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
    password: str | None = None,
) -> User:
    """Creates a user. Without a password the account cannot sign in until one is set by link."""
    user = User(
        username=username.strip(),
        role=role,
        regency=regency,
        email=email.strip(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        phone=phone.strip(),
    )
    _normalise_regency(user)
    if password is None:
        user.set_unusable_password()
    else:
        validate_password(password, user)
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        target=user,
        changes=field_changes(user, PROFILE_FIELDS, {}),
        regency_id=user.regency_id,
    )
    return user


@transaction.atomic
def user_update(*, actor, user: User, **values) -> User:
    """Changes profile, role or regency; the change is kept in the audit trail."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    before = snapshot(locked, PROFILE_FIELDS)
    for field, value in values.items():
        if field not in PROFILE_FIELDS:
            raise TypeError(f"user_update cannot change {field!r}")
        setattr(locked, field, value.strip() if isinstance(value, str) else value)
    _normalise_regency(locked)
    locked.full_clean(exclude=["password"])
    changes = field_changes(locked, PROFILE_FIELDS, before)
    if changes:
        locked.save()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=locked,
            changes=changes,
            regency_id=locked.regency_id,
        )
    return locked


@transaction.atomic
def user_set_active(*, actor, user: User, active: bool, reason: str = "") -> User:
    """Deactivates (or reactivates) an account; a deactivated user's sessions stop working."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.is_active == active:
        return locked
    locked.is_active = active
    locked.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.ACTIVATE if active else AuditEvent.Action.DEACTIVATE,
        target=locked,
        changes={"is_active": [not active, active]},
        reason=reason,
        regency_id=locked.regency_id,
    )
    return locked


def user_send_password_link(*, user: User, request) -> bool:
    """E-mails the user a one-day link to set a password. False when it cannot be sent."""
    if not (user.email and user.is_active):
        return False
    context = {
        "user": user,
        "protocol": "https" if request.is_secure() else "http",
        "domain": request.get_host(),
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    subject = render_to_string("registration/password_set_subject.txt", context).strip()
    body = render_to_string("registration/password_set_email.txt", context)
    send_mail(subject, body, None, [user.email])
    return True
