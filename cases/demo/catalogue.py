"""Demo data: the small fast helpers (weighted choice, places, the region catalogue)."""

import random
from bisect import bisect
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from accounts.demo import DEMO_USERS
from accounts.models import User
from accounts.roles import Role
from cases.demo.categories import CATEGORIES
from cases.demo.regencies import REGENCIES
from cases.models import (
    Category,
)
from regions.models import Level, Region


class Weighted:
    """Picks from weighted items with one random number and a bisection."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, pairs):
        pairs = [(item, weight) for item, weight in pairs if weight > 0]
        self.items = [item for item, _ in pairs]
        self.cum, total = [], 0.0
        for _, weight in pairs:
            total += weight
            self.cum.append(total)
        self.total = total

    def pick(self, rnd):
        return self.items[min(bisect(self.cum, rnd() * self.total), len(self.items) - 1)]


def _digits_of(code: str) -> str:
    return code.replace(".", "")


@dataclass
class Place:
    regency: str
    district: str
    village: str
    district_name: str


@dataclass
class Catalogue:
    """What the generator needs from the database: places, categories, the staff who record."""

    places: dict[str, Weighted]  # regency code -> weighted villages
    regency_names: dict[str, str]
    categories: dict[str, int]  # code -> id
    staff: dict[str, int]  # regency code -> id of a demo staff user

    @classmethod
    def load(cls, rng: random.Random) -> "Catalogue":
        regions = {r.code: r for r in Region.objects.filter(code__startswith="64.")}
        regency_names = {code: regions[code].name for code in REGENCIES if code in regions}
        missing = set(REGENCIES) - set(regency_names)
        if missing:
            raise ImproperlyConfigured(
                "Kaltim's regions are not loaded (missing %s): run load_regions first."
                % ", ".join(sorted(missing))
            )
        villages: dict[str, list] = {code: [] for code in REGENCIES}
        for region in sorted(regions.values(), key=lambda r: r.code):
            if region.level != Level.VILLAGE or not region.is_active:
                continue
            district = regions.get(region.parent_id)
            regency = region.regency_code
            if district is None or regency not in villages:
                continue
            # Urban kelurahan (x.1xxx) are denser than rural desa (x.2xxx); each village also
            # gets its own size so that some are busier than others.
            weight = 3.0 if region.code.rsplit(".", 1)[1].startswith("1") else 1.0
            weight *= rng.lognormvariate(0, 0.6)
            villages[regency].append(
                (Place(regency, district.code, region.code, district.name), weight)
            )
        categories = dict(Category.objects.values_list("code", "id"))
        absent = set(CATEGORIES) - set(categories)
        if absent:
            raise ImproperlyConfigured("PMKS categories missing: %s" % ", ".join(sorted(absent)))
        # Cases of a regency with a demo staff member are recorded by them; others by nobody
        # in particular (as if imported before the portal).
        staff_names = [user.username for user in DEMO_USERS if user.role == Role.REGENCY_STAFF]
        staff = {
            regency: user_id
            for user_id, regency in User.objects.filter(
                username__in=staff_names, regency__isnull=False
            ).values_list("id", "regency_id")
        }
        return cls(
            places={code: Weighted(rows) for code, rows in villages.items() if rows},
            regency_names=regency_names,
            categories=categories,
            staff=staff,
        )
