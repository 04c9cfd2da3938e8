"""Synthetic KUBE for the demo and the benchmarks. Demo mode only.

Deterministic: the same seed on the same database gives the same groups. Shaped like DOMAIN.md
§2: groups of 5–10 heads of family (mostly 10), spread over Kaltim's regencies by population,
each member a person of the registry with a structured NIK and KK and, for nine in ten, an open
fakir miskin case (the rest show the eligibility warning); grants of Rp 10–25 million paid in
one to three stages; years of monthly reports with a business that grows, stalls or declines,
missed and late reports, corrections left out; partners for a third of the groups; a few
groups inactive or graduated; the stage scored by kube.scoring like any other group.

Fast: rows are built as plain objects and written with bulk_create in batches (each batch its
own transaction), with one audit event for the whole run.
"""

import random
import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import Case, CaseSource, CaseStatus, CaseTransition, Category, Person
from kube import scoring
from kube.models import (
    BusinessType,
    GrantDisbursement,
    Kube,
    KubeGrant,
    KubeMember,
    KubePartnership,
    KubeReport,
    KubeRules,
    KubeStageChange,
    KubeStatus,
    KubeStatusChange,
    MemberRole,
    Partner,
    PartnerType,
    StageChangeSource,
    add_months,
    first_of_month,
)
from kube.reference_data import load_default_business_types
from regions.models import Level, Region

DEFAULT_SEED = 64
BATCH_GROUPS = 250
# Groups per regency follow the population (thousands, SP2020), as in cases.demo.
POPULATION = {
    "64.01": 275,
    "64.02": 729,
    "64.03": 248,
    "64.07": 166,
    "64.08": 434,
    "64.09": 179,
    "64.11": 33,
    "64.71": 688,
    "64.72": 828,
    "64.74": 179,
}
BUSINESS_WEIGHTS = {
    "peternakan": 24,
    "perikanan": 14,
    "pertanian": 16,
    "perdagangan": 18,
    "e-warong": 8,
    "olahan-pangan": 10,
    "kerajinan": 5,
    "jasa": 4,
    "lainnya": 1,
}
BUSINESS_WORDS = {
    "peternakan": ["ayam petelur", "ayam kampung", "kambing", "itik", "sapi"],
    "perikanan": ["lele", "nila", "keramba patin", "rumput laut"],
    "pertanian": ["sayur hidroponik", "cabai", "jagung", "lada"],
    "perdagangan": ["warung sembako", "kios pulsa", "toko kelontong"],
    "e-warong": ["e-Warong BPNT"],
    "olahan-pangan": ["amplang", "kue basah", "kerupuk ikan", "keripik pisang"],
    "kerajinan": ["anyaman rotan", "manik-manik Dayak", "tenun ulap doyo"],
    "jasa": ["jahit", "bengkel motor", "salon"],
    "lainnya": ["usaha bersama"],
}


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


GROUP_WORDS = _words(
    "Maju Bersama Sejahtera Mandiri Harapan Baru Karya Usaha Makmur Berkah Mekar Sari Bina "
    "Etam Tepian Mahakam Borneo Pesisir Lestari Rukun Damai Gotong Royong Melati Kenanga "
    "Cempaka"
)
MALE = _words(
    "Slamet Sugeng Bambang Joko Agus Budi Heru Wahyu Eko Hadi Muhammad Ahmad Abdul Rahmadi "
    "Fahrul Syamsudin Anang Rusdi Ambo Baso Hasanuddin Syamsul Haris Rusli Syahril "
    "Irwansyah Effendi Rizal Yohanes Petrus Lukas Hendrik Markus Saparudin Jumadi Herman"
)
FEMALE = _words(
    "Sri Siti Suminah Sulastri Endang Rini Wulan Dewi Ratna Yuni Norhayati Rusmini Jumiati "
    "Fatimah Halimah Hasnawati Nurhayati Rosmini Suriani Mardiana Rosita Herlina Maria "
    "Magdalena Yuliana"
)
FAMILY = _words(
    "Santoso Wibowo Prasetyo Nugroho Saputra Hidayat Kurniawan Setiawan Rahman Noor "
    "Ansyari Basri Arsyad Syam Latif Hamzah Tahir Ramli Saleh Yusuf Idris Ansyah Lahang "
    "Ding Ajang Ibau"
)
PARTNERS = [
    ("PT Borneo Agro Lestari", PartnerType.CSR),
    ("PT Mahakam Energi Nusantara", PartnerType.CSR),
    ("PT Tambang Etam Raya", PartnerType.CSR),
    ("PT Pelabuhan Teluk Balikpapan", PartnerType.CSR),
    ("Forum CSR Kalimantan Timur", PartnerType.CSR),
    ("Universitas Kaltim Raya", PartnerType.UNIVERSITY),
    ("Politeknik Pertanian Borneo", PartnerType.UNIVERSITY),
    ("LKS Harapan Bunda", PartnerType.LKS),
    ("LKS Bina Insan Mandiri", PartnerType.LKS),
    ("Dinas Koperasi dan UKM (pendampingan)", PartnerType.GOVERNMENT),
    ("Koperasi Etam Sejahtera", PartnerType.BANK),
    ("BPR Kaltim Makmur", PartnerType.BANK),
]
SUPPORTS = ["training", "market", "capital", "equipment", "mentoring"]
GRANT_AMOUNTS = [10_000_000, 15_000_000, 20_000_000, 20_000_000, 25_000_000]
CENT = Decimal("0.01")
THOUSAND = Decimal(1000)


