"""Demo data: the generator, which builds persons and cases as plain values in batches."""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from cases.demo.catalogue import Catalogue, Place, Weighted, _digits_of
from cases.demo.categories import (
    CATEGORIES,
    CLOSE_REASONS,
    CLOSE_TEXT,
    GUARDIANS,
    IT,
    NEXT,
    ODGJ,
    OUTCOMES,
    PASUNG_SHARE_OF_PD,
    PROVIDERS,
    REFER_TEXT,
    RELAPSE_TEXT,
    SECOND_CASE,
    SECOND_CASE_SHARE,
    SHOWCASE_BOOST,
    SOURCES,
    STALLED_SHARE,
    STREET_SOURCES,
    S,
)
from cases.demo.names import (
    BIRTH_PLACES_AWAY,
    FLAVOURS,
    HOME_REGIONS,
    LOKALISASI,
    STREET_SPOTS,
    STREETS,
)
from cases.demo.regencies import REGENCIES, STREET_CHILD_CITIES
from cases.models import (
    CloseReason,
    FamilyStatus,
    FirstContact,
    HealthCover,
    PasungEvent,
    PasungStatus,
    Programme,
    RestraintForm,
    SchoolStatus,
    StreetActivity,
    StreetHandling,
)

DEFAULT_SEED = 64
SEED_REASON = "Synthetic demo data (seed_demo)"  # the one audit event of each run
BATCH_SIZE = 5_000
YEARS_BACK = 3
FIRST_CONTACTS = (FirstContact.OUTREACH, FirstContact.REFERRAL, FirstContact.OWN_REQUEST)


@dataclass
class Batch:
    """Rows of one batch as plain values; references between them are list positions."""

    persons: list[dict] = field(default_factory=list)
    cases: list[dict] = field(default_factory=list)  # "_person": index into persons
    transitions: list[dict] = field(default_factory=list)  # "_case": index into cases
    interventions: list[dict] = field(default_factory=list)
    pasung: list[dict] = field(default_factory=list)
    pasung_events: list[dict] = field(default_factory=list)  # "_detail": index into pasung
    street_children: list[dict] = field(default_factory=list)
    sex_work: list[dict] = field(default_factory=list)


