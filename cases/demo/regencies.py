"""Demo data: the regencies' population (thousands, SP2020), capital and mix of name flavours."""

from dataclasses import dataclass


@dataclass(frozen=True)
class RegencyProfile:
    population: int
    capital: str
    flavours: dict[str, float]
    city: bool = False


REGENCIES = {
    "64.01": RegencyProfile(
        275,
        "Tanah Grogot",
        {"jawa": 30, "bugis": 28, "melayu": 20, "banjar": 14, "dayak": 5, "lain": 3},
    ),
    "64.02": RegencyProfile(
        729,
        "Tenggarong",
        {"melayu": 30, "jawa": 25, "banjar": 20, "bugis": 17, "dayak": 5, "lain": 3},
    ),
    "64.03": RegencyProfile(
        248,
        "Tanjung Redeb",
        {"bugis": 30, "jawa": 25, "melayu": 15, "banjar": 12, "dayak": 13, "lain": 5},
    ),
    "64.07": RegencyProfile(
        166, "Sendawar", {"dayak": 60, "jawa": 15, "melayu": 10, "banjar": 8, "bugis": 5, "lain": 2}
    ),
    "64.08": RegencyProfile(
        434,
        "Sangatta",
        {"bugis": 30, "jawa": 28, "melayu": 14, "banjar": 12, "dayak": 10, "lain": 6},
    ),
    "64.09": RegencyProfile(
        179, "Penajam", {"jawa": 40, "bugis": 30, "banjar": 12, "melayu": 8, "dayak": 5, "lain": 5}
    ),
    "64.11": RegencyProfile(
        33, "Ujoh Bilang", {"dayak": 85, "melayu": 5, "jawa": 5, "banjar": 3, "bugis": 2}
    ),
    "64.71": RegencyProfile(
        688,
        "Balikpapan",
        {"jawa": 38, "bugis": 22, "banjar": 20, "melayu": 5, "dayak": 3, "lain": 12},
        True,
    ),
    "64.72": RegencyProfile(
        828,
        "Samarinda",
        {"jawa": 32, "banjar": 30, "bugis": 20, "melayu": 8, "dayak": 4, "lain": 6},
        True,
    ),
    "64.74": RegencyProfile(
        179,
        "Bontang",
        {"bugis": 35, "jawa": 30, "banjar": 15, "melayu": 10, "dayak": 3, "lain": 7},
        True,
    ),
}
STREET_CHILD_CITIES = {"64.72": 45.0, "64.71": 40.0}  # DOMAIN.md §3.3: only these two
