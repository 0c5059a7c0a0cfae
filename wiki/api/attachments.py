"""/api/v1 attachments: upload to an example or a meeting, list, download, remove, destroy."""

from flask import g, jsonify

from events.errors import NotFound, NotSignedIn

from ..attachments import file_response, received_file
from ..services import services
from . import bp, json_body
from .examples import _readable_row


def _attachment(attachment_id: str) -> tuple[dict, dict]:
    """The attachment (by id or SHA-256) and its example, if the reader may read it; else 404."""
    found = services().pages.readable_attachment(g.actor, attachment_id) if len(attachment_id) <= 64 else None
    if found is None:
        raise NotFound("Bilagan finns inte.")
    return found


def _uploaded(attach):
    """201 with the new attachment, or 200 with the one the owner already had for the same content."""
    with received_file() as (path, name):
        written = attach(path, name)
    response = jsonify(written.as_dict())
    response.status_code = 201 if written.created else 200
    return response


@bp.post("/examples/<slug>/attachments")
def upload_attachment(slug):
    return _uploaded(lambda path, name: services().wiki.add_attachment(g.actor, slug, path, name))


@bp.get("/examples/<slug>/attachments")
def list_attachments(slug):
    row = _readable_row(slug)
    items = services().pages.attachments(g.actor, row["id"])
    return jsonify({"items": items, "position": services().pages.position()})


@bp.post("/meetings/<meeting_id>/attachments")
def upload_meeting_attachment(meeting_id):
    return _uploaded(lambda path, name: services().wiki.add_meeting_attachment(g.actor, meeting_id, path, name))


@bp.get("/meetings/<meeting_id>/attachments")
def list_meeting_attachments(meeting_id):
    if not g.actor.signed_in:
        raise NotSignedIn("Logga in först.")
    meeting = services().wiki.get_meeting(meeting_id)
    items = services().pages.meeting_attachments(str(meeting.id))
    return jsonify({"items": items, "position": services().pages.position()})


@bp.delete("/meetings/<meeting_id>/attachments/<attachment_id>")
def remove_meeting_attachment(meeting_id, attachment_id):
    position = services().wiki.remove_meeting_attachment(g.actor, meeting_id, attachment_id)
    return jsonify({"id": attachment_id, "removed": True, "position": position})


@bp.get("/attachments/<attachment_id>")
def download_attachment(attachment_id):
    attachment, _example = _attachment(attachment_id)
    if attachment["destroyed"]:
        raise NotFound("Bilagan är förstörd.")
    return file_response(attachment)


@bp.delete("/examples/<slug>/attachments/<attachment_id>")
def remove_attachment(slug, attachment_id):
    position = services().wiki.remove_attachment(g.actor, slug, attachment_id)
    return jsonify({"id": attachment_id, "removed": True, "position": position})


@bp.post("/attachments/<attachment_id>/destroy")
def destroy_attachment(attachment_id):
    data = json_body()
    attachment, _example = _attachment(attachment_id)
    position = services().wiki.destroy_file(g.actor, attachment["sha256"], data)
    return jsonify({"id": attachment["id"], "sha256": attachment["sha256"], "destroyed": True, "position": position})