class Generator:
    def __init__(
        self,
        catalogue: Catalogue,
        *,
        seed,
        today: date | None = None,
        used_niks: set[int] | None = None,
        showcase: bool = False,
    ):
        """`showcase` makes the rare target cases (street children, tuna susila, pasung) common
        enough to be seen in a small demo set; benchmarks keep the realistic shares."""
        boost = SHOWCASE_BOOST if showcase else 1
        self.pasung_share = PASUNG_SHARE_OF_PD * boost
        self.rng = random.Random(seed)
        self.rnd = self.rng.random
        self.catalogue = catalogue
        self.today = today or timezone.localdate()
        self.tz = timezone.get_current_timezone()
        self.used_niks = used_niks if used_niks is not None else set()
        self.regencies = Weighted(
            (code, profile.population)
            for code, profile in REGENCIES.items()
            if code in catalogue.places
        )
        self.flavours = {
            code: Weighted(profile.flavours.items()) for code, profile in REGENCIES.items()
        }
        self.categories_by_regency = {}
        for code, profile in REGENCIES.items():
            weights = []
            for category, cat in CATEGORIES.items():
                weight = cat.weight
                if category == "AJ":
                    weight = STREET_CHILD_CITIES.get(code, 0.3) * boost
                elif category in ("GLD", "PGM", "PML") and profile.city:
                    weight *= 2
                elif category == "KAT":
                    weight *= 0 if profile.city else (3 if code in ("64.07", "64.11") else 1)
                elif category == "TS":
                    weight *= (2 if (profile.city or code == "64.02") else 0.3) * boost
                weights.append((category, weight))
            self.categories_by_regency[code] = Weighted(weights)
        self.next_status = {
            status: (Weighted(moves), mean) for status, (moves, mean) in NEXT.items()
        }
        self.close_reasons = Weighted(CLOSE_REASONS)
        self.sources = Weighted(SOURCES)
        self.street_sources = Weighted(STREET_SOURCES)
        self.guardians = Weighted(((rel, sex), w) for rel, sex, w in GUARDIANS)
        self.days_back = (self.today - date(self.today.year - YEARS_BACK, self.today.month, 1)).days

    # Names and people

    def name(self, flavour_code: str, sex: str) -> str:
        rnd, flavour = self.rnd, FLAVOURS[flavour_code]
        given = flavour.female if sex == "P" else flavour.male
        titles = flavour.female_titles if sex == "P" else flavour.male_titles
        parts = [given[int(rnd() * len(given))]]
        if titles and rnd() < 0.12:
            parts.insert(0, titles[int(rnd() * len(titles))])
        if rnd() < flavour.two_part:
            second = flavour.family if rnd() < 0.75 else given
            word = second[int(rnd() * len(second))]
            if word not in parts[-1]:
                parts.append(word)
        return " ".join(parts)

    def nik(self, place: Place, birth: date, sex: str) -> str:
        day = birth.day + (40 if sex == "P" else 0)
        prefix = int(f"{_digits_of(place.district)}{day:02d}{birth:%m%y}")
        # Serials start at 0001; busier dates and places run further.
        serial = 1 + int(self.rnd() ** 3 * 40)
        number = prefix * 10_000 + serial
        while number in self.used_niks:
            serial += 1
            if serial > 9999:  # every serial of this date and place is taken: another day
                return self.nik(place, birth + timedelta(days=1), sex)
            number = prefix * 10_000 + serial
        self.used_niks.add(number)
        return f"{number:016d}"

    def kk(self, place: Place, found: date) -> str:
        issued = found - timedelta(days=int(self.rnd() * 6000) + 30)
        serial = 1 + int(self.rnd() * 400)
        return f"{_digits_of(place.district)}{issued:%d%m%y}{serial:04d}"

    def phone(self) -> str:
        prefix = ("0811", "0812", "0813", "0821", "0822", "0852", "0853", "0857", "0878", "0896")[
            int(self.rnd() * 10)
        ]
        return f"{prefix}{int(self.rnd() * 10**8):08d}"

    def at(self, day: date) -> datetime:
        """A working-hours moment of that day."""
        minutes = 8 * 60 + int(self.rnd() * 8 * 60)
        return datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=self.tz)

    def person(self, place: Place, category: str, found: date, *, homeless: bool) -> dict:
        rnd, profile = self.rnd, CATEGORIES[category]
        flavour = self.flavours[place.regency].pick(rnd)
        sex = "P" if rnd() < profile.female else "L"
        low, high = profile.ages
        age = low + int(rnd() * (high - low + 1))
        birth = found - timedelta(days=age * 365 + int(rnd() * 365))
        has_nik = rnd() >= profile.no_nik
        row = {
            "name": self.name(flavour, sex),
            "sex": sex,
            "regency_id": place.regency,
            "village_id": place.village,
        }
        if has_nik:
            row["nik"] = self.nik(place, birth, sex)
            row["birth_date"] = birth
            if rnd() < 0.8:
                row["kk_number"] = self.kk(place, found)
        else:
            shape = rnd()
            if shape < 0.6:  # age told or guessed: the middle of the year of birth
                # (the 1st of January for a baby found before July: never after being found)
                estimate = date(found.year - age, 7, 1)
                row["birth_date"] = estimate if estimate <= found else date(found.year, 1, 1)
                row["birth_date_is_estimate"] = True
            elif shape < 0.85:
                row["birth_date"] = birth
        if has_nik or rnd() < 0.4:
            if rnd() < 0.65:
                row["birth_place"] = REGENCIES[place.regency].capital
            else:
                away = BIRTH_PLACES_AWAY[flavour]
                row["birth_place"] = away[int(rnd() * len(away))]
        if homeless:
            row["address"] = "" if rnd() < 0.5 else f"Tidak tetap, sekitar {place.district_name}"
        else:
            street = STREETS[int(rnd() * len(STREETS))]
            row["address"] = (
                f"Jl. {street} No. {1 + int(rnd() * 150)}, RT {1 + int(rnd() * 40):03d}"
                if rnd() < 0.7
                else f"Gg. {street} RT {1 + int(rnd() * 40):03d}"
            )
        if rnd() < 0.35:
            row["phone"] = self.phone()
        if age < 18:
            relation, guardian_sex = self.guardians.pick(rnd)
            row["guardian_name"] = self.name(flavour, guardian_sex)
            row["guardian_relation"] = relation
            if rnd() < 0.5:
                row["guardian_phone"] = self.phone()
        if profile.disability:
            row["disability"] = profile.disability[int(rnd() * len(profile.disability))]
        return row

    # Cases and what happens to them

    def found_on(self) -> date:
        # Slightly more cases in recent months: outreach grew.
        return self.today - timedelta(days=int(self.days_back * self.rnd() ** 1.15))

    def lifecycle(self, found: date, category: str, programme: str):
        """(status, close_reason, relapses, [(from, to, date, relapse, reason)])."""
        rnd = self.rnd
        moves = [("", S.REGISTERED, found, False, "")]
        status, close_reason, relapses, day = S.REGISTERED, "", 0, found
        if rnd() < STALLED_SHARE:
            return status, close_reason, relapses, moves
        while status in self.next_status and len(moves) < 9:
            choices, mean = self.next_status[status]
            day = day + timedelta(days=1 + int(self.rng.expovariate(1 / mean)))
            if day > self.today:
                break
            target = choices.pick(rnd)
            if target is None:
                break
            relapse = status == S.RESOLVED
            reason = ""
            if target == S.CLOSED:
                close_reason = self.close_reasons.pick(rnd)
                texts = CLOSE_TEXT[close_reason]
                reason = texts[int(rnd() * len(texts))]
            elif target == S.REFERRED:
                reason = REFER_TEXT[int(rnd() * len(REFER_TEXT))]
            elif relapse:
                texts = (
                    RELAPSE_TEXT.get(programme)
                    or RELAPSE_TEXT.get(category)
                    or ("Masalah muncul kembali.",)
                )
                reason = texts[int(rnd() * len(texts))]
                relapses += 1
            moves.append((status, target, day, relapse, reason))
            status = target
        return status, close_reason, relapses, moves

    def case(
        self,
        batch: Batch,
        person_index: int,
        place: Place,
        category: str,
        found: date,
        pasung: bool,
    ):
        rnd = self.rnd
        programme = (
            Programme.PASUNG
            if pasung
            else {"AJ": Programme.STREET_CHILDREN, "TS": Programme.PROSTITUTION}.get(category, "")
        )
        status, close_reason, relapses, moves = self.lifecycle(found, category, programme)
        registered = min(found + timedelta(days=int(rnd() ** 2 * 14)), self.today)
        staff = self.catalogue.staff.get(place.regency)
        with_village = rnd() < 0.95
        created = self.at(registered)
        case_index = len(batch.cases)
        batch.cases.append(
            {
                "_person": person_index,
                "category_id": self.catalogue.categories[category],
                "programme": programme,
                "regency_id": place.regency,
                "district_id": place.district,
                "village_id": place.village if with_village else None,
                "found_on": found,
                "registered_on": registered,
                "source": (
                    self.street_sources
                    if category in ("AJ", "GLD", "PGM") or pasung
                    else self.sources
                ).pick(rnd),
                "status": status,
                "close_reason": close_reason,
                "status_changed_on": moves[-1][2],
                "relapse_count": relapses,
                "version": len(moves),
                "created_by_id": staff,
                "created_at": created,
                "updated_at": self.at(moves[-1][2]) if len(moves) > 1 else created,
            }
        )
        for before, after, day, relapse, reason in moves:
            batch.transitions.append(
                {
                    "_case": case_index,
                    "from_status": before,
                    "to_status": after,
                    "effective_on": day,
                    "is_relapse": relapse,
                    "reason": reason,
                    "by_id": staff,
                    "at": self.at(day) if before else created,
                }
            )
        handled = [day for _, after, day, _, _ in moves if after == S.IN_HANDLING]
        if handled:
            start, end = handled[0], self.today if status == S.IN_HANDLING else moves[-1][2]
            kinds = CATEGORIES[category].interventions
            if pasung:
                kinds = (IT.REFERRAL_HOSPITAL, IT.HEALTH_INSURANCE, IT.REUNIFICATION)
            count = 1 + (rnd() < 0.4) + (rnd() < 0.15)
            span = max((end - start).days, 0)
            for _ in range(count):
                kind = kinds[int(rnd() * len(kinds))]
                providers = PROVIDERS[kind]
                batch.interventions.append(
                    {
                        "_case": case_index,
                        "date": start + timedelta(days=int(rnd() * (span + 1))),
                        "type": kind,
                        "provider": providers[int(rnd() * len(providers))].format(
                            regency=self.catalogue.regency_names[place.regency],
                            capital=REGENCIES[place.regency].capital,
                            district=place.district_name,
                        ),
                        "outcome": OUTCOMES[int(rnd() * len(OUTCOMES))],
                        "created_by_id": staff,
                        "created_at": self.at(start),
                    }
                )
        if pasung:
            self.pasung_detail(batch, case_index, found, status, close_reason, moves, place)
        elif programme == Programme.STREET_CHILDREN:
            self.street_child(batch, case_index, place, status, relapses)
        elif programme == Programme.PROSTITUTION:
            self.sex_work(batch, case_index, place, status, moves)

    def pasung_detail(self, batch, case_index, found, status, close_reason, moves, place):
        rnd = self.rnd
        released = next((day for _, after, day, _, _ in moves if after == S.IN_HANDLING), None)
        resolved = next(
            (day for _, after, day, _, _ in reversed(moves) if after == S.RESOLVED), None
        )
        if status == S.CLOSED and close_reason == CloseReason.DIED:
            pasung_status = PasungStatus.DIED
        elif status == S.RESOLVED:
            pasung_status = PasungStatus.RELEASED
        elif status in (S.IN_HANDLING, S.REFERRED) and released:
            pasung_status = PasungStatus.IN_TREATMENT
        else:
            pasung_status = PasungStatus.RESTRAINED
        forms = RestraintForm.values
        row = {
            "_case": case_index,
            "pasung_status": pasung_status,
            "restraint_form": forms[int(rnd() * len(forms))],
            "restrained_since": found - timedelta(days=30 + int(rnd() * 3650)),
            "health_cover": (HealthCover.KIS, HealthCover.BPJS_PBI, HealthCover.NONE)[
                int(rnd() * 3)
            ],
        }
        if released:
            row.update(
                released_on=released,
                admitted_on=released + timedelta(days=1),
                release_team=f"Dinas Sosial, TKSK Kecamatan {place.district_name} dan Puskesmas",
                facility="RSJD Atma Husada Mahakam",
            )
        if resolved:
            row.update(discharged_on=resolved, returned_to_family_on=resolved)
        detail_index = len(batch.pasung)
        batch.pasung.append(row)
        if resolved:
            visit = resolved
            for _ in range(1 + int(rnd() * 3)):
                visit += timedelta(days=20 + int(rnd() * 60))
                if visit > self.today:
                    break
                batch.pasung_events.append(
                    {
                        "_detail": detail_index,
                        "kind": PasungEvent.Kind.FOLLOW_UP,
                        "date": visit,
                        "takes_medication": rnd() < 0.8,
                        "notes": "Kunjungan rumah.",
                    }
                )
        for _, _, day, relapse, _ in moves:
            if relapse:
                batch.pasung_events.append(
                    {
                        "_detail": detail_index,
                        "kind": PasungEvent.Kind.RESHACKLED,
                        "date": day,
                        "takes_medication": False,
                        "notes": "Dipasung kembali oleh keluarga.",
                    }
                )

    def street_child(self, batch, case_index, place, status, relapses):
        rnd = self.rnd
        spots = STREET_SPOTS.get(place.regency) or (f"Pasar {REGENCIES[place.regency].capital}",)
        if status == S.RESOLVED:
            handling = (
                StreetHandling.REUNIFIED,
                StreetHandling.BACK_TO_SCHOOL,
                StreetHandling.LKSA,
            )[int(rnd() * 3)]
        elif status in (S.IN_HANDLING, S.REFERRED):
            handling = StreetHandling.RUMAH_SINGGAH
        else:
            handling = StreetHandling.OUTREACH
        activities = StreetActivity.values
        batch.street_children.append(
            {
                "_case": case_index,
                "location_found": spots[int(rnd() * len(spots))],
                "activity": activities[int(rnd() * len(activities))],
                "hours_per_day": 3 + int(rnd() * 10),
                "school_status": SchoolStatus.values[int(rnd() * len(SchoolStatus.values))],
                "family_status": FamilyStatus.values[int(rnd() * len(FamilyStatus.values))],
                "handling": handling,
                "encounter_count": 1 + relapses + int(rnd() ** 3 * 5),
            }
        )

    def sex_work(self, batch, case_index, place, status, moves):
        rnd = self.rnd
        sites = LOKALISASI.get(place.regency, ())
        trainings = ("Tata boga", "Menjahit", "Tata rias", "Kerajinan tangan", "")
        row = {
            "_case": case_index,
            "former_lokalisasi": sites[int(rnd() * len(sites))] if sites and rnd() < 0.6 else "",
            "training": trainings[int(rnd() * len(trainings))],
            "home_region": HOME_REGIONS[int(rnd() * len(HOME_REGIONS))],
            # From the case's number, not the random stream: the rest of the demo stays the same.
            "first_contact": FIRST_CONTACTS[case_index % len(FIRST_CONTACTS)],
        }
        if status in (S.IN_HANDLING, S.RESOLVED, S.REFERRED):
            row["exit_programme"] = "Rehabilitasi di Panti Rehabilitasi Tuna Sosial"
            row["shelter"] = "Panti Rehabilitasi Tuna Sosial (PRTS) Samarinda"
            if rnd() < 0.6:
                row["uep_grant"] = Decimal("5000000.00")
        if status == S.RESOLVED and rnd() < 0.5:
            row["returned_home_on"] = moves[-1][2]
        batch.sex_work.append(row)

    def batch(self, n_cases: int) -> Batch:
        """About `n_cases` cases (exactly, unless a second case would overshoot: then fewer)."""
        rnd, batch = self.rnd, Batch()
        while len(batch.cases) < n_cases:
            regency = self.regencies.pick(rnd)
            place = self.catalogue.places[regency].pick(rnd)
            category = self.categories_by_regency[regency].pick(rnd)
            pasung = category == "PD" and rnd() < self.pasung_share
            homeless = category in ("AJ", "GLD", "PGM") and rnd() < 0.6
            found = self.found_on()
            person = self.person(place, category, found, homeless=homeless)
            if pasung:
                person["disability"] = ODGJ
            person_index = len(batch.persons)
            person["created_by_id"] = self.catalogue.staff.get(regency)
            person["created_at"] = person["updated_at"] = self.at(found)
            batch.persons.append(person)
            self.case(batch, person_index, place, category, found, pasung)
            if len(batch.cases) < n_cases and rnd() < SECOND_CASE_SHARE:
                self.second_case(batch, person_index, place, category, found)
        return batch

    def second_case(self, batch, person_index, place, first_category, first_found):
        rnd = self.rnd
        options = SECOND_CASE.get(first_category)
        if not options:
            return
        category = options[int(rnd() * len(options))]
        person = batch.persons[person_index]
        profile = CATEGORIES[category]
        birth = person.get("birth_date")
        found = first_found + timedelta(days=int(rnd() * max((self.today - first_found).days, 0)))
        age = (found - birth).days // 365 if birth else None
        if age is not None and not profile.ages[0] <= age <= profile.ages[1]:
            return
        if profile.female >= 1 and person["sex"] != "P":
            return
        if category == "AJ" and place.regency not in STREET_CHILD_CITIES:
            return
        self.case(batch, person_index, place, category, found, pasung=False)