def _money(value: float) -> Decimal:
    """Whole thousands of Rupiah, as groups write them, never below zero."""
    rounded = (Decimal(str(max(value, 0.0))) / THOUSAND).quantize(Decimal(1), ROUND_HALF_UP)
    return rounded * THOUSAND


@dataclass
class SeedResult:
    groups: int = 0
    members: int = 0
    persons: int = 0
    reports: int = 0
    grants: int = 0
    partnerships: int = 0
    seconds: float = 0.0

    @property
    def reports_per_second(self) -> float:
        return self.reports / self.seconds if self.seconds else 0.0


class Places:
    """Kaltim's districts and villages by regency, loaded once (one query)."""

    def __init__(self):
        self.villages: dict[str, list[Region]] = {code: [] for code in POPULATION}
        for village in Region.objects.filter(
            level=Level.VILLAGE, code__startswith=f"{settings.PMKS_PROVINCE_CODE}."
        ).only("code", "parent_id"):
            regency = village.code[:5]
            if regency in self.villages:
                self.villages[regency].append(village)
        self.regencies = [code for code in POPULATION if self.villages[code]]
        self.weights = [POPULATION[code] for code in self.regencies]


class Generator:
    def __init__(self, *, rng: random.Random, today: date, years: int, rules: KubeRules):
        self.rng = rng
        self.today = today
        self.first_month = add_months(first_of_month(today), -12 * years)
        self.rules = rules
        self.places = Places()
        self.business = {bt.code: bt for bt in BusinessType.objects.all()}
        self.business_codes = [code for code in BUSINESS_WEIGHTS if code in self.business]
        self.business_weights = [BUSINESS_WEIGHTS[code] for code in self.business_codes]
        self.used_niks = set(
            Person.objects.filter(nik__isnull=False).values_list("nik", flat=True).iterator()
        )
        self.used_numbers = set(
            Kube.objects.filter(registration_number__contains="/D").values_list(
                "registration_number", flat=True
            )
        )
        self.fakir_miskin = Category.objects.filter(code="FM").first()

    # -- people --

    def name(self, sex: str) -> str:
        first = self.rng.choice(MALE if sex == "L" else FEMALE)
        return f"{first} {self.rng.choice(FAMILY)}"

    def nik(self, district_code: str, birth: date, sex: str) -> str:
        day = birth.day + (40 if sex == "P" else 0)
        prefix = f"{district_code.replace('.', '')}{day:02d}{birth:%m}{birth.year % 100:02d}"
        for serial in range(1, 10_000):
            nik = f"{prefix}{serial:04d}"
            if nik not in self.used_niks:
                self.used_niks.add(nik)
                return nik
        raise RuntimeError(prefix)

    def kk(self, district_code: str) -> str:
        issued = self.today - timedelta(days=self.rng.randint(400, 6000))
        return (
            f"{district_code.replace('.', '')}{issued:%d%m}{issued.year % 100:02d}"
            f"{self.rng.randint(1, 9999):04d}"
        )

    def month_between(self, start: date, end: date) -> date:
        span = (end.year - start.year) * 12 + end.month - start.month
        return add_months(start, self.rng.randint(0, max(span, 0)))

    # -- one group --

    def group(self, batch: "Batch", index: int) -> None:
        rng, today = self.rng, self.today
        regency = rng.choices(self.places.regencies, self.places.weights)[0]
        village = rng.choice(self.places.villages[regency])
        district = village.parent_id
        business = rng.choices(self.business_codes, self.business_weights)[0]
        formed = self.month_between(add_months(self.first_month, -24), add_months(today, -2))
        reporting_from = max(formed, self.first_month)
        roll = rng.random()
        status, stopped = KubeStatus.ACTIVE, None
        if roll < 0.10 and reporting_from < add_months(first_of_month(today), -6):
            status = KubeStatus.INACTIVE
        elif roll < 0.15 and reporting_from < add_months(first_of_month(today), -18):
            status = KubeStatus.GRADUATED
        if status != KubeStatus.ACTIVE:
            stopped = self.month_between(add_months(reporting_from, 4), add_months(today, -1))
        name = f"KUBE {rng.choice(GROUP_WORDS)} {rng.choice(GROUP_WORDS)}"
        number = f"KUBE/{regency}/{formed.year}/D{index:05d}"
        while number in self.used_numbers:
            index += 100_000
            number = f"KUBE/{regency}/{formed.year}/D{index:05d}"
        self.used_numbers.add(number)
        sk_date = formed + timedelta(days=rng.randint(0, 27))
        kube = Kube(
            name=name,
            registration_number=number,
            sk_number=f"{rng.randint(1, 400)}/KUBE/DINSOS/{formed.year}",
            sk_date=sk_date,
            year_formed=formed.year,
            regency_id=regency,
            district_id=district,
            village_id=village.code,
            business_type=self.business[business],
            business_description=rng.choice(BUSINESS_WORDS[business]),
            bank_name=rng.choice(["Bank Kaltimtara", "BRI", "BNI", "Bank Mandiri"]),
            bank_account_number=f"{rng.randint(10**11, 10**13 - 1)}",
            bank_account_name=name,
            pendamping_name=self.name(rng.choice("LP")),
            pendamping_phone=f"08{rng.randint(11, 59)}{rng.randint(10**7, 10**8 - 1)}",
            status=status,
            status_since=add_months(stopped, 1) if stopped else min(sk_date, today),
            reporting_from=reporting_from,
            reporting_until=stopped,
        )
        group = batch.add_group(kube)
        batch.status_changes.append((group, KubeStatus.ACTIVE, "", min(sk_date, today), ""))
        if stopped:
            reason = "Usaha berhenti" if status == KubeStatus.INACTIVE else "Mandiri, lulus"
            batch.status_changes.append(
                (group, status, KubeStatus.ACTIVE, add_months(stopped, 1), reason)
            )

        size = rng.choices(range(5, 11), [1, 1, 2, 3, 5, 12])[0]
        current = status == KubeStatus.ACTIVE
        for position in range(size):
            sex = "L" if rng.random() < 0.72 else "P"
            birth = date(today.year - rng.randint(24, 58), rng.randint(1, 12), rng.randint(1, 28))
            person = Person(
                nik=self.nik(district, birth, sex),
                kk_number=self.kk(district),
                name=self.name(sex),
                sex=sex,
                birth_date=birth,
                address=f"RT {rng.randint(1, 40):02d}",
                regency_id=regency,
                village_id=village.code,
            )
            person_index = batch.add_person(person)
            role = (
                MemberRole.KETUA
                if position == 0
                else MemberRole.SEKRETARIS
                if position == 1
                else MemberRole.BENDAHARA
                if position == 2
                else MemberRole.ANGGOTA
            )
            batch.members.append((group, person_index, role, sk_date, current))
            if self.fakir_miskin and rng.random() < 0.9:
                batch.cases.append((person_index, regency, district, village.code, sk_date))

        # Grants: one, sometimes a second one a year later.
        grants = []
        first_grant = min(add_months(formed, rng.randint(0, 3)), first_of_month(today))
        grants.append((first_grant, rng.choice(GRANT_AMOUNTS)))
        if rng.random() < 0.12 and add_months(first_grant, 12) < first_of_month(today):
            grants.append((add_months(first_grant, 12), rng.choice(GRANT_AMOUNTS)))
        for month, amount in grants:
            stages = rng.choice([1, 1, 2, 3])
            parts = [amount // stages] * stages
            parts[-1] += amount - sum(parts)
            granted_on = min(month + timedelta(days=rng.randint(0, 20)), today)
            paid = [
                (min(granted_on + timedelta(days=45 * step), today), part)
                for step, part in enumerate(parts)
            ]
            batch.grants.append((group, granted_on, amount, paid))
        total_grants = Decimal(sum(amount for _, amount in grants))

        # Partners: a third of the groups.
        links = []
        if rng.random() < 0.33:
            for partner_index in rng.sample(range(len(PARTNERS)), rng.choice([1, 1, 2])):
                started = self.month_between(reporting_from, first_of_month(today))
                ended = None
                if rng.random() < 0.2 and started < add_months(first_of_month(today), -3):
                    ended = add_months(started, rng.randint(2, 12))
                    ended = min(ended, today)
                links.append((partner_index, started, ended))
                batch.partnerships.append(
                    (group, partner_index, rng.sample(SUPPORTS, rng.randint(1, 2)), started, ended)
                )

        # Monthly reports: a business that grows, stalls or declines, with noise.
        diligence = rng.betavariate(2.2, 1.4)
        revenue = rng.uniform(2_000_000, 12_000_000)
        growth = rng.choice([-0.02, -0.005, 0.005, 0.01, 0.015, 0.02, 0.03])
        cost_share = rng.uniform(0.55, 0.85)
        capital = float(total_grants) * rng.uniform(0.8, 1.0)
        last_month = min(stopped or add_months(first_of_month(today), -1), first_of_month(today))
        month = reporting_from
        figures = []
        while month <= last_month:
            revenue = max(revenue * (1 + growth + rng.uniform(-0.12, 0.12)), 0.0)
            if month.month in (3, 4):  # Ramadan and Lebaran trade
                revenue *= 1.15
            if rng.random() < 0.5 + diligence / 2 or month == reporting_from:
                costs = revenue * (cost_share + rng.uniform(-0.1, 0.15))
                profit = _money(revenue) - _money(costs)
                capital = max(capital + 0.4 * float(profit) - 150_000, 0.0)
                collects = profit > 0 and rng.random() < diligence**2
                iks = _money(0.05 * float(profit)) if collects else 0
                due = add_months(month, 1).replace(day=self.rules.report_due_day)
                received = add_months(month, 1) + timedelta(
                    days=int(rng.expovariate(1 / (3 + 12 * (1 - diligence))))
                )
                received = min(received, today)
                report = {
                    "month": month,
                    "revenue": _money(revenue),
                    "costs": _money(costs),
                    "profit": profit,
                    "capital": _money(capital),
                    "iks_collected": Decimal(iks),
                    "iks_used": _money(float(iks) * 3) if rng.random() < 0.08 else Decimal(0),
                    "meetings_held": max(0, round(rng.gauss(diligence * 1.5, 0.7))),
                    "bookkeeping_kept": rng.random() < diligence**1.5,
                    "received_on": received,
                    "is_late": received > due,
                }
                batch.reports.append((group, report))
                figures.append(
                    scoring.Figures(
                        month=month,
                        profit=profit,
                        capital=report["capital"],
                        iks_collected=report["iks_collected"],
                        iks_used=report["iks_used"],
                        meetings_held=report["meetings_held"],
                        bookkeeping_kept=report["bookkeeping_kept"],
                    )
                )
            month = add_months(month, 1)
        active_partners = sum(
            1
            for _, started, ended in links
            if started <= today and (ended is None or ended >= today)
        )
        breakdown = scoring.compute(
            self.rules, figures, active_partners=active_partners, total_grants=total_grants
        )
        kube.computed_stage = kube.stage = breakdown["stage"]
        kube.stage_score = breakdown["score"]
        kube.stage_breakdown = breakdown
        kube.last_report_month = max((f.month for f in figures), default=None)
        if rng.random() < 0.03:
            kube.stage_override = kube.stage = rng.choice(["berkembang", "maju"])
            kube.stage_override_reason = "Hasil penilaian lapangan pendamping (data demo)"


class Batch:
    """Rows of a batch of groups, with positions standing for ids not known yet."""

    def __init__(self):
        self.groups: list[Kube] = []
        self.persons: list[Person] = []
        self.members, self.cases, self.grants = [], [], []
        self.partnerships, self.reports, self.status_changes = [], [], []

    def add_group(self, kube: Kube) -> int:
        self.groups.append(kube)
        return len(self.groups) - 1

    def add_person(self, person: Person) -> int:
        self.persons.append(person)
        return len(self.persons) - 1


REPORT_COLUMNS = [
    "month",
    "revenue",
    "costs",
    "profit",
    "capital",
    "iks_collected",
    "iks_used",
    "meetings_held",
    "bookkeeping_kept",
    "received_on",
    "is_late",
]


def _insert(model, fields: list[str], rows, chunk: int = 1000) -> int:
    """Plain INSERTs of tuples: no model instance per row, several times faster than
    bulk_create for the big tables whose new ids nobody needs. SQLite's executemany loops in
    C; on PostgreSQL (where it would be a round trip per row) a statement holds many rows."""
    meta = model._meta
    columns = ", ".join(connection.ops.quote_name(meta.get_field(f).column) for f in fields)
    head = f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) VALUES "  # noqa: S608
    one = f"({', '.join(['%s'] * len(fields))})"
    many_rows = connection.vendor == "postgresql"
    written = 0
    with connection.cursor() as cursor:

        def flush(pending):
            if many_rows:
                cursor.execute(
                    head + ", ".join([one] * len(pending)),
                    [value for row in pending for value in row],
                )
            else:
                cursor.executemany(head + one, pending)

        pending = []
        for row in rows:
            pending.append(row)
            if len(pending) >= chunk:
                flush(pending)
                written += len(pending)
                pending = []
        if pending:
            flush(pending)
            written += len(pending)
    return written


