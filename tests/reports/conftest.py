"""Fixtures of the reports tests: categories and national targets (gone after a flush), the
targets cache emptied between tests, report files in a temporary directory, and helpers that
read back what a report printed."""

import base64
import contextlib
import re
import zlib
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cases.categories_data import load_default_categories
from cases.models import Category, CategoryAlias
from reports import figures
from reports.models import Target, TargetBaseline, TargetRestatement
from reports.targets_data import load_national_targets
from tests.cases.conftest import register  # noqa: F401 - re-exported for the tests


@pytest.fixture(autouse=True)
def reference_data(db):
    """Categories and the three national targets: loaded by migrations, gone after a flush."""
    load_default_categories(Category, CategoryAlias)
    load_national_targets(Target, TargetRestatement, TargetBaseline)
    figures.forget_targets()
    yield
    figures.forget_targets()


@pytest.fixture(autouse=True)
def eager_celery():
    """Tasks run at once, in the test's process, also in the PostgreSQL + Redis pass (the tests
    with a real worker, in worker/, replace this fixture)."""
    from pmks_portal.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture(autouse=True)
def report_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


def pdf_strings(data: bytes) -> list[str]:
    """The text drawn on the pages of a reportlab PDF, string by string, in drawing order.

    Enough for reportlab's output (literal strings in Tj operators, ASCII85 and Flate encoded);
    not a general PDF reader.
    """
    assert data.startswith(b"%PDF-"), data[:20]
    strings = []
    for raw in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        content = raw.strip()
        if content.endswith(b"~>"):  # reportlab's /ASCII85Decode /FlateDecode
            content = base64.a85decode(content[:-2])
        with contextlib.suppress(zlib.error):  # an uncompressed stream is read as it is
            content = zlib.decompress(content)
        for literal in re.findall(rb"\(((?:[^()\\]|\\.)*)\)\s*Tj", content):
            text = re.sub(rb"\\(.)", lambda m: m.group(1), literal)
            strings.append(text.decode("latin-1"))
    return strings


TODAY = date(2026, 11, 27)


@pytest.fixture
def december():
    """The clock on 2 December 2026, 10:00 WITA: November is over, and had no refresh of its
    own. The clock runs from there (the figures cached per refresh are keyed by its time);
    the fixture gives the traveller, to move it on."""
    with time_machine.travel(datetime(2026, 12, 2, 10, tzinfo=ZoneInfo("Asia/Makassar"))) as t:
        yield t
