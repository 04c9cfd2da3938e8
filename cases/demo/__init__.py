"""Synthetic persons and cases for the demo and the benchmarks. Demo mode only.

Deterministic: the same seed on the same database gives the same people. Shaped like Kaltim
(DOMAIN.md §1, §3, §5): cases spread over the 10 regencies by population, names of Javanese,
Banjar, Bugis, Kutai/Paser and Dayak flavour, NIKs that follow the structure (district of the
village, birth date with +40 for women, serial from 0001, unique), about 30% of persons without
a NIK (street children, the homeless, shackled people), ages that fit the category, statuses
spread along the workflow with their history, interventions, and the target programmes' details.

Fast at a million cases: rows are built as plain values and written in batches, with COPY on
PostgreSQL and bulk_create elsewhere; no services, no audit event per row (one per run).
"""

from cases.demo.catalogue import Catalogue, Place, Weighted
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
    CategoryProfile,
    S,
)
from cases.demo.generator import BATCH_SIZE, DEFAULT_SEED, SEED_REASON, YEARS_BACK, Batch, Generator
from cases.demo.names import (
    BIRTH_PLACES_AWAY,
    FLAVOURS,
    HOME_REGIONS,
    LOKALISASI,
    STREET_SPOTS,
    STREETS,
    Flavour,
)
from cases.demo.regencies import REGENCIES, STREET_CHILD_CITIES, RegencyProfile
from cases.demo.writing import (
    CopyWriter,
    OrmWriter,
    SeedResult,
    Writer,
    existing_niks,
    seed_cases,
    seeded_before,
    write_batch,
)

__all__ = [
    "RegencyProfile",
    "REGENCIES",
    "STREET_CHILD_CITIES",
    "Flavour",
    "FLAVOURS",
    "BIRTH_PLACES_AWAY",
    "STREETS",
    "STREET_SPOTS",
    "LOKALISASI",
    "HOME_REGIONS",
    "S",
    "CategoryProfile",
    "IT",
    "CATEGORIES",
    "SECOND_CASE",
    "SECOND_CASE_SHARE",
    "PASUNG_SHARE_OF_PD",
    "SHOWCASE_BOOST",
    "ODGJ",
    "NEXT",
    "STALLED_SHARE",
    "CLOSE_REASONS",
    "CLOSE_TEXT",
    "REFER_TEXT",
    "RELAPSE_TEXT",
    "SOURCES",
    "STREET_SOURCES",
    "OUTCOMES",
    "PROVIDERS",
    "GUARDIANS",
    "Weighted",
    "Place",
    "Catalogue",
    "DEFAULT_SEED",
    "SEED_REASON",
    "BATCH_SIZE",
    "YEARS_BACK",
    "Batch",
    "Generator",
    "Writer",
    "OrmWriter",
    "CopyWriter",
    "SeedResult",
    "write_batch",
    "seeded_before",
    "existing_niks",
    "seed_cases",
]
