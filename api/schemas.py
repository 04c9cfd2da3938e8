"""The shapes the API reads and writes, with the examples the documentation shows.

Input schemas forbid unknown fields: a misspelt field is a 400, never silently dropped.
"""

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from cases.models import CaseSource, CaseStatus, CloseReason, InterventionType, Programme, Sex
from pmks_portal.pagination import PAGE_SIZES

# The largest page a list page offers is the largest the API returns.
MAX_PAGE_SIZE = PAGE_SIZES[-1]
SexCode = Literal[tuple(Sex.values)]
StatusCode = Literal[tuple(CaseStatus.values)]
ProgrammeCode = Literal[tuple(Programme.values)]
SourceCode = Literal[tuple(CaseSource.values)]
CloseReasonCode = Literal[tuple(CloseReason.values)]
InterventionCode = Literal[tuple(InterventionType.values)]


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class Error(Schema):
    detail: str = Field(examples=["The request is not valid."])
    errors: dict[str, list[str]] | None = Field(
        None,
        description="Messages per field; `__all__` holds those of no single field.",
        examples=[{"nik": ["A NIK has 16 digits."], "village": ["Select a valid choice."]}],
    )


class Pending(Schema):
    """Warnings to confirm: send the same body again with `"confirm": true`."""

    detail: str = Field(examples=["Confirm the warnings: send the request again with confirm."])
    code: Literal["needs_confirmation", "duplicate_nik"] = Field(examples=["needs_confirmation"])
    warnings: list[str] = Field(examples=[["The NIK's birth date differs from the date given."]])
    near_matches: list[int] = Field(description="Persons in scope that may be the same.")
    hidden_near: int = Field(0, description="Near matches outside the caller's scope.")
    existing_person: int | None = Field(
        None, description="duplicate_nik: the registered person, when in scope."
    )


class Region(Schema):
    code: str = Field(examples=["64.72"])
    level: str = Field(examples=["regency"])
    name: str = Field(examples=["KOTA SAMARINDA"])
    parent: str | None = Field(examples=["64"])


class Category(Schema):
    id: int = Field(examples=[3])
    code: str = Field(examples=["AJ"])
    name: str = Field(examples=["Anak Jalanan"])
    name_en: str = Field(examples=["Street child"])
    programme: str = Field(examples=["street_children"])
    is_active: bool = Field(examples=[True])


class Person(Schema):
    id: int = Field(examples=[118])
    nik: str | None = Field(
        description="Masked (6472********0001) unless the caller may see full NIKs.",
        examples=["6472********0001"],
    )
    kk_number: str = Field(examples=["6472********0002"])
    name: str = Field(examples=["Siti Aminah"])
    sex: str = Field(examples=["F"])
    birth_place: str = Field(examples=["Samarinda"])
    birth_date: dt.date | None = Field(examples=["1990-04-12"])
    birth_date_is_estimate: bool = Field(examples=[False])
    address: str = Field(examples=["Jl. Pahlawan 3"])
    regency: str = Field(examples=["64.72"])
    village: str | None = Field(examples=["64.72.01.1001"])
    version: int = Field(examples=[1])


class PersonIn(Strict):
    nik: str = Field("", examples=["6472015204900001"])
    kk_number: str = Field("", examples=["6472010101900002"])
    name: str = Field(examples=["Siti Aminah"])
    sex: SexCode = Field(examples=["F"])
    birth_place: str = Field("", examples=["Samarinda"])
    birth_date: dt.date | None = Field(None, examples=["1990-04-12"])
    estimated_age: int | None = Field(None, description="Instead of birth_date.", examples=[None])
    address: str = Field("", examples=["Jl. Pahlawan 3"])
    village: str | None = Field(None, examples=["64.72.01.1001"])
    phone: str = Field("", examples=["081234567890"])
    guardian_name: str = ""
    guardian_relation: str = ""
    guardian_phone: str = ""
    disability: str = ""
    notes: str = ""
    regency: str | None = Field(
        None, description="Optional; must be the client's own regency.", examples=["64.72"]
    )
    confirm: bool = Field(False, description="True answers the warnings of an earlier call.")


class Case(Schema):
    id: int = Field(examples=[901])
    person: int = Field(examples=[118])
    person_name: str = Field(examples=["Siti Aminah"])
    category: int = Field(examples=[3])
    category_code: str = Field(examples=["AJ"])
    programme: str = Field(examples=["street_children"])
    regency: str = Field(examples=["64.72"])
    district: str | None = Field(examples=["64.72.01"])
    village: str | None = Field(examples=["64.72.01.1001"])
    found_on: dt.date = Field(examples=["2026-11-03"])
    registered_on: dt.date = Field(examples=["2026-11-04"])
    source: str = Field(examples=["outreach"])
    status: str = Field(examples=["registered"])
    close_reason: str = Field(examples=[""])
    status_changed_on: dt.date = Field(examples=["2026-11-04"])
    relapse_count: int = Field(examples=[0])
    next_statuses: list[str] = Field(examples=[["verified", "closed"]])
    version: int = Field(examples=[1])


