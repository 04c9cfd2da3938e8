"""/api/v1/: every URL of the API marked with the API's access policy (pmks_portal/access.py).

The API authenticates each request itself (token or session) and answers 401, never the
sign-in page; each operation checks its capability through access.can().
"""

from django.urls import URLPattern, URLResolver

from api.main import api
from pmks_portal import access


def _marked(patterns):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            _marked(entry.url_patterns)
        elif isinstance(entry, URLPattern):
            entry.callback = access.api_endpoint(entry.callback)
    return patterns


patterns, _, _ = api.urls
app_name = api.urls_namespace  # ninja reverses its schema URL in this namespace
urlpatterns = _marked(patterns)
