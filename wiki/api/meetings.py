"""/api/v1/working-groups, /meetings, /tasks, /attendance: the county group's own work.
Signed-in users read; coordinators and admins write (a task's organisation follows it up)."""

from datetime import datetime, timezone

from flask import g, jsonify, request

from events.errors import NotFound, NotSignedIn, ValidationError
from events.meetings import TASK_STATUSES
from events.messages import msg
from events.validation import iso_date

from ..services import services
from . import bp, int_arg, json_body


def signed_in() -> None:
    if not g.actor.signed_in:
        raise NotSignedIn(msg("Logga in för att se länsgruppens möten."))


def created(body: dict):
    response = jsonify(body)
    response.status_code = 201
    return response


def _date_arg(name: str) -> str | None:
    raw = request.args.get(name)
    return None if raw in (None, "") else iso_date(raw, name)


def readable_meeting(meeting_id: str) -> dict:
    signed_in()
    found = services().pages.meeting(meeting_id) if len(meeting_id) <= 40 else None
    if found is None:
        raise NotFound(msg("Mötet finns inte."))
    return found


# ---- working groups ----------------------------------------------------------------------

@bp.post("/working-groups")
def create_working_group():
    slug, position = services().wiki.create_working_group(g.actor, json_body())
    return created({"slug": slug, "position": position})


@bp.get("/working-groups")
def list_working_groups():
    signed_in()
    return jsonify({"items": services().pages.working_groups(), "position": services().pages.position()})


@bp.get("/working-groups/<slug>")
def read_working_group(slug):
    signed_in()
    group = services().pages.working_group(slug) if len(slug) <= 120 else None
    if group is None:
        raise NotFound(msg("Arbetsgruppen finns inte."))
    pages = services().pages
    group.pop("mandate_html", None)
    group["meetings"] = pages.meetings(working_group=slug)
    group["open_tasks"] = pages.tasks(status="open", working_group=slug)
    return jsonify(group)


@bp.put("/working-groups/<slug>")
def change_working_group(slug):
    position = services().wiki.change_working_group(g.actor, slug, json_body())
    return jsonify({"slug": slug, "position": position})


# ---- meetings ------------------------------------------------------------------------------

@bp.post("/meetings")
def plan_meeting():
    meeting_id, position = services().wiki.plan_meeting(g.actor, json_body())
    return created({"id": meeting_id, "position": position})


@bp.get("/meetings")
def list_meetings():
    signed_in()
    start, end = _date_arg("from"), _date_arg("to")
    if start and end and end < start:
        raise ValidationError(msg("to: kan inte komma före from."), "to")
    group = request.args.get("working_group") or None
    limit = int_arg("limit", 500, cap=1000)
    return jsonify({"items": services().pages.meetings(start, end, group, limit),
                    "position": services().pages.position()})


@bp.get("/meetings/<meeting_id>")
def read_meeting(meeting_id):
    return jsonify(readable_meeting(meeting_id))


@bp.put("/meetings/<meeting_id>")
def change_meeting(meeting_id):
    position = services().wiki.change_meeting(g.actor, meeting_id, json_body())
    return jsonify({"id": meeting_id, "position": position})


@bp.post("/meetings/<meeting_id>/cancel")
def cancel_meeting(meeting_id):
    position = services().wiki.cancel_meeting(g.actor, meeting_id, json_body(required=False))
    return jsonify({"id": meeting_id, "status": "cancelled", "position": position})


@bp.get("/meetings/<meeting_id>/history")
def meeting_history(meeting_id):
    meeting = readable_meeting(meeting_id)
    pages = services().pages
    return jsonify({"id": meeting["id"], "items": pages.meeting_history(meeting["id"]),
                    "minutes_versions": pages.minutes_versions(meeting["id"])})


@bp.put("/meetings/<meeting_id>/attendance")
def record_attendance(meeting_id):
    position = services().wiki.record_attendance(g.actor, meeting_id, json_body())
    return jsonify({"id": meeting_id, "position": position})


@bp.put("/meetings/<meeting_id>/minutes")
def write_minutes(meeting_id):
    version, position = services().wiki.write_minutes(g.actor, meeting_id, json_body())
    return jsonify({"id": meeting_id, "version": version, "position": position})


@bp.post("/meetings/<meeting_id>/minutes/corrections")
def correct_minutes(meeting_id):
    version, position = services().wiki.correct_minutes(g.actor, meeting_id, json_body())
    return jsonify({"id": meeting_id, "version": version, "position": position})


@bp.post("/meetings/<meeting_id>/minutes/approve")
def approve_minutes(meeting_id):
    position = services().wiki.approve_minutes(g.actor, meeting_id, json_body(required=False))
    return jsonify({"id": meeting_id, "approved": True, "position": position})


# ---- tasks and attendance -------------------------------------------------------------------

@bp.get("/tasks")
def list_tasks():
    signed_in()
    status = request.args.get("status") or None
    if status is not None and status not in TASK_STATUSES:
        raise ValidationError(msg("status: open, done eller cancelled."), "status")
    organisation = request.args.get("organisation") or None
    return jsonify({"items": services().pages.tasks(organisation, status), "position": services().pages.position()})


@bp.put("/tasks/<task_id>")
def follow_up_task(task_id):
    signed_in()
    task = services().pages.task(task_id) if len(task_id) <= 40 else None
    if task is None:
        raise NotFound(msg("Uppdraget finns inte."))
    position = services().wiki.follow_up_task(g.actor, task["meeting_id"], task_id, json_body())
    return jsonify({"id": task_id, "position": position})


@bp.get("/attendance")
def attendance():
    signed_in()
    year = int_arg("year", datetime.now(timezone.utc).year, minimum=1900, maximum=2100)
    summary = services().pages.attendance_year(year)
    return jsonify({"year": year, "items": summary["items"], "position": services().pages.position()})
