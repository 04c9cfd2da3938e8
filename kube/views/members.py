"""KUBE pages: adding a member (registry search, near matches), role change, leaving."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.duplicates import find_duplicates
from cases.models import Person
from cases.nik import normalise_number
from kube import services
from kube.forms import (
    MemberExistingForm,
    MemberLeaveForm,
    MemberLookupForm,
    MemberNewForm,
    MemberRoleForm,
)
from kube.models import (
    Kube,
    KubeMember,
    KubeRules,
)
from kube.views.common import _kube, write_records
from pmks_portal import access, service_errors


def _find_person(user, text: str):
    """(person in the user's scope, or None; True when the NIK exists outside the scope)."""
    number = normalise_number(text)
    people = Person.objects.visible_to(user).current()
    if len(number) == 16 and number.isdigit():
        person = people.filter(nik=number).first()
        if person is None and find_duplicates(nik=number, name="", birth_date=None).exact:
            return None, True
        return person, False
    if number.isdigit() and len(number) <= 12:
        return people.filter(pk=int(number)).first(), False
    return None, False


@write_records
def member_add(request, pk):
    """Adding a member in two steps: find the person in the registry by NIK (or registry
    number); then add them, or register them first when they are not in the registry."""
    kube = _kube(request, pk, write=True)
    rules = KubeRules.current()
    today = timezone.localdate()
    step = request.POST.get("step") if request.method == "POST" else None
    context = {"kube": kube, "rules": rules, "lookup_form": MemberLookupForm()}
    membership_initial = {"joined_on": today}

    if step == "find":
        lookup = MemberLookupForm(request.POST)
        context["lookup_form"] = lookup
        if lookup.is_valid():
            person, elsewhere = _find_person(request.user, lookup.cleaned_data["lookup"])
            if person is not None:
                context["person"] = person
                context["existing_form"] = MemberExistingForm(
                    initial={"person": person.pk, **membership_initial}
                )
            elif elsewhere:
                lookup.add_error(
                    "lookup",
                    _(
                        "A person with this NIK is registered in another regency or city. Ask "
                        "the provincial office to check the record."
                    ),
                )
            else:
                number = normalise_number(lookup.cleaned_data["lookup"])
                if len(number) == 16:
                    messages.info(request, _("Not in the registry yet: register the person here."))
                    context["new_form"] = MemberNewForm(
                        regency_code=kube.regency_id,
                        initial={"nik": number, **membership_initial},
                    )
                else:
                    lookup.add_error("lookup", _("No person with this number in your registry."))
    elif step == "existing":
        form = MemberExistingForm(request.POST)
        context["existing_form"] = form
        if form.is_valid():
            person = access.get_object_for_user(
                Person.objects.current(), request.user, pk=form.cleaned_data["person"]
            )
            context["person"] = person
            try:
                services.member_add(
                    actor=request.user,
                    kube=kube,
                    person=person,
                    role=form.cleaned_data["role"],
                    joined_on=form.cleaned_data["joined_on"],
                    confirmed=form.cleaned_data["confirm"],
                )
            except services.NeedsConfirmation as pending:
                context["pending"] = pending
            except ValidationError as error:
                service_errors.add_to_form(form, error)
            else:
                messages.success(request, _("%(name)s added to the group.") % {"name": person.name})
                return redirect(f"{reverse('kube:detail', args=[kube.pk])}#members")
    elif step == "new":
        form = MemberNewForm(request.POST, regency_code=kube.regency_id)
        context["new_form"] = form
        if form.is_valid():
            try:
                member = services.member_add_new_person(
                    actor=request.user,
                    kube=kube,
                    person_data=form.person_data(),
                    role=form.cleaned_data["role"],
                    joined_on=form.cleaned_data["joined_on"],
                    confirmed=form.cleaned_data["confirm"],
                )
            except services.NeedsConfirmation as pending:
                context["pending"] = pending
            except ValidationError as error:
                service_errors.add_to_form(form, error)
            else:
                messages.success(
                    request, _("%(name)s added to the group.") % {"name": member.person.name}
                )
                return redirect(f"{reverse('kube:detail', args=[kube.pk])}#members")
    return render(request, "kube/member_form.html", context)


def _member(kube: Kube, member_pk) -> KubeMember:
    return get_object_or_404(KubeMember.objects.select_related("person"), kube=kube, pk=member_pk)


def _member_action(request, pk, member_pk, form_class, service, done: str, invalid: str):
    """A small POSTed form about one member, handed to one service; back to the member list."""
    kube = _kube(request, pk, write=True)
    member = _member(kube, member_pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(actor=request.user, member=member, **form.cleaned_data)
        except ValidationError as error:
            service_errors.add_message(request, error)
        else:
            messages.success(request, done)
    else:
        messages.error(request, invalid)
    return redirect(f"{reverse('kube:detail', args=[kube.pk])}#members")


@write_records
@require_POST
def member_role(request, pk, member_pk):
    return _member_action(
        request,
        pk,
        member_pk,
        MemberRoleForm,
        services.member_change_role,
        _("Role changed."),
        _("Choose a role."),
    )


@write_records
@require_POST
def member_leave(request, pk, member_pk):
    return _member_action(
        request,
        pk,
        member_pk,
        MemberLeaveForm,
        services.member_leave,
        _("Recorded that the member left."),
        _("Give the date the member left."),
    )
