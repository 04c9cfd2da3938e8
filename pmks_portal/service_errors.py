"""Showing a service's refusal (a ValidationError) to the user: on the form, or as a message."""

from django.contrib import messages
from django.core.exceptions import ValidationError


def add_to_form(form, error: ValidationError) -> None:
    """Each error on the field it names, when the form has that field; the rest on the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def add_message(request, error: ValidationError) -> None:
    """The whole refusal as one error message, for pages that redirect after a POST."""
    messages.error(request, " ".join(error.messages))
