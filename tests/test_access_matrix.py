"""The access matrix: every URL of the project, for anonymous users and every persona.

Nothing here lists views by hand. The URL patterns are walked from the root URLconf; what each
persona should get is derived from the view's declared policy (public / authenticated /
requires:<capability>), the role's capabilities (access.CAPABILITIES) and, for URLs that name
an object, whether the object is within the persona's scope. A view added tomorrow is checked
the day it is added; one that declares no policy, or that forgets to scope its objects, fails.

URLs with parameters need sample values, kept in SAMPLES below by URL name. Each sample names
the object it points at, so that the test knows whose it is: Kota Balikpapan's objects must be
a 404 for Samarinda's staff, never a 200. A new URL with parameters fails the suite until it has
samples: give it one object of Balikpapan and one of Samarinda.

Every request is made with GET and with an empty POST. Besides the expected outcome, a request
that is refused (login, 403, 404, 405) must change no row of any table, and a GET may only
append to the audit trail (reading personal records is logged).

Every body is read too (pages, CSV, the XML inside an XLSX, a PDF's text: tests/bodies.py).
Each regency-owned sample carries a marker unique to it in its text fields (`marker()`); no
response to a persona may show a marker of a regency it does not see, so a list, export or
dashboard that forgets its scope fails as surely as a detail view. Lists and exports are read
again with filters, in each file format (QUERY_VARIANTS) and after a name search. URLs that
join a parent with a child id are also sampled with the child of another parent (`crossed`):
always refused. `test_the_matrix_reports_a_list_whose_scoping_is_removed` proves the body
check sees a list that shows every regency's rows.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.contrib.auth.tokens import default_token_generator
from django.db import connection, models
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from accounts.roles import REGENCY_ROLES
from pmks_portal import access
from pmks_portal import urls as project_urls
from pmks_portal.access import CAPABILITIES, Capability
from regions.models import Level, Region
from tests.bodies import readable_text, tiny_pdf
from tests.conftest import BALIKPAPAN, KALTIM, PERSONAS, SAMARINDA
from tests.helpers import Route, client_for, project_routes

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"

# What a request can come to.
LOGIN = "redirect to login"
FORBIDDEN = "403 forbidden"
HIDDEN = "404 not found"
ALLOWED = "allowed"
WRONG_METHOD = "405 method not allowed"

# Rows that a request may change however it ends: the session, and axes' sign-in log.
NOT_FINGERPRINTED = {"sessions.session", "axes.accesslog", "axes.accessattempt"}


# ---------------------------------------------------------------------------------------------
# Sample values for URL parameters, by URL name.


class Context:
    """What sample values are made from: the personas, and objects made once per test."""

    def __init__(self, personas: dict):
        self.personas = personas
        self._made: dict[str, models.Model] = {}

    def once(self, key: str, make: Callable[[], models.Model]) -> models.Model:
        if key not in self._made:
            self._made[key] = make()
        return self._made[key]


@dataclass(frozen=True)
class Sample:
    """One way to fill a URL's parameters, and the object (if any) the URL then points at."""

    label: str
    target: Callable[[Context], models.Model | None]
    kwargs: Callable[[models.Model | None, Context], dict]
    # False for reference data that every permitted role sees whole (no regency owns it).
    scoped: bool = True
    # The URL joins a parent with a part of another parent: refused to everyone (404 at best).
    crossed: bool = False


def _region(code: str) -> Callable[[Context], Region]:
    return lambda ctx: Region.objects.get(code=code)


def _first_below(code: str, level: Level) -> Callable[[Context], Region]:
    return lambda ctx: (
        Region.objects.filter(code__startswith=f"{code}.", level=level).order_by("code").first()
    )


def _persona(name: str) -> Callable[[Context], User]:
    return lambda ctx: ctx.personas[name]


def by_code(label, target) -> Sample:
    return Sample(label, target, lambda obj, ctx: {"code": obj.code})


