""" "Tugas saya": where everyone lands after signing in. Thin: the registry's selectors do the
reading; the settings page calls one service."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from pmks_portal import access
from worklists import registry, services
from worklists.forms import DigestSettingsForm

# Rows per list on the first page, and on a list's own page.
FIRST_ROWS = 5
LIST_ROWS = 100


@access.authenticated
def mine(request):
    today = timezone.localdate()
    results = [
        registry.collect(worklist, request.user, today, limit=FIRST_ROWS)
        for worklist in registry.worklists_for(request.user)
    ]
    return render(
        request,
        "worklists/mine.html",
        {
            "due": [result for result in results if result.count],
            "clear": [result for result in results if not result.count],
            "today": today,
        },
    )


@access.authenticated
def detail(request, key):
    worklist = registry.worklist_named(key)
    if worklist is None:
        raise Http404
    # A list that is not among the user's tasks is shown empty: nothing in it is theirs.
    result = (
        registry.collect(worklist, request.user, timezone.localdate(), limit=LIST_ROWS)
        if worklist.applies_to(request.user)
        else registry.Result(worklist, 0, [])
    )
    return render(request, "worklists/detail.html", {"result": result, "limit": LIST_ROWS})


@access.authenticated
def digest_settings(request):
    worklists = registry.worklists_for(request.user)
    chosen = [worklist.key for worklist in services.digest_kinds(request.user)]
    form = DigestSettingsForm(request.POST or None, worklists=worklists, chosen=chosen)
    if request.method == "POST" and form.is_valid():
        services.digest_preferences_set(actor=request.user, kinds_off=form.kinds_off())
        messages.success(request, _("Your e-mail choices are saved."))
        return redirect("worklists:mine")
    return render(request, "worklists/digest_settings.html", {"form": form})
