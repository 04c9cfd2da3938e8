from django.shortcuts import render

from pmks_portal import access


@access.authenticated
def about(request):
    """What the portal is, and the attribution of the data it ships with."""
    return render(request, "about.html")