def _write(batch: Batch, partners: list[Partner], fakir_miskin, result: SeedResult) -> None:
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    groups = Kube.objects.bulk_create(batch.groups, batch_size=500)
    persons = Person.objects.bulk_create(batch.persons, batch_size=1000)
    _insert(
        KubeMember,
        ["kube", "person", "role", "joined_on", "is_current", "left_reason", "created_at"],
        (
            (groups[g].pk, persons[p].pk, role, joined, current, "", now)
            for g, p, role, joined, current in batch.members
        ),
    )
    if fakir_miskin is not None and batch.cases:
        cases = Case.objects.bulk_create(
            [
                Case(
                    person=persons[p],
                    category=fakir_miskin,
                    regency_id=regency,
                    district_id=district,
                    village_id=village,
                    found_on=found,
                    registered_on=found,
                    source=CaseSource.SURVEY,
                    status=CaseStatus.REGISTERED,
                    status_changed_on=found,
                    notes="Data demo KUBE",
                )
                for p, regency, district, village, found in batch.cases
            ],
            batch_size=2000,
        )
        _insert(
            CaseTransition,
            ["case", "from_status", "to_status", "effective_on", "is_relapse", "reason", "at"],
            ((c.pk, "", CaseStatus.REGISTERED, c.found_on, False, "", now) for c in cases),
        )
    grants = KubeGrant.objects.bulk_create(
        [
            KubeGrant(
                kube=groups[g],
                source="apbn",
                amount=Decimal(amount),
                granted_on=granted_on,
                reference="SK Kadis (data demo)",
            )
            for g, granted_on, amount, _paid in batch.grants
        ],
        batch_size=2000,
    )
    GrantDisbursement.objects.bulk_create(
        [
            GrantDisbursement(grant=grant, number=n + 1, amount=Decimal(part), disbursed_on=day)
            for grant, (_g, _on, _amount, paid) in zip(grants, batch.grants, strict=True)
            for n, (day, part) in enumerate(paid)
        ],
        batch_size=2000,
    )
    KubePartnership.objects.bulk_create(
        [
            KubePartnership(
                kube=groups[g],
                partner=partners[p],
                supports=supports,
                started_on=started,
                ended_on=ended,
            )
            for g, p, supports, started, ended in batch.partnerships
        ],
        batch_size=2000,
    )
    _insert(
        KubeReport,
        ["kube", *REPORT_COLUMNS, "problems", "pendamping_notes", "version"]
        + ["created_at", "updated_at"],
        (
            (groups[g].pk, *(report[c] for c in REPORT_COLUMNS), "", "", 1, now, now)
            for g, report in batch.reports
        ),
    )
    KubeStatusChange.objects.bulk_create(
        [
            KubeStatusChange(
                kube=groups[g], from_status=before, to_status=status, effective_on=on, reason=why
            )
            for g, status, before, on, why in batch.status_changes
        ],
        batch_size=2000,
    )
    KubeStageChange.objects.bulk_create(
        [
            KubeStageChange(
                kube=kube,
                source=StageChangeSource.COMPUTED,
                to_stage=kube.computed_stage,
                score=kube.stage_score,
                reason="Data demo",
            )
            for kube in groups
        ],
        batch_size=2000,
    )
    result.groups += len(groups)
    result.persons += len(persons)
    result.members += len(batch.members)
    result.reports += len(batch.reports)
    result.grants += len(grants)
    result.partnerships += len(batch.partnerships)


