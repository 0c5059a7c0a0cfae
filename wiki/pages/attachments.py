"""Attachment pages: upload to an example (with a progress bar when scripts run), download,
thumbnails, remove and destroy."""

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext

from events.attachments import file_findings
from events.errors import DomainError, NotAllowed, NotFound, NotSignedIn

from ..attachments import file_response, received_file, thumbnail_response
from ..i18n import translate
from ..services import services
from . import bp, remember_write as _remember_write, sign_in_first as _sign_in_first

TYPE_ICONS = {
    "application/pdf": "PDF", "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.oasis.opendocument.text": "ODT",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "image/png": "PNG", "image/jpeg": "JPEG",
}


def _readable(attachment_id: str) -> dict:
    found = services().pages.readable_attachment(g.actor, attachment_id) if len(attachment_id) <= 64 else None
    if found is None or found[0]["destroyed"]:
        abort(404)
    return found[0]


@bp.get("/bilagor/<attachment_id>")
def attachment_file(attachment_id):
    attachment = _readable(attachment_id)
    try:
        return file_response(attachment)
    except NotFound:
        abort(404)


@bp.get("/bilagor/<attachment_id>/miniatyr")
def attachment_thumbnail(attachment_id):
    attachment = _readable(attachment_id)
    data = services().wiki.file_thumbnail(attachment["sha256"])
    if data is None:
        abort(404)
    return thumbnail_response(data)


def _back(slug: str):
    return _to(url_for("pages.example", slug=slug) + "#bilagor")


def _to(target: str):
    """A redirect to `target`; for the upload script (which would follow a redirect itself and so
    use up the page's message) a 204 naming it in `X-Location`."""
    if request.headers.get("X-Requested-With") == "XMLHttpRequest":
        return "", 204, {"X-Location": target}
    return redirect(target)


def _back_to(owner: dict):
    if owner["kind"] == "meeting":
        return _to(url_for("pages.meeting", meeting_id=owner["id"]) + "#bilagor")
    return _back(owner["slug"])


def _command(run, back, done):
    """Runs `run()` for a signed-in reader (it returns a position, or what `add_…attachment` returns),
    makes the write visible to them and says `done(result)`; a refusal is a message on `back`."""
    if not g.actor.signed_in:
        return _sign_in_first()
    try:
        result = run()
    except NotFound:
        abort(404)
    except (NotAllowed, NotSignedIn):
        abort(403)
    except DomainError as error:
        flash(translate(error.message), "error")
        return back
    _remember_write(getattr(result, "position", result))
    flash(done(result), "ok")
    return back


def _uploaded(attach):
    with received_file() as (path, name):
        return attach(path, name)


def _added(written) -> str:
    return (gettext("Bilagan %(name)s är tillagd.", name=written.name) if written.created
            else gettext("Filen finns redan bland bilagorna."))


def _meeting_files(meeting_id: str):
    return _to(url_for("pages.meeting", meeting_id=meeting_id) + "#bilagor")


@bp.post("/exempel/<slug>/bilagor")
def upload_attachment(slug):
    return _command(lambda: _uploaded(lambda path, name: services().wiki.add_attachment(g.actor, slug, path, name)),
                    _back(slug), _added)


@bp.post("/exempel/<slug>/bilagor/<attachment_id>/ta-bort")
def remove_attachment(slug, attachment_id):
    return _command(lambda: services().wiki.remove_attachment(g.actor, slug, attachment_id), _back(slug),
                    lambda _: gettext("Bilagan är borttagen från exemplet. Äldre versioner visar den fortfarande."))


@bp.post("/bilagor/<attachment_id>/forstor")
def destroy_attachment(attachment_id):
    if not g.actor.signed_in:
        return _sign_in_first()
    found = services().pages.readable_attachment(g.actor, attachment_id) if len(attachment_id) <= 64 else None
    if found is None:
        abort(404)
    attachment, owner = found
    reason = {"reason": request.form.get("reason", "")}
    return _command(lambda: services().wiki.destroy_file(g.actor, attachment["sha256"], reason), _back_to(owner),
                    lambda _: gettext("Filen är förstörd: dess innehåll, text och namn går inte att läsa längre."))


@bp.post("/moten/<meeting_id>/bilagor")
def upload_meeting_attachment(meeting_id):
    return _command(lambda: _uploaded(
        lambda path, name: services().wiki.add_meeting_attachment(g.actor, meeting_id, path, name)),
        _meeting_files(meeting_id), _added)


@bp.post("/moten/<meeting_id>/bilagor/<attachment_id>/ta-bort")
def remove_meeting_attachment(meeting_id, attachment_id):
    return _command(lambda: services().wiki.remove_meeting_attachment(g.actor, meeting_id, attachment_id),
                    _meeting_files(meeting_id), lambda _: gettext("Bilagan är borttagen från mötet."))


def attachment_findings(items: list[dict]) -> list:
    """The identification check over the listed files that have been read (`attachment_listing` read
    them for those who may edit)."""
    return [finding for item in items if item.get("extracted") is not None
            for finding in file_findings(item["name"], item["extracted"])]


def attachment_listing(example_id: str, version: int | None, may_edit: bool, current: bool) -> list[dict]:
    """The attachments the example page lists, with what the extraction found about each file
    for those who may edit it (the author and creator the file names, or that it could not be read)."""
    items = services().pages.attachments(g.actor, example_id, None if current else version)
    return _listed(items, may_edit and current)


def meeting_files(meeting_id: str) -> list[dict]:
    """The files the meeting page lists (its readers are signed in)."""
    return _listed(services().pages.meeting_attachments(meeting_id), g.actor.curates)


def _listed(items: list[dict], with_metadata: bool) -> list[dict]:
    wiki = services().wiki
    for item in items:
        item["icon"] = TYPE_ICONS.get(item["type"], "")
        item["image"] = item["type"] in ("image/png", "image/jpeg") and not item["destroyed"]
        if with_metadata and not item["destroyed"]:
            item["extracted"] = extracted = wiki.file_text(item["sha256"])
            item["reading"] = extracted is None
            item["unreadable"] = extracted is not None and extracted.status != "ok"
            item["meta"] = dict(extracted.meta) if extracted is not None else {}
    return items
