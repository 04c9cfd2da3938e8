"""Rakornis follow-ups: every caller reads those in its scope; the responsible regency reports
on its own through rakornis' service (FollowUp.writable_by decides, as on the page)."""

from ninja import Query, Router, Status

from api import readlog, schemas
from api.auth import guarded
from api.common import form_data, page_body, page_of, require, valid_form
from audit.records import EditConflict
from pmks_portal import access
from pmks_portal.access import Capability
from rakornis import services as rakornis_services
from rakornis.forms import FollowUpUpdateForm
from rakornis.models import FollowUp

router = Router(tags=["rakornis"])
ERRORS = {400: schemas.Error, 401: schemas.Error, 403: schemas.Error, 404: schemas.Error}


def follow_up_body(follow_up: FollowUp) -> dict:
    recommendation = follow_up.recommendation
    return {
        "id": follow_up.pk,
        "meeting": recommendation.meeting_id,
        "recommendation_number": recommendation.number,
        "recommendation": recommendation.text,
        "regency": follow_up.regency_id,
        "status": follow_up.status,
        "due_on": follow_up.due_on,
        "summary": follow_up.summary,
        "started_on": follow_up.started_on,
        "completed_on": follow_up.completed_on,
        "last_update_on": follow_up.last_update_on,
        "version": follow_up.version,
    }


def _follow_up(request, pk: int, *, write: bool = False) -> FollowUp:
    return access.get_object_for_user(FollowUp.objects.for_list(), request.user, write=write, pk=pk)


@router.get("/follow-ups/", response={200: schemas.FollowUpPage, **ERRORS}, url_name="follow-ups")
def follow_up_list(request, filters: Query[schemas.PersonFilters]):
    """Follow-ups in the caller's scope, the earliest due first; keyset pages."""
    require(request, Capability.READ_RECORDS)
    follow_ups = FollowUp.objects.visible_to(request.user).for_list()
    page = page_of(
        follow_ups, field="due_on", descending=False, after=filters.after, size=filters.size
    )
    readlog.served(request, FollowUp, [f.pk for f in page.rows])
    return page_body(page, [follow_up_body(f) for f in page.rows])


@router.get(
    "/follow-ups/{id:pk}/", response={200: schemas.FollowUp, **ERRORS}, url_name="follow-up"
)
def follow_up_detail(request, pk: int):
    require(request, Capability.READ_RECORDS)
    follow_up = _follow_up(request, pk)
    readlog.served(request, FollowUp, [follow_up.pk])
    return follow_up_body(follow_up)


@router.post(
    "/follow-ups/{id:pk}/updates/",
    response={200: schemas.FollowUp, 409: schemas.Error, **ERRORS},
    url_name="follow-up-updates",
    auth=guarded(Capability.READ_RECORDS, FollowUp, write=True),
)
def follow_up_update(request, pk: int, payload: schemas.FollowUpUpdateIn):
    """The responsible regency reports: the status reached, what was done, when. `version` is
    the follow-up's as read: someone else's save in between is a 409 and nothing is saved."""
    follow_up = request.api_object
    form = valid_form(FollowUpUpdateForm(form_data(payload.dict())))
    try:
        rakornis_services.follow_up_update(
            actor=request.user,
            follow_up=follow_up,
            expected_version=form.cleaned_data["version"],
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            happened_on=form.cleaned_data["happened_on"],
        )
    except EditConflict as conflict:
        return Status(
            409, {"detail": str(conflict), "errors": {"version": [str(conflict.current_version)]}}
        )
    return follow_up_body(_follow_up(request, pk))
