"""Pages of KUBE. Thin: fetch through the access rules, validate with a form, call one service,
then render or redirect. What the pages read is gathered in kube/selectors.py."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.models import AuditEvent
from audit.services import audit_export
from cases.duplicates import find_duplicates
from cases.models import Person
from cases.nik import normalise_number
from cases.services import EditConflict
from kube import charts, exports, scoring, selectors, services
from kube.forms import (
    BusinessTypeForm,
    CompletenessForm,
    DisbursementForm,
    GrantForm,
    KubeFilterForm,
    KubeForm,
    MemberExistingForm,
    MemberLeaveForm,
    MemberLookupForm,
    MemberNewForm,
    MemberRoleForm,
    PartnerForm,
    PartnerLinkForm,
    PartnershipEndForm,
    ReportCorrectionForm,
    ReportForm,
    RulesForm,
    StageOverrideForm,
    StatusForm,
)
from kube.models import (
    BusinessType,
    Kube,
    KubeGrant,
    KubeMember,
    KubePartnership,
    KubeReport,
    KubeRules,
    MemberRole,
    Partner,
    add_months,
    first_of_month,
)
from pmks_portal import access, service_errors
from pmks_portal.access import Capability
from pmks_portal.pagination import chosen_page_size, keyset_page

read_records = access.requires(Capability.READ_RECORDS)
write_records = access.requires(Capability.WRITE_RECORDS)
manage_reference = access.requires(Capability.MANAGE_REFERENCE)

COMPLETENESS_MONTHS = 12


def _kube(request, pk, *, write: bool = False) -> Kube:
    return access.get_object_for_user(Kube.objects.for_detail(), request.user, write=write, pk=pk)


# --- List, export, completeness --------------------------------------------------------------


def _filtered_groups(request, rules: KubeRules):
    groups = Kube.objects.visible_to(request.user).for_list()
    form = KubeFilterForm(request.GET or None, regency_limit=access.regency_limit(request.user))
    sort = KubeFilterForm.SORTS["name"]
    if form.is_bound and form.is_valid():
        groups, sort = form.apply(
            groups, last_due_month=selectors.last_due_month(rules, timezone.localdate())
        )
    return groups, sort, form


@read_records
def kube_list(request):
    rules = KubeRules.current()
    groups, (field, descending), form = _filtered_groups(request, rules)
    size = chosen_page_size(form)
    page = keyset_page(
        groups, field=field, descending=descending, cursor=request.GET.get("after"), size=size
    )
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "kube/kube_list.html",
        {
            "page": page,
            "rows": selectors.list_rows(page.rows, rules=rules, today=timezone.localdate()),
            "form": form,
            "query": query.urlencode(),
            "can_write": access.can(request.user, Capability.WRITE_RECORDS),
            "can_manage": access.can(request.user, Capability.MANAGE_REFERENCE),
        },
    )


@read_records
def kube_export(request):
    """What the list shows with the same filters, all pages: the groups or their monthly
    reports, as CSV or XLSX. Logged with the filters and the row count, never names."""
    rules = KubeRules.current()
    groups, (field, descending), _form = _filtered_groups(request, rules)
    groups = groups.order_by(f"{'-' if descending else ''}{field}", "pk")
    kind = request.GET.get("what") if request.GET.get("what") in exports.KINDS else "groups"
    export_format = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    full_ids = access.can(request.user, Capability.SEE_FULL_IDS)
    params = {key: value for key, value in request.GET.items() if key != "after"}
    audit_export(
        actor=request.user,
        label="kube.kubereport" if kind == "reports" else "kube.kube",
        params=params,
        row_count=exports.export_count(groups, kind),
        regency_id=access.regency_limit(request.user),
    )
    if export_format == "xlsx":
        return exports.xlsx_response(groups, kind=kind, full_ids=full_ids)
    return exports.csv_response(groups, kind=kind, full_ids=full_ids)


@read_records
def completeness(request):
    """Reporting rates as DHIS2 shows them: expected and received monthly reports per regency
    and month, late ones counted, and the groups still to chase for the latest due month."""
    rules = KubeRules.current()
    today = timezone.localdate()
    form = CompletenessForm(request.GET or None)
    until = selectors.last_due_month(rules, today)
    if form.is_bound and form.is_valid() and form.cleaned_data.get("until"):
        until = min(form.cleaned_data["until"], first_of_month(today))
    months = [add_months(until, -offset) for offset in range(COMPLETENESS_MONTHS - 1, -1, -1)]
    groups = Kube.objects.visible_to(request.user)
    table, totals = selectors.completeness(groups, months)
    return render(
        request,
        "kube/completeness.html",
        {
            "form": form,
            "months": months,
            "table": table,
            "totals": totals,
            "until": until,
            "missing": selectors.missing_reports(groups, until),
            "due_on": add_months(until, 1).replace(day=rules.report_due_day),
        },
    )


# --- Groups ----------------------------------------------------------------------------------


@write_records
def kube_create(request):
    regency = request.user.regency
    form = KubeForm(
        request.POST or None,
        regency_code=regency.code,
        initial={"year_formed": timezone.localdate().year},
    )
    if request.method == "POST" and form.is_valid():
        try:
            kube = services.kube_create(actor=request.user, regency=regency, data=form.cleaned_data)
        except ValidationError as error:
            service_errors.add_to_form(form, error)
        else:
            messages.success(request, _("Group registered. Now add its members."))
            return redirect("kube:member-add", pk=kube.pk)
    return render(request, "kube/kube_form.html", {"form": form})


@read_records
def kube_detail(request, pk):
    kube = _kube(request, pk)
    services.record_view(actor=request.user, kube=kube)
    rules = KubeRules.current()
    today = timezone.localdate()
    page = selectors.group_page(kube, rules=rules, today=today)
    can_write = kube.writable_by(request.user)
    chart = charts.revenue_profit_chart(
        page.reports, labels={"revenue": _("Revenue"), "profit": _("Profit")}
    )
    return render(
        request,
        "kube/kube_detail.html",
        {
            "kube": kube,
            "page": page,
            "rules": rules,
            "chart": chart,
            "score_rows": scoring.describe(kube.stage_breakdown),
            "blockers": scoring.blockers_text(kube.stage_breakdown),
            "stage_changes": kube.stage_changes.select_related("by")[:20],
            "status_changes": kube.status_changes.select_related("by"),
            # Openings of the page are logged too, but shown here they would bury the changes.
            "history": AuditEvent.objects.for_object(kube)
            .with_actor()
            .exclude(action=AuditEvent.Action.VIEW)[:50],
            "can_write": can_write,
            "can_see_ids": access.can(request.user, Capability.SEE_FULL_IDS),
            "status_form": StatusForm(current_status=kube.status) if can_write else None,
            "stage_form": StageOverrideForm(initial={"stage": kube.stage_override})
            if can_write
            else None,
            "role_choices": MemberRole.choices,
            "today": today,
        },
    )


@write_records
def kube_edit(request, pk):
    kube = _kube(request, pk, write=True)
    form = KubeForm(
        request.POST or None, regency_code=kube.regency_id, initial=KubeForm.initial_for(kube)
    )
    context = {"form": form, "kube": kube}
    if request.method == "POST" and form.is_valid():
        try:
            services.kube_update(
                actor=request.user,
                kube=kube,
                expected_version=form.cleaned_data["version"] or 0,
                data=form.cleaned_data,
            )
        except EditConflict as conflict:
            context["conflict"] = conflict.meanwhile
            conflict.offer_current_version(form)
        except ValidationError as error:
            service_errors.add_to_form(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("kube:detail", pk=kube.pk)
    return render(request, "kube/kube_form.html", context)


@write_records
@require_POST
def kube_status(request, pk):
    kube = _kube(request, pk, write=True)
    form = StatusForm(request.POST, current_status=kube.status)
    if not form.is_valid():
        messages.error(request, _("Choose a new status and a date."))
        return redirect("kube:detail", pk=kube.pk)
    try:
        services.kube_set_status(actor=request.user, kube=kube, **form.cleaned_data)
    except ValidationError as error:
        service_errors.add_message(request, error)
    else:
        messages.success(request, _("Status changed."))
    return redirect("kube:detail", pk=kube.pk)


@write_records
@require_POST
def kube_stage(request, pk):
    kube = _kube(request, pk, write=True)
    form = StageOverrideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a stage and say why."))
        return redirect("kube:detail", pk=kube.pk)
    try:
        services.stage_override_set(actor=request.user, kube=kube, **form.cleaned_data)
    except ValidationError as error:
        service_errors.add_message(request, error)
    else:
        messages.success(request, _("Stage saved."))
    return redirect(f"{reverse('kube:detail', args=[kube.pk])}#stage")


# --- Members ---------------------------------------------------------------------------------


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


# --- Grants ----------------------------------------------------------------------------------


@write_records
def grant_add(request, pk):
    kube = _kube(request, pk, write=True)
    form = GrantForm(request.POST or None, initial={"granted_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_add(actor=request.user, kube=kube, data=dict(form.cleaned_data))
        except ValidationError as error:
            service_errors.add_to_form(form, error)
        else:
            messages.success(request, _("Grant recorded."))
            return redirect(f"{reverse('kube:detail', args=[kube.pk])}#grants")
    return render(request, "kube/grant_form.html", {"form": form, "kube": kube})


@write_records
@require_POST
def disbursement_add(request, pk, grant_pk):
    kube = _kube(request, pk, write=True)
    grant = get_object_or_404(KubeGrant.objects.select_related("kube"), kube=kube, pk=grant_pk)
    form = DisbursementForm(request.POST)
    if form.is_valid():
        try:
            services.disbursement_add(actor=request.user, grant=grant, data=form.cleaned_data)
        except ValidationError as error:
            service_errors.add_message(request, error)
        else:
            messages.success(request, _("Payment stage recorded."))
    else:
        messages.error(
            request,
            " ".join(str(message) for errors in form.errors.values() for message in errors),
        )
    return redirect(f"{reverse('kube:detail', args=[kube.pk])}#grants")


# --- Monthly reports -------------------------------------------------------------------------


def _month_of(year: int, month: int) -> date:
    try:
        return date(year, month, 1)
    except ValueError:
        raise Http404 from None


def _report(kube: Kube, year: int, month: int) -> KubeReport:
    return get_object_or_404(
        KubeReport.objects.select_related("kube", "submitted_by"),
        kube=kube,
        month=_month_of(year, month),
    )


@write_records
def report_add(request, pk):
    kube = _kube(request, pk, write=True)
    rules = KubeRules.current()
    suggested = selectors.last_due_month(rules, timezone.localdate())
    if kube.last_report_month and kube.last_report_month >= suggested:
        suggested = first_of_month(timezone.localdate())
    form = ReportForm(request.POST or None, initial={"month": suggested})
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_add(actor=request.user, kube=kube, data=form.report_data())
        except ValidationError as error:
            service_errors.add_to_form(form, error)
        else:
            if report.is_late:
                messages.warning(
                    request,
                    _("Report saved. It came after the due date, so it is counted as late."),
                )
            else:
                messages.success(request, _("Report saved."))
            return redirect(f"{reverse('kube:detail', args=[kube.pk])}#reports")
    return render(request, "kube/report_form.html", {"form": form, "kube": kube})


@read_records
def report_detail(request, pk, year, month):
    kube = _kube(request, pk)
    report = _report(kube, year, month)
    rules = KubeRules.current()
    return render(
        request,
        "kube/report_detail.html",
        {
            "kube": kube,
            "report": report,
            "due_on": add_months(report.month, 1).replace(day=rules.report_due_day),
            "revisions": report.revisions.select_related("by"),
            "history": AuditEvent.objects.for_object(report).with_actor()[:50],
            "can_write": kube.writable_by(request.user),
        },
    )


@write_records
def report_correct(request, pk, year, month):
    kube = _kube(request, pk, write=True)
    report = _report(kube, year, month)
    initial = {field: getattr(report, field) for field in services.REPORT_INPUT_FIELDS}
    form = ReportCorrectionForm(
        request.POST or None, initial={**initial, "version": report.version}
    )
    context = {"kube": kube, "report": report, "form": form}
    if request.method == "POST" and form.is_valid():
        data = form.report_data()
        try:
            services.report_correct(
                actor=request.user,
                report=report,
                expected_version=data.pop("version"),
                reason=data.pop("reason"),
                data=data,
            )
        except EditConflict as conflict:
            context["conflict"] = conflict.meanwhile
            conflict.offer_current_version(form)
        except ValidationError as error:
            service_errors.add_to_form(form, error)
        else:
            messages.success(request, _("Report corrected; the previous values are kept."))
            return redirect("kube:report-detail", pk=kube.pk, year=year, month=month)
    return render(request, "kube/report_correct.html", context)


# --- Partners --------------------------------------------------------------------------------


@write_records
def partner_link(request, pk):
    kube = _kube(request, pk, write=True)
    form = PartnerLinkForm(request.POST or None, initial={"started_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_link(actor=request.user, kube=kube, data=form.cleaned_data)
        except ValidationError as error:
            service_errors.add_to_form(form, error)
        else:
            messages.success(request, _("Partner linked to the group."))
            return redirect(f"{reverse('kube:detail', args=[kube.pk])}#partners")
    return render(request, "kube/partner_link_form.html", {"form": form, "kube": kube})


@write_records
@require_POST
def partnership_end(request, pk, link_pk):
    kube = _kube(request, pk, write=True)
    link = get_object_or_404(KubePartnership.objects.select_related("kube"), kube=kube, pk=link_pk)
    form = PartnershipEndForm(request.POST)
    if form.is_valid():
        try:
            services.partnership_end(actor=request.user, partnership=link, **form.cleaned_data)
        except ValidationError as error:
            service_errors.add_message(request, error)
        else:
            messages.success(request, _("Partnership ended."))
    else:
        messages.error(request, _("Give the date the partnership ended."))
    return redirect(f"{reverse('kube:detail', args=[kube.pk])}#partners")


@read_records
def partner_list(request):
    partners = Partner.objects.visible_to(request.user).order_by("name")
    return render(
        request,
        "kube/partner_list.html",
        {
            "partners": partners,
            "can_manage": access.can(request.user, Capability.MANAGE_REFERENCE),
        },
    )


@manage_reference
def partner_edit(request, pk):
    # The directory is province-wide reference data: no regency scope, only the capability.
    partner = get_object_or_404(Partner, pk=pk)
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_save(actor=request.user, partner=form.save(commit=False))
        except ValidationError as error:
            service_errors.add_to_form(form, error)
        else:
            messages.success(request, _("Partner saved."))
            return redirect("kube:partners")
    return render(
        request,
        "kube/partner_form.html",
        {
            "form": form,
            "partner": partner,
            "history": AuditEvent.objects.for_object(partner).with_actor()[:50],
        },
    )


# --- Reference data (administrators) ---------------------------------------------------------


@manage_reference
def business_type_list(request):
    return render(
        request, "kube/businesstype_list.html", {"business_types": BusinessType.objects.all()}
    )


def _business_type_edit(request, business_type: BusinessType):
    form = BusinessTypeForm(request.POST or None, instance=business_type)
    if request.method == "POST" and form.is_valid():
        services.business_type_save(actor=request.user, business_type=form.save(commit=False))
        messages.success(request, _("Business type saved."))
        return redirect("kube:business-types")
    history = (
        AuditEvent.objects.for_object(business_type).with_actor()[:50] if business_type.pk else []
    )
    return render(
        request,
        "kube/businesstype_form.html",
        {"form": form, "business_type": business_type, "history": history},
    )


@manage_reference
def business_type_create(request):
    return _business_type_edit(request, BusinessType())


@manage_reference
def business_type_edit(request, pk):
    return _business_type_edit(request, get_object_or_404(BusinessType, pk=pk))


@manage_reference
def rules_edit(request):
    rules = KubeRules.current()
    form = RulesForm(request.POST or None, instance=rules)
    context = {"form": form, "rules": rules}
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        expected = data.pop("version") or 0
        try:
            services.rules_save(actor=request.user, expected_version=expected, data=data)
        except EditConflict as conflict:
            context["conflict"] = conflict.meanwhile
        except ValidationError as error:
            service_errors.add_to_form(form, error)
        else:
            messages.success(request, _("Rules saved. Every group's stage is being scored again."))
            return redirect("kube:rules")
    context["history"] = AuditEvent.objects.for_object(rules).with_actor()[:50] if rules.pk else []
    return render(request, "kube/rules_form.html", context)
