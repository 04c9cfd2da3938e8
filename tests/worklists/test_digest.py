"""The daily digest (#14, point 7): counts and links of what waits, none when nothing does,
opt-out per kind, once a day however often beat runs it."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from tests.factories import register
from worklists.models import DigestOptOut, DigestSent
from worklists.services import digest_send_daily
from worklists.tasks import send_daily_digests

pytestmark = pytest.mark.django_db


@pytest.fixture
def untouched_case(samarinda_staff):
    case = register(samarinda_staff, name="Agus Salim Penanda", category="AJ")
    long_ago = timezone.localdate() - timedelta(days=100)
    Case.objects.filter(pk=case.pk).update(registered_on=long_ago, status_changed_on=long_ago)
    return case


def test_a_user_with_work_due_gets_one_digest_a_day_in_indonesian(
    untouched_case, samarinda_staff, samarinda_viewer, admin
):
    mail.outbox.clear()

    first = send_daily_digests.apply().get()
    again = digest_send_daily()

    assert first["sent"] == 1 and again.sent == 0 and again.sent_before == 1
    (message,) = mail.outbox
    assert message.to == [samarinda_staff.email]
    assert message.subject.startswith("Tugas saya")
    html, mime = message.alternatives[0]
    assert mime == "text/html"
    # Counts and links only: no name of a person.
    assert "Agus" not in message.body and "Agus" not in html
    assert reverse("worklists:detail", args=["no-contact"]) in message.body
    assert DigestSent.objects.get().counts == {"no-contact": 1}


def test_no_digest_when_nothing_is_due_or_the_kind_is_opted_out(
    untouched_case, samarinda_staff, client_as
):
    mail.outbox.clear()
    client = client_as(samarinda_staff)
    form = client.get(reverse("worklists:digest-settings")).context["form"]
    assert "no-contact" in form.initial["kinds"]
    kept = [key for key in form.initial["kinds"] if key != "no-contact"]

    response = client.post(reverse("worklists:digest-settings"), {"kinds": kept})

    assert response.status_code == 302
    assert list(DigestOptOut.objects.values_list("kind", flat=True)) == ["no-contact"]
    assert digest_send_daily().nothing_due >= 1
    assert mail.outbox == [] and not DigestSent.objects.exists()


def test_a_failed_send_is_tried_again_by_the_next_run(untouched_case, monkeypatch):
    from worklists import services

    def refuse(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr(services, "_send", refuse)
    with pytest.raises(OSError):
        digest_send_daily()
    assert not DigestSent.objects.exists()
    monkeypatch.undo()
    mail.outbox.clear()
    assert digest_send_daily().sent == 1