def by_pk(label, target, parameter: str = "pk", scoped: bool = True) -> Sample:
    return Sample(label, target, lambda obj, ctx: {parameter: obj.pk}, scoped)


REGION_SAMPLES = [
    by_code("Kota Balikpapan (another regency)", _region(BALIKPAPAN)),
    by_code("a district of Balikpapan", _first_below(BALIKPAPAN, Level.DISTRICT)),
    by_code("a village of Balikpapan", _first_below(BALIKPAPAN, Level.VILLAGE)),
    by_code("Kota Samarinda (own regency)", _region(SAMARINDA)),
    by_code("a village of Samarinda", _first_below(SAMARINDA, Level.VILLAGE)),
    by_code("the province", _region(KALTIM)),
]

USER_SAMPLES = [
    by_pk("a user of Balikpapan", _persona("balikpapan_staff")),
    by_pk("a user of Samarinda", _persona("samarinda_viewer")),
    by_pk("a provincial user", _persona("provincial_officer")),
]


def _password_link(ctx: Context, token: str | None) -> dict:
    user = ctx.personas["balikpapan_staff"]
    token = token or default_token_generator.make_token(user)
    return {"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": token}


def marker(regency_code: str, kind: str) -> str:
    """The text planted in one sample object's text fields, unique to the object: a body that
    shows it served that object, or part of it."""
    return f"Penanda{regency_code.replace('.', '')}{kind}"


MARKER = re.compile(r"Penanda(\d{4})([a-z]+)")


def _person(regency_code: str, which: str = "") -> Callable[[Context], models.Model]:
    def make(ctx: Context):
        from cases.models import Person, Sex

        return ctx.once(
            f"person {regency_code}{which}",
            lambda: Person.objects.create(
                name=f"Orang {regency_code} {marker(regency_code, 'person' + which)}",
                notes=marker(regency_code, "personnotes" + which),
                sex=Sex.FEMALE,
                regency_id=regency_code,
            ),
        )

    return make


def _case(regency_code: str) -> Callable[[Context], models.Model]:
    # A pasung case: the pasung follow-up and details URLs apply to it.
    def make(ctx: Context):
        from cases.models import Case, CaseSource, Category, PasungDetail, Programme, RestraintForm

        def create():
            today = timezone.localdate()
            case = Case.objects.create(
                person=_person(regency_code)(ctx),
                category=Category.objects.order_by("pk").first(),
                programme=Programme.PASUNG,
                regency_id=regency_code,
                found_on=today,
                registered_on=today,
                status_changed_on=today,
                source=CaseSource.OUTREACH,
                notes=marker(regency_code, "case"),
            )
            PasungDetail.objects.create(case=case, restraint_form=RestraintForm.CHAIN)
            return case

        return ctx.once(f"case {regency_code}", create)

    return make


