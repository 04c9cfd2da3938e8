"""Sample values for the URL parameters of the access matrix (tests/test_access_matrix.py), by
URL name, and the lists' query variants.

A new URL with parameters fails the matrix until it has samples here: give it one object of
Balikpapan and one of Samarinda (tests/access_sample_objects.py makes the common ones). The
REST API's URLs (access.API_POLICY) have none: the API answers 401/400 of its own and
tests/api/test_access.py walks it.
"""

from collections.abc import Callable

from django.db import models
from django.utils import timezone

from pmks_portal import access
from regions.models import Level, Region
from tests.access_sample_objects import (
    ATTACHMENT_SAMPLES,
    CASE_SAMPLES,
    IMPORT_SAMPLES,
    PAIR_SAMPLES,
    PERSON_SAMPLES,
    PROVINCE_IMPORT_SAMPLES,
    REGION_SAMPLES,
    USER_SAMPLES,
    Context,
    Sample,
    _business_type,
    _case,
    _category,
    _first_below,
    _grant,
    _kube_partner,
    _member,
    _partnership,
    _password_link,
    _person,
    _region,
    _report_month,
    by_code,
    by_pk,
    crossed_kube_samples,
    kube_samples,
    marker,
)
from tests.bodies import tiny_pdf
from tests.conftest import BALIKPAPAN, SAMARINDA
from tests.helpers import Route


