"""Input no record can hold is refused at the door with 400, before any view or query sees it.

PostgreSQL stores no NUL character in text or JSON: a NUL in a query or form value reached the
database through any code that used the raw value (the case export's audit record of its
filters raised DataError, a 500). Django's form fields refuse NUL one by one; this refuses it
for every value and name of the query string and of a url-encoded form body. A multipart body
(an upload) is left unread here, so that a view can still refuse it by its length before
Django reads it; its text fields go through form fields, which refuse NUL themselves.
"""

from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _

NUL = "\x00"


def _has_nul(query_dict) -> bool:
    return any(
        NUL in key or any(NUL in value for value in values) for key, values in query_dict.lists()
    )


class RefuseNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            NUL in request.path
            or _has_nul(request.GET)
            or (
                request.method == "POST"
                and request.content_type != "multipart/form-data"
                and _has_nul(request.POST)
            )
        ):
            return HttpResponseBadRequest(
                _(
                    "The request holds a character that cannot be stored (NUL). Remove it and "
                    "try again."
                ),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
