"""Everything the portal holds about one person (UU 27/2022 art. 32: the data and its
processing history), gathered in a fixed number of queries, and written as JSON or PDF.

Gathered: the person; their cases with status changes, interventions, the pasung, street-child
and sex-work details, the list of attachments (not their contents), referrals; KUBE
memberships; Rakornis participation (matched by name: participants are not linked to the
registry, so the match is shown as such); legal holds, earlier requests and corrections; and
the audit trail of the person, their cases and memberships: every change and every reading,
with who and when. The portal has no DTSEN link to report.
"""

import io
import json
from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Preformatted, SimpleDocTemplate, Spacer

from audit.models import AuditEvent
from cases.models import Case, Person
from kube.models import KubeMember
from privacy.models import LegalHold, Referral, SubjectCorrection, SubjectRequest
from rakornis.models import Participant, name_key

PERSON_FIELDS = (
    "id", "nik", "kk_number", "name", "sex", "birth_place", "birth_date",
    "birth_date_is_estimate", "address", "regency_id", "village_id", "phone", "guardian_name",
    "guardian_relation", "guardian_phone", "disability", "notes", "merged_into_id",
    "created_at", "updated_at",
)  # fmt: skip
CASE_FIELDS = (
    "id", "category__code", "category__name", "programme", "regency_id", "district_id",
    "village_id", "found_on", "registered_on", "source", "status", "close_reason",
    "status_changed_on", "relapse_count", "notes", "created_at", "updated_at",
)  # fmt: skip


def _row(obj: models.Model, skip=("id", "case", "detail")) -> dict:
    return {
        f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.name not in skip
    }


def collect(person: Person) -> dict:
    """The subject's file as plain data (dates and times as ISO text once serialised)."""
    cases = list(
        Case.objects.filter(person=person)
        .select_related("category", "pasung", "street_child", "sex_work")
        .prefetch_related("transitions__by", "interventions", "attachments", "pasung__events")
        .order_by("registered_on", "pk")
    )
    case_files = []
    for case in cases:
        entry = {field: _value(case, field) for field in CASE_FIELDS}
        entry["status_changes"] = [
            {
                "from": t.from_status,
                "to": t.to_status,
                "on": t.effective_on,
                "relapse": t.is_relapse,
                "reason": t.reason,
                "by": _who(t.by),
                "at": t.at,
            }
            for t in case.transitions.all()
        ]
        entry["interventions"] = [_row(i) for i in case.interventions.all()]
        entry["attachments"] = [
            {
                "name": a.original_name,
                "type": a.content_type,
                "size": a.size,
                "description": a.description,
                "uploaded_at": a.uploaded_at,
            }
            for a in case.attachments.all()
        ]
        for detail in ("pasung", "street_child", "sex_work"):
            found = getattr(case, detail, None)
            if found is not None:
                entry[detail] = _row(found)
                if detail == "pasung":
                    entry[detail]["events"] = [_row(e) for e in found.events.all()]
        case_files.append(entry)
    case_ids = [case.pk for case in cases]
    for referral in Referral.objects.filter(case_id__in=case_ids).select_related("by"):
        next(c for c in case_files if c["id"] == referral.case_id).setdefault(
            "referrals", []
        ).append(
            {
                "agency": referral.agency,
                "shared": referral.shared,
                "purpose": referral.purpose,
                "on": referral.shared_on,
                "by": _who(referral.by),
            }
        )
    memberships = list(
        KubeMember.objects.filter(person=person).select_related("kube").order_by("joined_on")
    )
    targets = (
        Q(target_type="cases.person", target_id=str(person.pk))
        | Q(target_type="cases.case", target_id__in=[str(pk) for pk in case_ids])
        | Q(target_type="kube.kubemember", target_id__in=[str(m.pk) for m in memberships])
    )
    history = [
        {
            "at": event.at,
            "by": _who(event.actor),
            "action": event.action,
            "record": f"{event.target_type}:{event.target_id}",
            "changes": event.changes,
            "reason": event.reason,
        }
        for event in AuditEvent.objects.filter(targets).with_actor().order_by("at", "pk")
    ]
    key = name_key(person.name)
    participation = [
        {
            "meeting": p.meeting.title,
            "role": p.role,
            "institution": p.institution,
            "days_present": [a.day for a in p.attendances.all()],
            "matched_by": "name",
        }
        for p in Participant.objects.filter(name__iexact=person.name)
        .select_related("meeting")
        .prefetch_related("attendances")
        if name_key(p.name) == key
    ]
    return {
        "generated_at": timezone.localtime(),
        "person": {field: getattr(person, field) for field in PERSON_FIELDS},
        "cases": case_files,
        "kube_memberships": [
            {
                "kube": m.kube.name,
                "role": m.role,
                "joined_on": m.joined_on,
                "left_on": m.left_on,
            }
            for m in memberships
        ],
        "rakornis_participation": participation,
        "dtsen_links": [],
        "legal_holds": [
            {"reason": h.reason, "placed_at": h.placed_at, "lifted_at": h.lifted_at}
            for h in LegalHold.objects.filter(person=person)
        ],
        "requests": [
            {"kind": r.kind, "asked_at": r.requested_at, "answered_at": r.answered_at}
            for r in SubjectRequest.objects.filter(person=person)
        ],
        "corrections": [
            {"field": c.field, "was": c.old_value, "now": c.new_value, "at": c.at}
            for c in SubjectCorrection.objects.filter(person=person)
        ],
        "history": history,
        "read_by": sorted(
            {e["by"] for e in history if e["action"] in (AuditEvent.Action.VIEW, "export")} - {None}
        ),
    }


