"""Holds a signed-in user who needs a second factor at its page until it is given."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from accounts import second_factor

# What a user between password and code may still reach: the second factor's own pages,
# signing out, the language switch.
ALLOWED_BEFORE_VERIFICATION = frozenset(
    {"second_factor:verify", "second_factor:enrol", "logout", "set_language"}
)


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not second_factor.required_for(request.user) or second_factor.is_verified(request):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in ALLOWED_BEFORE_VERIFICATION:
            return None
        # Public pages (sign-in, password reset) need no second factor either.
        if getattr(view_func, "login_required", True) is False:
            return None
        url = reverse("second_factor:verify")
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)