def _partners() -> list[Partner]:
    found = {p.name: p for p in Partner.objects.filter(name__in=[n for n, _ in PARTNERS])}
    missing = [Partner(name=n, type=t) for n, t in PARTNERS if n not in found]
    for partner in Partner.objects.bulk_create(missing):
        found[partner.name] = partner
    return [found[name] for name, _ in PARTNERS]


def _seed_batches(n_groups, generator, partners, result, started, progress, index) -> None:
    postgres = connection.vendor == "postgresql"
    while result.groups < n_groups:
        batch = Batch()
        for _ in range(min(BATCH_GROUPS, n_groups - result.groups)):
            index += 1
            generator.group(batch, index)
        with transaction.atomic():
            if postgres:
                with connection.cursor() as cursor:
                    # Demo data: losing the last batch in a crash is fine, waiting is not.
                    cursor.execute("SET LOCAL synchronous_commit TO off")
            _write(batch, partners, generator.fakir_miskin, result)
        result.seconds = time.perf_counter() - started
        if progress:
            progress(result)
    result.seconds = time.perf_counter() - started


def seed_kube(
    n_groups: int,
    *,
    seed=DEFAULT_SEED,
    years: int = 3,
    today: date | None = None,
    progress=None,
) -> SeedResult:
    """Adds `n_groups` synthetic groups with members, grants, partners and up to `years` years
    of monthly reports. Demo mode only; each batch of groups is its own transaction."""
    if not settings.DEMO_MODE:
        raise ImproperlyConfigured("Synthetic KUBE exist only in demo mode (PMKS_DEMO=1).")
    started = time.perf_counter()
    load_default_business_types(BusinessType)
    existing = Kube.objects.count()
    generator = Generator(
        rng=random.Random(f"{seed}:{existing}"),
        today=today or timezone.localdate(),
        years=years,
        rules=KubeRules.current(),
    )
    partners = _partners()
    result = SeedResult()
    _seed_batches(n_groups, generator, partners, result, started, progress, existing)
    result.seconds = time.perf_counter() - started
    AuditEvent.objects.create(
        action=AuditEvent.Action.CREATE,
        target_type=Kube._meta.label_lower,
        target_id="*",
        reason="Synthetic demo data (seed_demo)",
        changes={
            "demo_seed": {
                "seed": str(seed),
                "groups": result.groups,
                "members": result.members,
                "reports": result.reports,
                "seconds": round(result.seconds, 1),
            }
        },
    )
    return result


