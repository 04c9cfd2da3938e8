from django.conf import settings
from django.shortcuts import render

from pmks_portal import access


@access.authenticated
def about(request):
    """What the portal is, the attribution of the data it ships with, and whom to ask about
    one's personal data (the data protection officer)."""
    return render(request, "about.html", {"dpo": settings.PMKS_DPO})