class CaseIn(Strict):
    person: int = Field(examples=[118])
    category: int = Field(examples=[3])
    district: str | None = Field(None, examples=["64.72.01"])
    village: str | None = Field(None, examples=["64.72.01.1001"])
    found_on: dt.date = Field(examples=["2026-11-03"])
    source: SourceCode = Field(examples=["outreach"])
    notes: str = ""
    is_pasung: bool = False
    regency: str | None = Field(
        None, description="Optional; must be the client's own regency.", examples=["64.72"]
    )


class TransitionIn(Strict):
    to_status: StatusCode = Field(examples=["verified"])
    effective_on: dt.date | None = Field(None, examples=["2026-11-05"])
    reason: str = Field("", examples=["Home visit confirmed the report."])
    close_reason: CloseReasonCode | Literal[""] = Field("", examples=[""])


class Transition(Schema):
    from_status: str = Field(examples=["registered"])
    to_status: str = Field(examples=["verified"])
    effective_on: dt.date = Field(examples=["2026-11-05"])
    is_relapse: bool = Field(examples=[False])
    reason: str = Field(examples=["Home visit confirmed the report."])
    at: dt.datetime = Field(examples=["2026-11-05T09:12:00+08:00"])


class CaseDetail(Case):
    transitions: list[Transition]


class Intervention(Schema):
    id: int = Field(examples=[40])
    case: int = Field(examples=[901])
    date: dt.date = Field(examples=["2026-11-06"])
    type: str = Field(examples=["aid"])
    provider: str = Field(examples=["Dinsos Kota Samarinda"])
    outcome: str = Field(examples=["Food parcel delivered"])
    notes: str = Field(examples=[""])


class InterventionIn(Strict):
    date: dt.date = Field(examples=["2026-11-06"])
    type: InterventionCode = Field(examples=["aid"])
    provider: str = Field("", examples=["Dinsos Kota Samarinda"])
    outcome: str = Field("", examples=["Food parcel delivered"])
    notes: str = ""


class Page(Schema):
    next: str | None = Field(
        description="Pass as `after` for the next page; null on the last page.",
        examples=["WyIyMDI2LTExLTA0Iiw5MDFd:1tX..."],
    )
    count: int = Field(examples=[1])
    count_capped: bool = Field(
        description="True when there are more than `count`.", examples=[False]
    )


class CasePage(Page):
    results: list[Case]


class PersonPage(Page):
    results: list[Person]


class CaseFilters(Strict):
    category: int | None = None
    status: StatusCode | None = None
    programme: ProgrammeCode | None = None
    open_against_target: bool | None = None
    regency: str | None = Field(None, examples=["64.72"])
    district: str | None = None
    village: str | None = None
    registered_from: dt.date | None = None
    registered_to: dt.date | None = None
    sort: Literal["newest", "oldest", "found"] | None = None
    size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE, description="Rows per page (25).")
    after: str | None = Field(None, description="The `next` of the previous page.")


class PersonFilters(Strict):
    size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE, description="Rows per page (25).")
    after: str | None = None


class AggregateFilters(Strict):
    from_month: str = Field(alias="from", examples=["2026-05"], description="YYYY-MM")
    to_month: str = Field(alias="to", examples=["2026-10"], description="YYYY-MM, 24 at most")
    regency: str | None = Field(None, examples=["64.72"])
    programme: ProgrammeCode | None = None


class Aggregate(Schema):
    regency: str = Field(examples=["64.72"])
    programme: str = Field(examples=["street_children"])
    month: str = Field(examples=["2026-10"])
    found: int = Field(examples=[4])
    in_handling: int | None = Field(examples=[2])
    resolved: int = Field(examples=[1])
    relapsed: int = Field(examples=[0])
    closed: int = Field(examples=[0])
    remaining: int = Field(examples=[12])
    estimated: bool = Field(
        description="remaining worked out from the month's events, not counted",
        examples=[False],
    )


ReportFileKind = Literal["pdf", "xlsx"]


class ReportIn(Strict):
    regency: str | None = Field(
        None,
        description="A regency/city in scope; null for the province roll-up.",
        examples=["64.72"],
    )
    period: str = Field(examples=["2026-10"], description="2026-10, 2026-Q4 or 2026")


