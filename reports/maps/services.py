"""Storing the regencies' outlines from an uploaded GeoJSON file, and removing them."""

from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from regions.models import Region
from reports.maps import geojson, selectors, shapes
from reports.models import RegencyOutline


@transaction.atomic
def outlines_upload(*, actor, raw: bytes, file_name: str, code_property: str) -> int:
    """Reads, checks, simplifies and stores the boundaries of every regency of the province,
    replacing those stored before; returns how many. ValidationError says what is wrong with
    the file, and nothing is stored then."""
    regencies = dict(Region.objects.province_regencies().values_list("code", "name"))
    drawing = shapes.draw(geojson.read(raw, code_property=code_property, regencies=regencies))
    before = dict(RegencyOutline.objects.select_for_update().values_list("pk", "source_name"))
    RegencyOutline.objects.all().delete()
    now = timezone.now()
    name = file_name[:255]
    for outline in drawing.outlines:
        stored = RegencyOutline.objects.create(
            regency_id=outline.code,
            path=outline.path,
            label_x=outline.label_x,
            label_y=outline.label_y,
            frame_width=drawing.width,
            frame_height=drawing.height,
            source_name=name,
            uploaded_at=now,
            uploaded_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE if outline.code in before else AuditEvent.Action.CREATE,
            target=stored,
            changes={"source_name": [before.get(outline.code), name]},
            regency_id=outline.code,
        )
    transaction.on_commit(selectors.forget)
    return len(drawing.outlines)


@transaction.atomic
def outlines_remove(*, actor) -> int:
    """Back to the tile grid: every stored outline removed (and the removal audited)."""
    removed = list(RegencyOutline.objects.select_for_update())
    for outline in removed:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.DELETE,
            target=outline,
            changes={"source_name": [outline.source_name, None]},
            regency_id=outline.regency_id,
        )
    RegencyOutline.objects.filter(pk__in=[o.pk for o in removed]).delete()
    transaction.on_commit(selectors.forget)
    return len(removed)
