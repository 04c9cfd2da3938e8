"""Loading one province's regions from the official list (idn-area-data CSV files, ODbL 1.0)."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from pmks_portal import choices_cache
from regions.models import LEVEL_BY_PARTS, Level, Region

# File, and the column that names each row's parent.
SOURCES = [
    ("provinces.csv", None),
    ("regencies.csv", "province_code"),
    ("districts.csv", "regency_code"),
    ("villages.csv", "district_code"),
]


class RegionDataError(Exception):
    """The source files are missing, malformed, or do not hold the province asked for."""


@dataclass(frozen=True)
class LoadResult:
    province: Region
    created: dict[str, int]
    existing: int

    @property
    def total_created(self) -> int:
        return sum(self.created.values())


def read_province_rows(data_dir: Path, province_code: str) -> list[dict]:
    """The rows of one province, top level first, each with code, parent and name."""
    rows = []
    for filename, parent_column in SOURCES:
        path = data_dir / filename
        if not path.exists():
            raise RegionDataError(_("Region file not found: %(path)s") % {"path": path})
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            expected = {"code", "name"} | ({parent_column} if parent_column else set())
            if not expected <= set(reader.fieldnames or ()):
                raise RegionDataError(
                    _("%(file)s lacks the columns %(columns)s")
                    % {"file": filename, "columns": ", ".join(sorted(expected))}
                )
            for row in reader:
                code = row["code"].strip()
                if code == province_code or code.startswith(f"{province_code}."):
                    parent = row[parent_column].strip() if parent_column else None
                    rows.append({"code": code, "parent": parent, "name": row["name"].strip()})
    if not rows or rows[0]["code"] != province_code:
        raise RegionDataError(
            _("Province %(code)s is not in the official list.") % {"code": province_code}
        )
    return rows


@transaction.atomic
def load_province(data_dir: Path, province_code: str) -> LoadResult:
    """Creates the province's missing regions; leaves existing ones (and their renames) as they are.

    Running it twice creates nothing the second time.
    """
    rows = read_province_rows(data_dir, province_code)
    existing = set(
        Region.objects.filter(code__in=[row["code"] for row in rows]).values_list("code", flat=True)
    )
    created = {level.value: 0 for level in Level}
    new_regions = []
    for row in rows:
        if row["code"] in existing:
            continue
        level = LEVEL_BY_PARTS[row["code"].count(".") + 1]
        new_regions.append(
            Region(code=row["code"], level=level, parent_id=row["parent"], name=row["name"])
        )
        created[level.value] += 1
    # Parents come first in `rows`, so one ordered bulk insert satisfies the foreign keys.
    Region.objects.bulk_create(new_regions, batch_size=2000)
    choices_cache.forget()
    return LoadResult(
        province=Region.objects.get(code=province_code), created=created, existing=len(existing)
    )
