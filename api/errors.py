"""Errors in one documented shape: {"detail": text, "errors": {field: [messages]}}.

Bad input (malformed JSON, unknown fields, wrong types, a choice outside the client's scope)
is a 400 with field errors and nothing saved; the framework's own 422 is not used.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from api.limits import RateLimited

# The key of errors that belong to no one field (Django's NON_FIELD_ERRORS).
GENERAL = "__all__"


class BadInput(Exception):
    """A 400 carrying field errors."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


def form_errors(form) -> dict[str, list[str]]:
    return {
        field: [str(message) for message in messages] for field, messages in form.errors.items()
    }


def django_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            field: [message for item in items for message in item.messages]
            for field, items in error.error_dict.items()
        }
    return {GENERAL: list(error.messages)}


def _pydantic_errors(errors: list[dict]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        # loc is ("body", "payload", "field", ...) or ("query", "field"): the field path stays.
        loc = [str(part) for part in error.get("loc", ()) if part not in ("body", "payload")]
        if loc and loc[0] in ("query", "path"):
            loc = loc[1:]
        if loc and loc[0] == "filters":
            loc = loc[1:]
        fields.setdefault(".".join(loc) or GENERAL, []).append(error.get("msg", ""))
    return fields


def install(api) -> None:
    """Registers the handlers on the NinjaAPI instance."""

    def respond(request, status, detail, errors=None, headers=None):
        body = {"detail": detail}
        if errors is not None:
            body["errors"] = errors
        response = api.create_response(request, body, status=status)
        for name, value in (headers or {}).items():
            response[name] = value
        return response

    @api.exception_handler(NinjaValidationError)
    def invalid(request, exc):
        return respond(request, 400, _("The request is not valid."), _pydantic_errors(exc.errors))

    @api.exception_handler(BadInput)
    def bad_input(request, exc):
        return respond(request, 400, _("The request is not valid."), exc.errors)

    @api.exception_handler(DjangoValidationError)
    def refused(request, exc):
        return respond(request, 400, _("The request is not valid."), django_errors(exc))

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return respond(request, 404, _("Not found."))

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return respond(request, 403, _("Not allowed."))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return respond(
            request,
            401,
            _("Give a valid API token or sign in."),
            headers={"WWW-Authenticate": "Bearer"},
        )

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        if exc.status_code == 400:  # the body is not JSON at all
            return respond(request, 400, _("The request is not valid."), {GENERAL: [str(exc)]})
        return respond(request, exc.status_code, str(exc))

    @api.exception_handler(RateLimited)
    def limited(request, exc):
        return respond(
            request,
            429,
            _("Too many requests; try again later."),
            {GENERAL: [exc.limit]},
            headers={"Retry-After": str(exc.retry_after)},
        )
