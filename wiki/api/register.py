"""/api/v1/membership-requests, /roster, /people: the membership register."""

from datetime import datetime, timezone

from flask import g, jsonify, request

from events.errors import NotAllowed, NotFound, NotSignedIn, ValidationError
from events.validation import iso_date

from ..services import services
from . import bp, int_arg, json_body

STATUSES = ("submitted", "approved", "rejected")


def today() -> str:
    return datetime.now(timezone.utc).date().isoformat()


def _signed_in() -> None:
    if not g.actor.signed_in:
        raise NotSignedIn("Logga in för att se registret.")


def _reads_register() -> None:
    _signed_in()
    if not (g.actor.reads_everything or g.actor.role == "member"):
        raise NotAllowed("Din roll får inte se registret.")


@bp.post("/membership-requests")
def submit_request():
    request_id, position = services().wiki.submit_membership_request(g.actor, json_body())
    response = jsonify({"id": request_id, "status": "submitted", "position": position})
    response.status_code = 201
    return response


@bp.get("/membership-requests")
def list_requests():
    _reads_register()
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES:
        raise ValidationError("status: submitted, approved eller rejected.", "status")
    organisation = None if g.actor.reads_everything else g.actor.organisation
    limit = int_arg("limit", 200, cap=1000)
    return jsonify({"items": services().pages.requests(status, organisation, limit),
                    "position": services().pages.position()})


def _readable_request(request_id: str) -> dict:
    _reads_register()
    found = services().pages.request(request_id) if len(request_id) <= 40 else None
    if found is None or not (g.actor.reads_everything or found["organisation"] == g.actor.organisation):
        raise NotFound("Blanketten finns inte.")
    return found


@bp.get("/membership-requests/<request_id>")
def read_request(request_id):
    return jsonify(_readable_request(request_id))


@bp.post("/membership-requests/<request_id>/approve")
def approve_request(request_id):
    json_body(required=False)
    position = services().wiki.approve_membership_request(g.actor, request_id)
    return jsonify({"id": request_id, "status": "approved", "position": position})


@bp.post("/membership-requests/<request_id>/reject")
def reject_request(request_id):
    position = services().wiki.reject_membership_request(g.actor, request_id, json_body())
    return jsonify({"id": request_id, "status": "rejected", "position": position})


def at_param() -> str:
    raw = request.args.get("at")
    return today() if raw in (None, "") else iso_date(raw, "at")


@bp.get("/roster")
def roster():
    _reads_register()
    at = at_param()
    return jsonify({"at": at, "items": services().pages.roster(at), "position": services().pages.position()})


@bp.get("/people/<person_id>")
def read_person(person_id):
    _reads_register()
    person = services().pages.person(person_id) if len(person_id) <= 40 else None
    if person is None:
        raise NotFound("Personen finns inte.")
    return jsonify(_person_json(person))


def _person_json(person: dict) -> dict:
    return {"person_id": person["id"], "name": person["name"], "email": person["email"],
            "phone": person["phone"], "title": person["title"], "erased": bool(person["erased"])}


@bp.post("/people/<person_id>/erase")
def erase_person(person_id):
    """Admins only: the person's key is destroyed; history keeps "raderad person"."""
    json_body(required=False)
    position = services().wiki.erase_person(g.actor, person_id)
    services().pages.wait_for(position)
    return jsonify({"person_id": person_id, "erased": True, "position": position})


@bp.get("/people/<person_id>/history")
def person_history(person_id):
    _reads_register()
    person = services().pages.person(person_id) if len(person_id) <= 40 else None
    if person is None:
        raise NotFound("Personen finns inte.")
    return jsonify({"person": _person_json(person), "items": services().pages.person_terms(person_id)})