class ReportRun(Schema):
    id: str = Field(examples=["5f0c3a52-0a57-4d0e-9d59-0f9f3f8c7a10"])
    regency: str | None = Field(examples=["64.72"])
    period: str = Field(examples=["2026-10"])
    status: str = Field(examples=["pending"])
    progress: int = Field(examples=[0])
    finished: bool = Field(examples=[False])
    error: str = Field(examples=[""])
    requested_at: dt.datetime = Field(examples=["2026-11-16T10:00:00+08:00"])
    finished_at: dt.datetime | None = Field(examples=[None])
    files: list[ReportFileKind] = Field(examples=[["pdf", "xlsx"]])


class Kube(Schema):
    id: int = Field(examples=[12])
    name: str = Field(examples=["KUBE Maju Bersama"])
    registration_number: str = Field(examples=["KUBE/64.72/2026/0001"])
    year_formed: int = Field(examples=[2026])
    regency: str = Field(examples=["64.72"])
    district: str | None = Field(examples=["64.72.01"])
    village: str | None = Field(examples=["64.72.01.1001"])
    business_type: int = Field(examples=[2])
    business_description: str = Field(examples=["Ternak ayam petelur"])
    bank_account_number: str = Field(description="Always masked.", examples=["******7890"])
    status: str = Field(examples=["active"])
    stage: str = Field(examples=["tumbuh"])
    last_report_month: dt.date | None = Field(examples=["2026-10-01"])
    version: int = Field(examples=[1])


class KubePage(Page):
    results: list[Kube]


class KubeIn(Strict):
    name: str = Field(examples=["KUBE Maju Bersama"])
    registration_number: str = Field("", description="Empty: one is given.")
    sk_number: str = ""
    sk_date: dt.date | None = None
    year_formed: int = Field(examples=[2026])
    district: str | None = Field(None, examples=["64.72.01"])
    village: str | None = Field(None, examples=["64.72.01.1001"])
    address: str = ""
    business_type: int = Field(examples=[2])
    business_description: str = Field("", examples=["Ternak ayam petelur"])
    bank_name: str = ""
    bank_account_number: str = ""
    bank_account_name: str = ""
    pendamping_name: str = ""
    pendamping_phone: str = ""
    regency: str | None = Field(None, description="Optional; must be the client's own regency.")


class KubeReport(Schema):
    id: int = Field(examples=[301])
    kube: int = Field(examples=[12])
    month: str = Field(examples=["2026-10"])
    revenue: Decimal = Field(examples=["4500000"])
    costs: Decimal = Field(examples=["3000000"])
    profit: Decimal = Field(examples=["1500000"])
    capital: Decimal = Field(examples=["12000000"])
    iks_collected: Decimal = Field(examples=["150000"])
    iks_used: Decimal = Field(examples=["0"])
    meetings_held: int = Field(examples=[2])
    bookkeeping_kept: bool = Field(examples=[True])
    problems: str = Field(examples=[""])
    received_on: dt.date = Field(examples=["2026-11-05"])
    is_late: bool = Field(examples=[False])


class KubeReportIn(Strict):
    month: str = Field(examples=["2026-10"], description="YYYY-MM")
    revenue: Decimal = Field(examples=["4500000"], description="Rupiah")
    costs: Decimal = Field(examples=["3000000"])
    capital: Decimal = Field(examples=["12000000"])
    iks_collected: Decimal | None = Field(None, examples=["150000"])
    iks_used: Decimal | None = None
    meetings_held: int = Field(0, examples=[2])
    bookkeeping_kept: bool = False
    problems: str = ""
    pendamping_notes: str = ""


class FollowUp(Schema):
    id: int = Field(examples=[77])
    meeting: int = Field(examples=[5])
    recommendation_number: int = Field(examples=[3])
    recommendation: str = Field(examples=["Data anak jalanan diverifikasi bersama Satpol PP."])
    regency: str | None = Field(examples=["64.72"])
    status: str = Field(examples=["in_progress"])
    due_on: dt.date = Field(examples=["2026-12-31"])
    summary: str = Field(examples=["Verifikasi 40 anak di 3 kecamatan."])
    started_on: dt.date | None = Field(examples=["2026-11-02"])
    completed_on: dt.date | None = Field(examples=[None])
    last_update_on: dt.date | None = Field(examples=["2026-11-10"])
    version: int = Field(examples=[2])


class FollowUpPage(Page):
    results: list[FollowUp]


class FollowUpUpdateIn(Strict):
    status: str = Field(examples=["in_progress"])
    happened_on: dt.date = Field(examples=["2026-11-10"])
    note: str = Field(examples=["Verifikasi 40 anak di 3 kecamatan."])
    version: int | None = Field(None, description="The follow-up's version as read.", examples=[1])


class CaseSearchIn(Strict):
    """Sent by POST, as the list page's search is, so no name or NIK lands in a URL or a log."""

    q: str = Field(min_length=2, max_length=150, examples=["Rudi Hartono"])
    size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE, description="Rows per page (25).")
    after: str | None = Field(None, description="The `next` of the previous page.")
