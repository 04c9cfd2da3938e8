"""The objects the access matrix points its URLs at (tests/access_samples.py lists them by URL).

Each sample names the object it points at, so that the matrix knows whose it is. Each
regency-owned object carries a marker unique to it in its text fields (`marker()`): a body that
shows another regency's marker served what the persona may not see.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.tokens import default_token_generator
from django.db import models
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from regions.models import Level, Region
from tests.conftest import BALIKPAPAN, KALTIM, SAMARINDA

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


def _province_import(part: str | None) -> Callable[[Context], models.Model]:
    """A province-wide import (#15) with a part for Balikpapan and one for Samarinda; the
    batch itself (part None) or one regency's part."""

    def make(ctx: Context):
        from django.core.files.base import ContentFile

        from cases.models import ImportBatch

        def create():
            batch = ImportBatch(
                uploaded_by=ctx.personas["provincial_officer"], original_name="provinsi.csv"
            )
            batch.file.save("provinsi.csv", ContentFile(b"nama\n"), save=False)
            batch.save()
            for code in (BALIKPAPAN, SAMARINDA):
                ImportBatch.objects.create(
                    regency_id=code,
                    parent=batch,
                    uploaded_by=batch.uploaded_by,
                    file=batch.file.name,
                    original_name=f"{marker(code, 'provinceimport')}.csv",
                )
            return batch

        batch = ctx.once("province import", create)
        return batch if part is None else batch.parts.get(regency_id=part)

    return make


IMPORT_SAMPLES = [
    by_pk("an import of Balikpapan", _import_batch(BALIKPAPAN)),
    by_pk("an import of Samarinda", _import_batch(SAMARINDA)),
    by_pk("Balikpapan's part of a province-wide import", _province_import(BALIKPAPAN)),
    by_pk("Samarinda's part of a province-wide import", _province_import(SAMARINDA)),
    # A province-wide batch is nobody's at a regency's pages: 404 for whoever reaches them.
    Sample(
        "a province-wide import at a regency's page",
        _province_import(None),
        lambda obj, ctx: {"pk": obj.pk},
        crossed=True,
    ),
]
PROVINCE_IMPORT_SAMPLES = [
    by_pk("a province-wide import", _province_import(None)),
    # A regency's part has the regency's pages, not the province's: 404 for everyone.
    Sample(
        "Samarinda's part at the province-wide import's page",
        _province_import(SAMARINDA),
        lambda obj, ctx: {"pk": obj.pk},
        crossed=True,
    ),
]


def _suspected_pair(regency_code: str) -> Callable[[Context], models.Model]:
    # Two persons of one regency suspected to be one (#14): the duplicates queue's URLs.
    def make(ctx: Context):
        from duplicates.models import SuspectedPair

        first, second = _person(regency_code)(ctx), _person(regency_code, "b")(ctx)
        return ctx.once(
            f"pair {regency_code}",
            lambda: SuspectedPair.objects.create(
                first=first, second=second, rules=["name_birth_village"]
            ),
        )

    return make


PAIR_SAMPLES = [
    by_pk("suspected duplicates of Balikpapan", _suspected_pair(BALIKPAPAN)),
    by_pk("suspected duplicates of Samarinda", _suspected_pair(SAMARINDA)),
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
