"""The demo's synthetic DTSEN extract: `make run` shows a worklist in several regencies."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import TestCase

from dtsen.models import Extract, ItemKind, WorklistItem

pytestmark = pytest.mark.django_db


def test_seed_demo_loads_an_extract_whose_worklist_spans_several_regencies(kaltim):
    out = StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("seed_demo", stdout=out)
    extract = Extract.objects.get()
    assert extract.status == Extract.Status.LOADED, (extract.failure, extract.errors[:3])
    assert "Demo DTSEN extract" in out.getvalue()
    items = WorklistItem.objects.filter(extract=extract)
    assert items.values("regency").distinct().count() >= 3
    assert {ItemKind.NOT_IN_DTSEN, ItemKind.DECEASED_OR_MOVED} <= set(
        items.values_list("kind", flat=True)
    )
    call_command("seed_demo", stdout=StringIO())
    assert Extract.objects.count() == 1, "seeded once"