def _attachment(regency_code: str) -> Callable[[Context], models.Model]:
    def make(ctx: Context):
        from django.core.files.base import ContentFile

        from cases.models import Attachment

        def create():
            attachment = Attachment(
                case=_case(regency_code)(ctx),
                original_name=f"{marker(regency_code, 'attachment')}.pdf",
                content_type="application/pdf",
                size=9,
            )
            attachment.file.save("lampiran.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
            attachment.save()
            return attachment

        return ctx.once(f"attachment {regency_code}", create)

    return make


def _category(ctx: Context) -> models.Model:
    from cases.models import Category

    return Category.objects.order_by("pk").first()


def _kube(regency_code: str, which: str = "") -> Callable[[Context], models.Model]:
    # A KUBE with one member, a grant, this month's report and a partner: the URLs of its parts
    # point at them. `which` names a second group of the same regency.
    def make(ctx: Context):
        from decimal import Decimal

        from kube.models import (
            BusinessType,
            Kube,
            KubeGrant,
            KubeMember,
            KubePartnership,
            KubeReport,
        )

        def create():
            today = timezone.localdate()
            month = today.replace(day=1)
            business_type, _ = BusinessType.objects.get_or_create(
                code="lainnya", defaults={"name": "Lainnya"}
            )
            kube = Kube.objects.create(
                name=f"KUBE {regency_code} {marker(regency_code, 'kube' + which)}",
                business_description=marker(regency_code, "business" + which),
                registration_number=f"KUBE/{regency_code}/contoh{which}",
                year_formed=today.year,
                regency_id=regency_code,
                business_type=business_type,
                status_since=today,
                reporting_from=month,
            )
            KubeMember.objects.create(
                kube=kube, person=_person(regency_code, which)(ctx), role="ketua", joined_on=today
            )
            KubeGrant.objects.create(
                kube=kube,
                source="apbn",
                amount=Decimal(20_000_000),
                granted_on=today,
                notes=marker(regency_code, "grant" + which),
            )
            KubeReport.objects.create(
                kube=kube,
                month=month,
                revenue=Decimal(5_000_000),
                costs=Decimal(3_000_000),
                profit=Decimal(2_000_000),
                capital=Decimal(21_000_000),
                received_on=today,
                pendamping_notes=marker(regency_code, "report" + which),
            )
            KubePartnership.objects.create(
                kube=kube,
                partner=_kube_partner(ctx),
                supports=["training"],
                started_on=today,
                notes=marker(regency_code, "partnership" + which),
            )
            return kube

        return ctx.once(f"kube {regency_code}{which}", create)

    return make


def _kube_partner(ctx: Context) -> models.Model:
    from kube.models import Partner

    return Partner.objects.get_or_create(
        name="Forum CSR Kaltim (contoh)", defaults={"type": "csr"}
    )[0]


def _business_type(ctx: Context) -> models.Model:
    from kube.models import BusinessType

    return BusinessType.objects.get_or_create(code="lainnya", defaults={"name": "Lainnya"})[0]


def kube_samples(part: Callable[[models.Model], dict] = lambda kube: {}) -> list[Sample]:
    """A KUBE of Balikpapan and one of Samarinda; `part` adds the parameters of one of its parts."""
    return [
        Sample(label, _kube(code), lambda obj, ctx: {"pk": obj.pk, **part(obj)})
        for label, code in (
            ("a KUBE of Balikpapan", BALIKPAPAN),
            ("a KUBE of Samarinda", SAMARINDA),
        )
    ]


def crossed_kube_samples(part: Callable[[models.Model], dict]) -> list[Sample]:
    """A Samarinda KUBE's URL with a part of another group: of Samarinda (which its staff may
    change, so only the URL's parent can refuse it) and of Balikpapan. Always a 404."""
    return [
        Sample(
            f"a KUBE of Samarinda with a part of {label}",
            _kube(SAMARINDA),
            lambda obj, ctx, other=other: {"pk": obj.pk, **part(other(ctx))},
            crossed=True,
        )
        for label, other in (
            ("another KUBE of Samarinda", _kube(SAMARINDA, "b")),
            ("a KUBE of Balikpapan", _kube(BALIKPAPAN)),
        )
    ]


def _member(kube) -> dict:
    return {"member_pk": kube.members.get().pk}


def _grant(kube) -> dict:
    return {"grant_pk": kube.grants.get().pk}


def _partnership(kube) -> dict:
    return {"link_pk": kube.partnerships.get().pk}


def _report_month(kube) -> dict:
    month = kube.reports.get().month
    return {"year": month.year, "month": month.month}


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


def _import_batch(regency_code: str) -> Callable[[Context], models.Model]:
    def make(ctx: Context):
        from django.core.files.base import ContentFile

        from cases.models import ImportBatch

        def create():
            uploader = ctx.personas[
                "balikpapan_staff" if regency_code == BALIKPAPAN else "samarinda_staff"
            ]
            batch = ImportBatch(
                regency_id=regency_code,
                uploaded_by=uploader,
                original_name=f"{marker(regency_code, 'import')}.csv",
            )
            batch.file.save("kasus.csv", ContentFile(b"nama\n"), save=False)
            batch.save()
            return batch

        return ctx.once(f"import batch {regency_code}", create)

    return make


IMPORT_SAMPLES = [
    by_pk("an import of Balikpapan", _import_batch(BALIKPAPAN)),
    by_pk("an import of Samarinda", _import_batch(SAMARINDA)),
]

PERSON_SAMPLES = [
    by_pk("a person registered in Balikpapan", _person(BALIKPAPAN)),
    by_pk("a person registered in Samarinda", _person(SAMARINDA)),
]
CASE_SAMPLES = [
    by_pk("a case of Balikpapan", _case(BALIKPAPAN)),
    by_pk("a case of Samarinda", _case(SAMARINDA)),
]
ATTACHMENT_SAMPLES = [
    by_pk("an attachment of a Balikpapan case", _attachment(BALIKPAPAN)),
    by_pk("an attachment of a Samarinda case", _attachment(SAMARINDA)),
]

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


def samples_for(route: Route) -> list[Sample]:
    if not (route.kwarg_names or route.positional_groups):
        return NO_PARAMETERS
    return SAMPLES[route.name]


# ---------------------------------------------------------------------------------------------
# What should happen, from the policy, the role's capabilities and the object's scope.


def has_capability(user, capability: Capability) -> bool:
    if not user.is_active or (user.role in REGENCY_ROLES and user.regency_id is None):
        return False
    return capability in CAPABILITIES.get(user.role, frozenset())


def in_scope(user, target: models.Model) -> bool:
    manager = type(target)._default_manager
    assert hasattr(manager.all(), "visible_to"), (
        f"{type(target).__name__} has no visible_to(user): scope its queryset in pmks_portal.access"
    )
    return manager.all().visible_to(user).filter(pk=target.pk).exists()


def expected_outcome(policy: str, user, target) -> str:
    if policy == "public":
        return ALLOWED
    if user is None:
        return LOGIN
    if policy.startswith("requires:"):
        if not has_capability(user, Capability(policy.removeprefix("requires:"))):
            return FORBIDDEN
    elif policy != "authenticated":
        raise AssertionError(f"Unknown access policy {policy!r}")
    if target is not None and not in_scope(user, target):
        return HIDDEN
    return ALLOWED


def observed_outcome(response) -> str:
    status = response.status_code
    if status == 302 and _is_login_redirect(response["Location"]):
        return LOGIN
    if status in (200, 204, 301, 302, 303):
        return ALLOWED
    return {403: FORBIDDEN, 404: HIDDEN, 405: WRONG_METHOD}.get(status, f"status {status}")


def _is_login_redirect(location: str) -> bool:
    # A sign-in page that is asked to come back afterwards: the login-required redirect (and not
    # the redirect to the sign-in page that follows a logout).
    parts = urlsplit(location)
    return parts.path == reverse("login") and "next" in parse_qs(parts.query)


def acceptable(expected: str, observed: str, user, target) -> bool:
    if observed == expected:
        return True
    # A 405 reveals nothing about the object and changes nothing; anonymous users must still be
    # sent to sign in first.
    if observed == WRONG_METHOD and expected != LOGIN:
        return True
    # In scope without the right to change it is a 403 (access.get_object_for_user).
    return (
        expected == ALLOWED
        and observed == FORBIDDEN
        and target is not None
        and not target.writable_by(user)
    )


def regency_of(target: models.Model) -> str | None:
    """The regency that owns an object: its code for regions, its regency for the rest."""
    if isinstance(target, Region):
        return target.regency_code
    return getattr(target, "regency_id", None)


def database_fingerprint() -> dict:
    """Every row of every table the portal owns (sessions and the sign-in log aside)."""
    fingerprint = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in apps.get_models():
            meta = model._meta
            if meta.label_lower in NOT_FINGERPRINTED or meta.proxy or not meta.managed:
                continue
            # Plain SQL: the ORM's row objects would make the matrix several times slower.
            columns = ", ".join(
                quote(field.column)
                for field in meta.concrete_fields
                if field.column != "last_login"
            )
            order = ", ".join(quote(field.column) for field in meta.pk_fields)  # composite too
            cursor.execute(
                f"SELECT {columns} FROM {quote(meta.db_table)} "  # noqa: S608 - names from models
                f"ORDER BY {order}"
            )
            fingerprint[meta.label_lower] = cursor.fetchall()
    return fingerprint


AUDIT_TRAIL = "audit.auditevent"


def changed_tables(before: dict, after: dict, *, audit_may_grow: bool) -> list[str]:
    """Tables whose rows differ. Reading personal records may append to the audit trail."""
    changed = []
    for label, rows in before.items():
        if label == AUDIT_TRAIL and audit_may_grow:
            if after[label][: len(rows)] != rows:
                changed.append(label)
        elif after[label] != rows:
            changed.append(label)
    return changed


def problems_with(method, url, where, expected, response, user, target, before) -> list[str]:
    """What is wrong with one response, given what the persona should have got."""
    problems = []
    observed = observed_outcome(response)
    if not acceptable(expected, observed, user, target):
        problems.append(f"{where}: expected {expected}, got {observed}")
    if (
        user is not None
        and user.role in REGENCY_ROLES
        and target is not None
        and regency_of(target) != user.regency_id
        and observed == ALLOWED
    ):
        problems.append(f"{where}: LEAK, an object outside {user.regency_id} was served")
    if response.status_code == 200:
        shown = foreign_markers(readable_text(response), user)
        if shown:
            problems.append(f"{where}: LEAK, the body shows {', '.join(shown)}")
    if observed != ALLOWED or method == "get":
        # Refused requests change nothing at all; a GET changes nothing but the audit trail.
        changed = changed_tables(before, database_fingerprint(), audit_may_grow=observed == ALLOWED)
        if changed:
            why = "a GET" if observed == ALLOWED else f"a request refused with {observed}"
            problems.append(f"{where}: {why} changed {', '.join(changed)}")
    return problems


def foreign_markers(text: str, user) -> list[str]:
    """The markers in a body that the user may not see: the province's readers may see every
    regency's, a regency role its own, anyone else none."""
    if user is not None and has_capability(user, Capability.READ_RECORDS):
        if user.role not in REGENCY_ROLES:
            return []
        own = user.regency_id.replace(".", "")
    else:
        own = None
    return sorted({match[0] for match in MARKER.finditer(text) if match[1] != own})


# ---------------------------------------------------------------------------------------------
# The tests.


def test_every_view_declares_an_access_policy():
    missing = [
        f"{route.route} ({route.name or 'unnamed'})"
        for route in project_routes()
        if access.policy_of(route.view) is None
    ]
    assert not missing, (
        "These views declare no access policy, so AccessPolicyMiddleware refuses them. Decorate "
        "each with access.public, access.authenticated or access.requires(...): "
        + ", ".join(missing)
    )


def test_every_policy_is_known_and_names_a_real_capability():
    known = {"public", "authenticated"} | {f"requires:{c}" for c in Capability}
    unknown = {
        route.name: access.policy_of(route.view)
        for route in project_routes()
        if access.policy_of(route.view) not in known
    }
    assert not unknown, f"Access policies that the matrix cannot interpret: {unknown}"


def test_every_url_pattern_has_a_name():
    unnamed = [route.route for route in project_routes() if not route.name]
    assert not unnamed, (
        f"Give these URL patterns a name so that the access matrix can reach them: {unnamed}"
    )


def test_every_url_with_parameters_has_sample_values():
    missing = [
        f"{route.name} ({route.route}, parameters: {', '.join(route.kwarg_names) or 'positional'})"
        for route in project_routes()
        if (route.kwarg_names or route.positional_groups) and route.name not in SAMPLES
    ]
    assert not missing, (
        "The access matrix cannot request these URLs: add sample values for them to SAMPLES in "
        "tests/test_access_matrix.py (an object of Balikpapan and one of Samarinda, so that "
        "scoping is checked): " + "; ".join(missing)
    )


def test_every_sample_belongs_to_a_url_that_still_exists():
    names = {route.name for route in project_routes()}
    stale = sorted(set(SAMPLES) - names)
    assert not stale, f"SAMPLES has entries for URLs that no longer exist: {stale}"


@pytest.fixture
def superuser_without_role(kaltim):
    """Django's superuser flag grants nothing in the portal: only roles do."""
    return User.objects.create_superuser("root_tanpa_peran", "root@example.invalid", "x" * 20)


def matrix_problems(user, ctx: Context, routes: list[Route]) -> tuple[int, list[str]]:
    """(requests made, problems) of every sample URL of the routes, with GET and an empty POST,
    then the lists and exports again with filters (QUERY_VARIANTS) and after a name search."""
    failures = []
    requests_made = 0

    def check(method: str, url: str, where: str, expected: str, target, client=None):
        nonlocal requests_made
        # A fresh sign-in for every request: a POST to logout must not end the others.
        client = client or client_for(user)
        before = database_fingerprint()
        try:
            response = getattr(client, method)(url)
        except Exception as error:  # noqa: BLE001 - reported with the others below
            failures.append(f"{where}: raised {error!r}")
            return
        requests_made += 1
        failures.extend(problems_with(method, url, where, expected, response, user, target, before))

    for route in routes:
        policy = access.policy_of(route.view)
        assert policy is not None, f"{route.name} declares no access policy"
        for sample in samples_for(route):
            obj = sample.target(ctx)
            url = reverse(route.name, kwargs=sample.kwargs(obj, ctx))
            target = obj if sample.scoped else None
            expected = expected_outcome(policy, user, target)
            if sample.crossed and expected == ALLOWED:
                expected = HIDDEN
            for method in ("get", "post"):
                where = f"{method.upper()} {url} ({route.name}, {policy}) {sample.label}".strip()
                check(method, url, where, expected, target)
            for query in QUERY_VARIANTS.get(route.name, []):
                check(
                    "get", f"{url}?{query}", f"GET {url}?{query} ({route.name})", expected, target
                )
    names = {route.name for route in routes}
    if {"cases:list", "cases:export"} & names and user is not None:
        # A name search shared by both regencies' persons ("Orang ..."), kept in the session.
        client = client_for(user)
        found = client.post(reverse("cases:search"), {"q": "Orang"})
        token = parse_qs(urlsplit(found.get("Location", "")).query).get("s", [""])[0]
        expected = expected_outcome(f"requires:{Capability.READ_RECORDS}", user, None)
        for name, query in (("cases:list", ""), ("cases:export", "&format=xlsx")):
            if name in names:
                url = f"{reverse(name)}?s={token}{query}"
                check("get", url, f"GET {url} ({name}, a name search)", expected, None, client)
    return requests_made, failures


@pytest.mark.parametrize("persona", [ANONYMOUS, *PERSONAS, "superuser_without_role"])
def test_every_url_gives_each_persona_only_what_its_role_and_regency_allow(
    persona, personas, request, settings, tmp_path
):
    # /healthz is public; in eager mode it does not depend on a broker being up.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.MEDIA_ROOT = tmp_path  # sample attachments are written here
    user = None if persona == ANONYMOUS else request.getfixturevalue(persona)
    routes = project_routes()
    unreachable = [
        r.name for r in routes if (r.kwarg_names or r.positional_groups) and r.name not in SAMPLES
    ]
    assert not unreachable, f"Add sample values to SAMPLES for: {unreachable}"

    requests_made, failures = matrix_problems(user, Context(personas), routes)

    assert requests_made >= 2 * len(routes)
    assert not failures, f"{persona}: {len(failures)} problem(s):\n" + "\n".join(failures)


@pytest.mark.parametrize(
    ("route_name", "queryset_path"),
    [
        ("kube:list", "kube.querysets.KubeQuerySet"),
        ("cases:export", "cases.querysets.CaseQuerySet"),
        ("cases:list", "cases.querysets.CaseQuerySet"),
    ],
)
def test_the_matrix_reports_a_list_whose_scoping_is_removed(
    route_name, queryset_path, personas, settings, tmp_path, monkeypatch
):
    """The body check is not blind: a list that shows every regency's rows is reported."""
    settings.MEDIA_ROOT = tmp_path
    ctx = Context(personas)
    for route in project_routes():  # every sample exists, Balikpapan's markers included
        for sample in samples_for(route):
            sample.target(ctx)
    routes = [route for route in project_routes() if route.name == route_name]
    user = personas["samarinda_staff"]
    assert matrix_problems(user, ctx, routes)[1] == []
    monkeypatch.setattr(f"{queryset_path}.visible_to", lambda queryset, user: queryset)
    leaks = [line for line in matrix_problems(user, ctx, routes)[1] if "LEAK" in line]
    assert leaks and all("Penanda6471" in line for line in leaks)


def test_the_matrix_reports_a_member_taken_from_another_group(
    personas, settings, tmp_path, monkeypatch
):
    """The crossed samples are not blind: a view that finds the member without its group
    (here by replacing the KUBE views' lookup) is reported for the other group's member."""
    from django.shortcuts import get_object_or_404

    from kube import views as kube_views
    from kube.models import KubeMember

    settings.MEDIA_ROOT = tmp_path
    routes = [route for route in project_routes() if route.name == "kube:member-leave"]
    user, ctx = personas["samarinda_staff"], Context(personas)
    assert matrix_problems(user, ctx, routes)[1] == []
    monkeypatch.setattr(
        kube_views, "_member", lambda kube, member_pk: get_object_or_404(KubeMember, pk=member_pk)
    )
    problems = matrix_problems(user, ctx, routes)[1]
    assert any("another KUBE of Samarinda" in line for line in problems), problems


# ---------------------------------------------------------------------------------------------
# Deny by default, proved on a URLconf with a view that declares no policy.


def view_without_policy(request):
    return HttpResponse("this view forgot its access policy")


class UrlconfWithAForgottenPolicy:
    urlpatterns = [
        path("lupa-kebijakan/", view_without_policy, name="forgotten"),
        *project_urls.urlpatterns,
    ]


def test_a_view_without_an_access_policy_is_refused_to_a_signed_in_user(admin):
    with override_settings(ROOT_URLCONF=UrlconfWithAForgottenPolicy):
        assert access.policy_of(view_without_policy) is None
        response = client_for(admin).get("/lupa-kebijakan/")
        assert response.status_code == 403
        assert b"forgot its access policy" not in response.content


def test_a_view_without_an_access_policy_sends_anonymous_users_to_sign_in(kaltim):
    with override_settings(ROOT_URLCONF=UrlconfWithAForgottenPolicy):
        response = client_for(None).get("/lupa-kebijakan/")
        assert response.status_code == 302
        assert _is_login_redirect(response["Location"])


def test_the_matrix_walk_finds_the_forgotten_view(kaltim):
    with override_settings(ROOT_URLCONF=UrlconfWithAForgottenPolicy):
        found = {route.name: route for route in project_routes()}
    assert "forgotten" in found
    assert access.policy_of(found["forgotten"].view) is None
