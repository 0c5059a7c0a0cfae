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
    return redirect(url_for("pages.example", slug=slug) + "#bilagor")


@bp.post("/exempel/<slug>/bilagor")
def upload_attachment(slug):
    if not g.actor.signed_in:
        return _sign_in_first()
    try:
        with received_file() as (path, name):
            written = services().wiki.add_attachment(g.actor, slug, path, name)
    except NotFound:
        abort(404)
    except (NotAllowed, NotSignedIn):
        abort(403)
    except DomainError as error:
        flash(translate(error.message), "error")
        return _back(slug)
    _remember_write(written.position)
    flash(gettext("Bilagan %(name)s är tillagd.", name=written.name) if written.created
          else gettext("Filen finns redan bland bilagorna."), "ok")
    return _back(slug)


@bp.post("/exempel/<slug>/bilagor/<attachment_id>/ta-bort")
def remove_attachment(slug, attachment_id):
    if not g.actor.signed_in:
        return _sign_in_first()
    try:
        position = services().wiki.remove_attachment(g.actor, slug, attachment_id)
    except NotFound:
        abort(404)
    except (NotAllowed, NotSignedIn):
        abort(403)
    except DomainError as error:
        flash(translate(error.message), "error")
        return _back(slug)
    _remember_write(position)
    flash(gettext("Bilagan är borttagen från exemplet. Äldre versioner visar den fortfarande."), "ok")
    return _back(slug)


@bp.post("/bilagor/<attachment_id>/forstor")
def destroy_attachment(attachment_id):
    if not g.actor.signed_in:
        return _sign_in_first()
    found = services().pages.readable_attachment(g.actor, attachment_id) if len(attachment_id) <= 64 else None
    if found is None:
        abort(404)
    attachment, example = found
    try:
        position = services().wiki.destroy_file(g.actor, attachment["sha256"], {"reason": request.form.get("reason", "")})
    except (NotAllowed, NotSignedIn):
        abort(403)
    except DomainError as error:
        flash(translate(error.message), "error")
        return _back(example["slug"])
    _remember_write(position)
    flash(gettext("Filen är förstörd: dess innehåll, text och namn går inte att läsa längre."), "ok")
    return _back(example["slug"])


def attachment_findings(items: list[dict]) -> list:
    """The identification check over the listed files that have been read (see `attachment_listing`)."""
    wiki = services().wiki
    findings = []
    for item in items:
        if not item["destroyed"] and not item.get("reading", True):
            findings += file_findings(item["name"], wiki.file_text(item["sha256"]))
    return findings


def attachment_listing(example_id: str, version: int | None, may_edit: bool, current: bool) -> list[dict]:
    """The attachments the example page lists, with what the extraction found about each file
    for those who may edit it (the author and creator the file names, or that it could not be read)."""
    wiki = services().wiki
    items = services().pages.attachments(g.actor, example_id, None if current else version)
    for item in items:
        item["icon"] = TYPE_ICONS.get(item["type"], "")
        item["image"] = item["type"] in ("image/png", "image/jpeg") and not item["destroyed"]
        if may_edit and current and not item["destroyed"]:
            extracted = wiki.file_text(item["sha256"])
            item["reading"] = extracted is None
            item["unreadable"] = extracted is not None and extracted.status != "ok"
            item["meta"] = dict(extracted.meta) if extracted is not None else {}
    return items