def _value(obj, dotted: str):
    for part in dotted.split("__"):
        obj = getattr(obj, part)
    return obj


def _who(user) -> str | None:
    if user is None:
        return None
    return f"{user.get_full_name() or user.get_username()} ({user.get_username()})"


def _plain(value):
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(type(value).__name__)


def as_json(data: dict) -> bytes:
    return json.dumps(data, default=_plain, ensure_ascii=False, indent=2).encode()


STYLES = getSampleStyleSheet()
BODY = ParagraphStyle("dossier", parent=STYLES["BodyText"], fontSize=8.5, leading=10.5)
LINES = ParagraphStyle("dossier_lines", parent=STYLES["Code"], fontSize=7.5, leading=9)
# Characters per printed line at 7.5 pt Courier across A4 less margins.
LINE_LENGTH = 118
# Lines per block: a block is laid out at once, so blocks keep memory flat on long histories.
BLOCK = 60


def as_pdf(data: dict) -> bytes:
    """The same content as the JSON, section by section, readable on paper.

    Printed as preformatted lines (not paragraphs): a long history of thousands of events is
    laid out in seconds, where paragraphs took most of a minute."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
        bottomMargin=15 * mm, title=_("Personal data file"),
    )  # fmt: skip
    story = [
        Paragraph(escape(_("Personal data file")), STYLES["Title"]),
        Paragraph(
            escape(_("Generated %(when)s WITA (Asia/Makassar)") % {
                "when": data["generated_at"].strftime("%d-%m-%Y %H:%M")
            }),
            BODY,
        ),
    ]  # fmt: skip
    sections = [
        (_("Person"), [data["person"]]),
        (_("Cases"), data["cases"]),
        (_("KUBE memberships"), data["kube_memberships"]),
        (_("Rakornis participation (matched by name)"), data["rakornis_participation"]),
        (_("Legal holds"), data["legal_holds"]),
        (_("Requests"), data["requests"]),
        (_("Corrections"), data["corrections"]),
        (_("History: changes and readings"), data["history"]),
    ]
    for title, items in sections:
        story += [Spacer(1, 4 * mm), Paragraph(escape(title), STYLES["Heading2"])]
        lines = []
        for item in items:
            lines += _lines(item)
            lines.append("")
        for start in range(0, max(len(lines), 1), BLOCK):
            story.append(
                Preformatted(
                    "\n".join(lines[start : start + BLOCK]) or "—",
                    LINES,
                    maxLineLength=LINE_LENGTH,
                    newLineChars="  ",
                )
            )
    doc.build(story)
    return buffer.getvalue()


def _lines(item: dict, depth: int = 0) -> list[str]:
    indent = "  " * depth
    lines = []
    for key, value in item.items():
        if isinstance(value, dict):
            lines.append(f"{indent}{key}:")
            lines += _lines(value, depth + 1)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            lines.append(f"{indent}{key}:")
            for entry in value:
                lines += _lines(entry, depth + 1)
                lines.append("")
        else:
            text = "—" if value is None else json.dumps(value, default=_plain, ensure_ascii=False)
            lines.append(f"{indent}{key}: {text.strip(chr(34))}")
    return lines
