from django.conf import settings
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.http import require_safe

from pmks_portal import access


@access.authenticated
def about(request):
    """What the portal is, the attribution of the data it ships with, and whom to ask about
    one's personal data (the data protection officer)."""
    return render(request, "about.html", {"dpo": settings.PMKS_DPO})


@access.public
@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links; it is a static file (with its
    hashed, long-cached name), so the answer is a permanent redirect to it."""
    return HttpResponsePermanentRedirect(static("img/favicon.ico"))