def _rakornis(part: str, regency_code: str | None = None) -> Callable[[Context], models.Model]:
    # A meeting held last month, its agenda, a document, a participant, a recommendation for
    # Balikpapan and Samarinda, and each regency's follow-up with evidence.
    def make(ctx: Context):
        from datetime import time, timedelta

        from django.core.files.base import ContentFile

        from rakornis.models import Evidence, Meeting, MeetingDocument, Recommendation

        today = timezone.localdate()

        def meeting():
            return ctx.once(
                "rakornis meeting",
                lambda: Meeting.objects.create(
                    title="Rakornis contoh",
                    year=(today - timedelta(days=30)).year,
                    venue="Sangatta",
                    organiser="Rehsos",
                    starts_on=today - timedelta(days=30),
                    ends_on=today - timedelta(days=29),
                    status="held",
                ),
            )

        def recommendation():
            made = Recommendation.objects.create(
                meeting=meeting(), number=1, text="Contoh", category="pasung", due_on=today
            )
            for code in (BALIKPAPAN, SAMARINDA):
                made.follow_ups.create(
                    regency_id=code,
                    due_on=today,
                    summary=marker(code, "followup"),
                )
            return made

        def with_file(made):
            made.file.save("contoh.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
            made.save()
            return made

        makers = {
            "meeting": meeting,
            "session": lambda: meeting().sessions.create(
                day=today - timedelta(days=30), starts_at=time(9), title="Pembukaan"
            ),
            "document": lambda: with_file(
                MeetingDocument(
                    meeting=meeting(), kind="minutes", original_name="notulen.pdf", size=9
                )
            ),
            "participant": lambda: meeting().participants.create(
                name="Peserta contoh",
                institution="Dinsos",
                institution_type="regency_dinsos",
                regency_id=BALIKPAPAN,
            ),
            "recommendation": lambda: ctx.once("rakornis recommendation", recommendation),
            "follow_up": lambda: makers["recommendation"]().follow_ups.get(regency_id=regency_code),
            "evidence": lambda: with_file(
                Evidence(
                    follow_up=makers["follow_up"](),
                    original_name=f"{marker(regency_code, 'evidence')}.pdf",
                    size=9,
                )
            ),
        }
        return ctx.once(f"rakornis {part} {regency_code}", makers[part])

    return make


def rakornis_samples(part: str) -> list[Sample]:
    """Meetings and their parts are province-wide (every reader sees them whole); a follow-up
    and its evidence belong to one regency: Balikpapan's must be a 404 for Samarinda."""
    if part in ("follow_up", "evidence"):
        return [
            by_pk(f"a {part} of {name}", _rakornis(part, code))
            for name, code in (("Balikpapan", BALIKPAPAN), ("Samarinda", SAMARINDA))
        ]
    return [by_pk(f"a Rakornis {part}", _rakornis(part), scoped=False)]


SAMPLES: dict[str, list[Sample]] = {
    "password_reset_confirm": [
        Sample("a forged link", lambda ctx: None, lambda obj, ctx: _password_link(ctx, "x-y")),
        Sample("a valid link", lambda ctx: None, lambda obj, ctx: _password_link(ctx, None)),
    ],
    "accounts:user-detail": USER_SAMPLES,
    "accounts:user-edit": USER_SAMPLES,
    "accounts:user-set-active": USER_SAMPLES,
    "accounts:user-password-link": USER_SAMPLES,
    "accounts:user-second-factor-reset": USER_SAMPLES,
    "regions:detail": REGION_SAMPLES,
    "regions:edit": REGION_SAMPLES,
    "regions:delete": REGION_SAMPLES,
    "cases:detail": CASE_SAMPLES,
    "cases:edit": CASE_SAMPLES,
    "cases:transition": CASE_SAMPLES,
    "cases:intervention-add": CASE_SAMPLES,
    "cases:details-save": CASE_SAMPLES,
    "cases:pasung-event-add": CASE_SAMPLES,
    "cases:person-detail": PERSON_SAMPLES,
    "cases:person-edit": PERSON_SAMPLES,
    "cases:person-merge": PERSON_SAMPLES,
    "cases:case-create": [
        by_pk("a person registered in Balikpapan", _person(BALIKPAPAN), "person_pk"),
        by_pk("a person registered in Samarinda", _person(SAMARINDA), "person_pk"),
    ],
    "cases:attachment-upload": CASE_SAMPLES,
    **{
        f"cases:{name}": IMPORT_SAMPLES
        for name in (
            "import-detail",
            "import-progress",
            "import-commit",
            "import-check",
            "import-errors",
            "import-errors-xlsx",
        )
    },
    **{
        f"cases:{name}": PROVINCE_IMPORT_SAMPLES
        for name in (
            "province-import-detail",
            "province-import-progress",
            "province-import-commit",
            "province-import-check",
            "province-import-errors",
        )
    },
    "cases:attachment-download": ATTACHMENT_SAMPLES,
    "cases:attachment-delete": ATTACHMENT_SAMPLES,
    "categories:edit": [by_pk("a PMKS category", _category, scoped=False)],
    "kube:detail": kube_samples(),
    "kube:edit": kube_samples(),
    "kube:status": kube_samples(),
    "kube:stage": kube_samples(),
    "kube:member-add": kube_samples(),
    "kube:member-role": kube_samples(_member) + crossed_kube_samples(_member),
    "kube:member-leave": kube_samples(_member) + crossed_kube_samples(_member),
    "kube:grant-add": kube_samples(),
    "kube:disbursement-add": kube_samples(_grant) + crossed_kube_samples(_grant),
    "kube:report-add": kube_samples(),
    "kube:report-detail": kube_samples(_report_month),
    "kube:report-correct": kube_samples(_report_month),
    "kube:partner-link": kube_samples(),
    "kube:partnership-end": kube_samples(_partnership) + crossed_kube_samples(_partnership),
    "kube:partner-edit": [by_pk("a KUBE partner", _kube_partner, scoped=False)],
    "kube:business-type-edit": [by_pk("a business type", _business_type, scoped=False)],
    **{
        f"rakornis:{name}": rakornis_samples(part)
        for part, names in {
            "meeting": "detail edit summary-pdf session-create document-upload participants "
            "participant-create participant-import attendance-save attendance-sheet door "
            "door-mark door-walk-in recommendation-create",
            "session": "session-edit session-delete",
            "document": "document document-delete",
            "participant": "participant-edit participant-delete",
            "recommendation": "recommendation recommendation-edit",
            "follow_up": "follow-up follow-up-update",
            "evidence": "evidence",
        }.items()
        for name in names.split()
    },
    # --- h/dupwork (#14): the duplicates queue, and a worklist's own page (one that applies
    # to regency staff only: the others see it empty)
    "duplicates:compare": PAIR_SAMPLES,
    "duplicates:merge": PAIR_SAMPLES,
    "duplicates:dismiss": PAIR_SAMPLES,
    "worklists:detail": [
        Sample("cases without contact", lambda ctx: None, lambda obj, ctx: {"key": "no-contact"})
    ],
}

NO_PARAMETERS = [Sample("", lambda ctx: None, lambda obj, ctx: {})]

# Lists and exports are read again with filters and in every file format: a filter on another
# regency must not widen what a list shows, and each format is built by its own code.
QUERY_VARIANTS: dict[str, list[str]] = {
    "cases:list": [
        f"regency={BALIKPAPAN}",
        f"regency={SAMARINDA}",
        "sort=name",
        "status=registered",
    ],
    "cases:export": [
        "format=csv",
        "format=xlsx",
        f"format=xlsx&regency={BALIKPAPAN}",
        f"format=csv&regency={BALIKPAPAN}",
    ],
    "kube:list": [f"regency={BALIKPAPAN}", "q=KUBE", "overdue=on"],
    "kube:export": [
        "format=csv",
        "format=xlsx",
        "what=reports&format=csv",
        "what=reports&format=xlsx",
        f"format=xlsx&regency={BALIKPAPAN}",
    ],
    "kube:completeness": [f"regency={BALIKPAPAN}"],
    "rakornis:follow-ups": [f"regency={BALIKPAPAN}", "state=all", "state=done"],
    "rakornis:participants": ["q=Peserta"],
    "reports:dashboard": ["month=2025-12"],
    "reports:runs": [f"regency={BALIKPAPAN}"],
}

# Reports: the dashboards of a regency and of a district, report runs of Balikpapan, Samarinda
# and the province roll-up (with their files), and targets (reference data for administrators).


def _report_run(regency_code: str | None) -> Callable[[Context], models.Model]:
    def make(ctx: Context):
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage

        from reports.models import ReportRun

        scope = regency_code or "provinsi"

        def create():
            today = timezone.localdate()
            run = ReportRun.objects.create(
                regency_id=regency_code,
                period_kind="month",
                period=f"{today:%Y-%m}",
                period_start=today.replace(day=1),
                period_end=today,
                idempotency_key=f"matrix:{scope}",
                status=ReportRun.Status.DONE,
                progress=100,
                pdf_file=default_storage.save(f"reports/{scope}/x.pdf", ContentFile(pdf)),
                xlsx_file=default_storage.save(f"reports/{scope}/x.xlsx", ContentFile(xlsx)),
            )
            return run

        # A regency's files name it by marker, so a download served to another regency shows.
        text = marker(regency_code, "report") if regency_code else "Provinsi"
        pdf, xlsx = _report_files(text)

        return ctx.once(f"report run {scope}", create)

    return make


def _report_files(text: str) -> tuple[bytes, bytes]:
    """A one-line PDF and a one-cell workbook that say `text`."""
    from pmks_portal import spreadsheets

    workbook = spreadsheets.table_workbook("Laporan", ["Wilayah"], [[text]])
    return tiny_pdf(text), spreadsheets.xlsx_bytes(workbook)


def _target(ctx: Context) -> models.Model:
    from reports.models import Target, TargetBaseline, TargetRestatement
    from reports.targets_data import load_national_targets

    load_national_targets(Target, TargetRestatement, TargetBaseline)  # gone after a flush
    return Target.objects.order_by("pk").first()


REPORT_RUN_SAMPLES = [
    by_pk("a report of Balikpapan", _report_run(BALIKPAPAN)),
    by_pk("a report of Samarinda", _report_run(SAMARINDA)),
    by_pk("the province roll-up report", _report_run(None)),
]
SAMPLES.update(
    {
        "reports:regency": [
            by_code("Kota Balikpapan (another regency)", _region(BALIKPAPAN)),
            by_code("Kota Samarinda (own regency)", _region(SAMARINDA)),
        ],
        "reports:district": [
            by_code("a district of Balikpapan", _first_below(BALIKPAPAN, Level.DISTRICT)),
            by_code("a district of Samarinda", _first_below(SAMARINDA, Level.DISTRICT)),
        ],
        **{
            f"reports:{name}": REPORT_RUN_SAMPLES
            for name in ("run", "run-status", "run-rebuild", "run-pdf", "run-xlsx")
        },
        **{
            f"reports:{name}": [by_pk("a national target", _target, scoped=False)]
            for name in ("target-edit", "target-restate", "target-baseline", "target-milestone")
        },
    }
)


# The administrators' pages of API clients: province-wide records that only administrators see
# (no regency staff ever does), so the samples are not scoped.


def _api_client(regency_code: str | None) -> Callable[[Context], models.Model]:
    def make(ctx: Context):
        from datetime import timedelta

        from api.clients import api_client_create

        return ctx.once(
            f"api client {regency_code}",
            lambda: (
                api_client_create(
                    actor=ctx.personas["admin"],
                    name=f"Klien {regency_code or 'provinsi'}",
                    regency=Region.objects.get(code=regency_code) if regency_code else None,
                    can_read=True,
                    can_write=False,
                    can_aggregate=False,
                    expires_at=timezone.now() + timedelta(days=30),
                ).client
            ),
        )

    return make


API_CLIENT_SAMPLES = [
    by_pk("an API client of Balikpapan", _api_client(BALIKPAPAN), scoped=False),
    by_pk("a province-wide API client", _api_client(None), scoped=False),
]

# Personal data protection: subject requests belong to the person's regency; the breach and
# processing registers are province-wide, for the privacy officers.


def _subject_request(regency_code: str) -> Callable[[Context], models.Model]:
    def make(ctx: Context):
        from privacy.models import SubjectRequest

        return ctx.once(
            f"subject request {regency_code}",
            lambda: SubjectRequest.objects.create(
                person=_person(regency_code)(ctx),
                regency_id=regency_code,
                requested_at=timezone.now(),
                notes=marker(regency_code, "subjectrequest"),
                received_by=ctx.personas["admin"],
            ),
        )

    return make


def _breach(ctx: Context) -> models.Model:
    from privacy.models import Breach

    return ctx.once(
        "breach",
        lambda: Breach.objects.create(
            found_at=timezone.now(),
            description="Laptop hilang",
            subjects_affected=3,
            data_categories="nama",
            recorded_by=ctx.personas["admin"],
        ),
    )


def _processing_activity(ctx: Context) -> models.Model:
    from privacy.models import ProcessingActivity

    return ctx.once(
        "processing activity",
        lambda: ProcessingActivity.objects.create(
            name="Registrasi PMKS",
            purpose="p",
            legal_basis="l",
            data_categories="d",
            subject_categories="s",
            retention="r",
        ),
    )


SUBJECT_REQUEST_SAMPLES = [
    by_pk("a subject request of Balikpapan", _subject_request(BALIKPAPAN)),
    by_pk("a subject request of Samarinda", _subject_request(SAMARINDA)),
]
BREACH_SAMPLES = [by_pk("a breach", _breach, scoped=False)]
SAMPLES.update(
    {
        "api_clients:detail": API_CLIENT_SAMPLES,
        "api_clients:revoke": API_CLIENT_SAMPLES,
        "pdp:request-create": [
            by_pk("a person of Balikpapan", _person(BALIKPAPAN), "person_pk"),
            by_pk("a person of Samarinda", _person(SAMARINDA), "person_pk"),
        ],
        **{
            f"pdp:{name}": SUBJECT_REQUEST_SAMPLES
            for name in (
                "request",
                "request-json",
                "request-pdf",
                "request-answer",
                "request-correct",
            )
        },
        "pdp:breach": BREACH_SAMPLES,
        "pdp:breach-notify": BREACH_SAMPLES,
        "pdp:activity-edit": [by_pk("a processing activity", _processing_activity, scoped=False)],
        "pdp:referrals": [
            by_pk("a case of Balikpapan", _case(BALIKPAPAN), "case_pk"),
            by_pk("a case of Samarinda", _case(SAMARINDA), "case_pk"),
        ],
    }
)


# --- DTSEN (#15): a loaded extract (province-wide: the officers' and administrators' only) and
# a worklist item of Balikpapan and of Samarinda, each on a person carrying its marker.


def _dtsen_extract(ctx: Context) -> models.Model:
    from django.core.files.base import ContentFile

    from dtsen.models import Extract

    def create():
        extract = Extract(
            year=2025,
            quarter=3,
            uploaded_by=ctx.personas["provincial_officer"],
            original_name="dtsen.csv",
            status=Extract.Status.LOADED,
            errors=[{"row": 2, "column": "desil", "value": "11", "message": "Contoh"}],
        )
        extract.file.save("dtsen.csv", ContentFile(b"nik\n"), save=False)
        extract.save()
        return extract

    return ctx.once("dtsen extract", create)


def _dtsen_item(regency_code: str) -> Callable[[Context], models.Model]:
    def make(ctx: Context):
        from dtsen.models import ItemKind, WorklistItem

        return ctx.once(
            f"dtsen item {regency_code}",
            lambda: WorklistItem.objects.create(
                extract=_dtsen_extract(ctx),
                kind=ItemKind.NOT_IN_DTSEN,
                person=_person(regency_code)(ctx),
                regency_id=regency_code,
                reason=marker(regency_code, "dtsenitem"),
            ),
        )

    return make


DTSEN_ITEM_SAMPLES = [
    by_pk("a DTSEN worklist item of Balikpapan", _dtsen_item(BALIKPAPAN)),
    by_pk("a DTSEN worklist item of Samarinda", _dtsen_item(SAMARINDA)),
]
DTSEN_EXTRACT_SAMPLES = [by_pk("a DTSEN extract", _dtsen_extract, scoped=False)]
SAMPLES.update(
    {
        "dtsen:item": DTSEN_ITEM_SAMPLES,
        "dtsen:item-update": DTSEN_ITEM_SAMPLES,
        "dtsen:extract": DTSEN_EXTRACT_SAMPLES,
        "dtsen:extract-progress": DTSEN_EXTRACT_SAMPLES,
    }
)
QUERY_VARIANTS.update(
    {
        "dtsen:worklist": [f"regency={BALIKPAPAN}", "status=all", "kind=not_in_dtsen"],
        "dtsen:proposals": [f"regency={BALIKPAPAN}", "status=all"],
    }
)


def is_api(route: Route) -> bool:
    """The REST API answers 401/400 of its own: tests/api/test_access.py walks it."""
    return access.policy_of(route.view) == access.API_POLICY


def needs_samples(route: Route) -> bool:
    return bool(route.kwarg_names or route.positional_groups) and not is_api(route)


def samples_for(route: Route) -> list[Sample]:
    if is_api(route):
        return []
    if not needs_samples(route):
        return NO_PARAMETERS
    return SAMPLES[route.name]
