"""Identity numbers (NIK, KK) and bank accounts as people may see them: the one place they are
masked, for pages, the audit trail and its display, exports, files, e-mails, error reports and
logs alike.

Who sees a number in full is an access rule (`Capability.SEE_FULL_IDS`, in
pmks_portal/access.py); how it looks otherwise is decided here:

* `mask_identifier("6472011505907777")` → ``"6472********7777"`` (a NIK or KK keeps its region
  prefix and last four digits, which is what staff on the phone ask for);
* `show_identifier(value, full=...)` / `identifier_for(user)` pick full or masked per user;
* `mask_account("1234567890")` → ``"******7890"``;
* `mask_text(text)` masks every 16-digit run in free text (log lines, tracebacks, e-mails);
* `audited_changes(changes)` is what the audit trail stores for identifier fields: the masked
  value plus a keyed fingerprint (see docs/ARCHITECTURE.md, "Identity numbers in the audit
  trail"), so the trail never holds a number in full;
* `MaskingExceptionReporter` masks 16-digit runs in error pages and error e-mails.
"""

import functools
import hashlib
import hmac
import re

from django.conf import settings
from django.views.debug import ExceptionReporter

from pmks_portal import access

# Fields that hold a NIK or a KK number, on every model and in every audit event.
IDENTIFIER_FIELDS = frozenset({"nik", "kk_number"})
# Where the audit trail keeps the keyed fingerprints of identifier changes: not a field name,
# and not an [old, new] pair, so the history display passes it by.
FINGERPRINTS_KEY = "_fingerprints"

_SIXTEEN_DIGITS = re.compile(r"(?<!\d)(\d{4})\d{8}(\d{4})(?!\d)")
_FINGERPRINT_SALT = "pmks_portal.masking.fingerprint"


def mask_identifier(value) -> str:
    """A NIK or KK number with its middle hidden: 6472********0001; any other text all stars.

    Already masked values come back as they are, so masking twice is harmless.
    """
    text = "" if value is None else str(value)
    if len(text) != 16:
        return "*" * len(text)
    return f"{text[:4]}{'*' * 8}{text[-4:]}"


def mask_if_identifier(value) -> str:
    """A 16-digit number masked, anything else as it is: for import problems, where a wrong
    value (letters, 15 digits) must be shown so that staff can fix it."""
    text = "" if value is None else str(value)
    return mask_identifier(text) if len(text) == 16 and text.isdigit() else text


def show_identifier(value, *, full: bool) -> str:
    """The number in full for those who may see it, masked for everyone else ('' for none)."""
    if not value:
        return ""
    return str(value) if full else mask_identifier(value)


def may_see_full(user) -> bool:
    """Whether the user sees NIK and KK numbers in full (the access rule, asked here)."""
    return access.can(user, access.Capability.SEE_FULL_IDS)


def identifier_for(user):
    """A function that shows identity numbers as this user may see them."""
    full = may_see_full(user)
    return lambda value: show_identifier(value, full=full)


def mask_account(value) -> str:
    """A bank account number with all but its last four digits hidden: ******7890."""
    text = "" if value is None else str(value)
    if len(text) <= 4:
        return "*" * len(text)
    return "*" * (len(text) - 4) + text[-4:]


def mask_text(text: str) -> str:
    """Every 16-digit run (a NIK or KK) in free text masked as mask_identifier does."""
    return _SIXTEEN_DIGITS.sub(r"\1********\2", text)


def fingerprint(value) -> str | None:
    """A keyed HMAC of a number: equal numbers give equal fingerprints, and without the key
    (SECRET_KEY) nobody can try the few hundred million possible NIKs against it."""
    if not value:
        return None
    mac = _fingerprint_key(settings.SECRET_KEY).copy()
    mac.update(str(value).encode())
    return mac.hexdigest()[:32]


@functools.lru_cache(maxsize=4)
def _fingerprint_key(secret: str) -> hmac.HMAC:
    """django.utils.crypto.salted_hmac's key (sha256 of salt and secret), derived once per
    secret rather than per number: an import fingerprints 100,000 of them."""
    key = hashlib.sha256((_FINGERPRINT_SALT + secret).encode()).digest()
    return hmac.new(key, digestmod=hashlib.sha256)


def audited_changes(changes: dict) -> dict:
    """The changes as the audit trail stores them: identifier fields masked, with their keyed
    fingerprints under FINGERPRINTS_KEY; everything else as it is."""
    if not changes or not IDENTIFIER_FIELDS.intersection(changes):
        return changes
    stored, fingerprints = {}, dict(changes.get(FINGERPRINTS_KEY) or {})
    for field, change in changes.items():
        if field in IDENTIFIER_FIELDS and isinstance(change, list | tuple) and len(change) == 2:
            old, new = change
            if not _is_masked(old) or not _is_masked(new):
                fingerprints[field] = [fingerprint(old), fingerprint(new)]
            stored[field] = [_masked_or_none(old), _masked_or_none(new)]
        else:
            stored[field] = change
    if fingerprints:
        stored[FINGERPRINTS_KEY] = fingerprints
    return stored


def displayed_change(field: str, value):
    """One side of an audit change as the history shows it: identifiers always masked (rows
    written before the trail stored them masked included)."""
    if field in IDENTIFIER_FIELDS and value:
        return mask_identifier(value)
    return value


def _masked_or_none(value):
    return mask_identifier(value) if value else value


def _is_masked(value) -> bool:
    return not value or "*" in str(value)


class MaskingExceptionReporter(ExceptionReporter):
    """Django's error page and error e-mail (the request, settings and local variables of
    every frame), with 16-digit runs masked: a NIK in a form or a variable stays hidden."""

    def get_traceback_html(self):
        return mask_text(str(super().get_traceback_html()))

    def get_traceback_text(self):
        return mask_text(str(super().get_traceback_text()))
