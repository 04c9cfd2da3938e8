from django.conf import settings
from django.shortcuts import render

from pmks_portal import access
from regions.models import Region


@access.authenticated
def home(request):
    """The start page: what the user's role and regency give access to."""
    user = request.user
    regencies = Region.objects.visible_to(user).regencies().in_province(settings.PMKS_PROVINCE_CODE)
    return render(request, "home.html", {"regencies": regencies})


@access.authenticated
def about(request):
    """What the portal is, the attribution of the data it ships with, and whom to ask about
    one's personal data (the data protection officer)."""
    return render(request, "about.html", {"dpo": settings.PMKS_DPO})
