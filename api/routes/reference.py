"""Regions and PMKS categories: the reference lists a field app needs to fill its forms."""

from ninja import Router

from api import schemas
from api.common import require
from cases.models import Category
from pmks_portal.access import Capability
from regions.models import Region

router = Router(tags=["reference"])
ERRORS = {401: schemas.Error, 403: schemas.Error}


@router.get("/regions/", response={200: list[schemas.Region], **ERRORS}, url_name="regions")
def region_list(request, level: str | None = None, parent: str | None = None):
    """The regions the caller may open (a regency client: its own regency's subtree)."""
    require(request, Capability.READ_RECORDS)
    regions = Region.objects.visible_to(request.user).active()
    if level:
        regions = regions.filter(level=level)
    if parent:
        regions = regions.filter(parent_id=parent)
    return [
        {"code": r.code, "level": r.level, "name": r.name, "parent": r.parent_id}
        for r in regions.order_by("code")
    ]


@router.get("/categories/", response={200: list[schemas.Category], **ERRORS}, url_name="categories")
def category_list(request):
    """The 26 PMKS categories and the target programme each counts towards."""
    require(request, Capability.READ_RECORDS)
    return [
        {
            "id": c.pk,
            "code": c.code,
            "name": c.name,
            "name_en": c.name_en,
            "programme": c.programme,
            "is_active": c.is_active,
        }
        for c in Category.objects.order_by("sort_order", "code")
    ]