def ensure_kube(n_groups: int, **options) -> SeedResult:
    """Tops the demo up to `n_groups` groups (idempotent: nothing when there are enough)."""
    missing = n_groups - Kube.objects.count()
    if missing <= 0:
        return SeedResult()
    return seed_kube(missing, **options)


# Enough for lists, filters, completeness and every stage; seeded in about a second on SQLite.
DEMO_GROUPS = 120


def seed_demo_kube(n_groups: int | None, write) -> SeedResult:
    """What `seed_demo` does for KUBE: without a number, tops the demo up to DEMO_GROUPS groups
    (idempotent); with `--kube N`, adds N more groups and reports the speed. `write` prints."""
    if n_groups is None:
        result = ensure_kube(DEMO_GROUPS)
        if not result.groups:
            write(f"Demo KUBE: {Kube.objects.count():,} groups exist; none added.")
            return result
    else:
        every = max(BATCH_GROUPS, n_groups // 10)
        reported = [0]

        def progress(so_far):
            if so_far.groups - reported[0] >= every or so_far.groups == n_groups:
                reported[0] = so_far.groups
                write(
                    f"  {so_far.groups:>8,} groups  {so_far.reports:>10,} reports  "
                    f"{so_far.seconds:7.1f} s  {so_far.reports_per_second:8,.0f} reports/s"
                )

        write(f"Adding {n_groups:,} synthetic KUBE groups with their monthly reports...")
        result = seed_kube(n_groups, progress=progress)
    write(
        f"Demo KUBE: {result.groups:,} groups, {result.members:,} members, "
        f"{result.reports:,} monthly reports, {result.grants:,} grants, "
        f"{result.partnerships:,} partnerships added in {result.seconds:.1f} s."
    )
    return result
