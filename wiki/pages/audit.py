"""Audit pages: the stored event log, filterable, any aggregate's history, and verification
against any number of earlier digests."""

import json
import re

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import gettext

from events.audit import parse_digests

from ..audit_export import log_export_response, stored_events
from ..services import services
from . import bp

PER_PAGE = 50


def _auditor():
    if not g.actor.signed_in:
        return redirect(url_for("pages.sign_in", next=request.full_path.rstrip("?")))
    if not g.actor.reads_everything:
        abort(403)
    return None


@bp.get("/granskning")
def audit_log():
    denied = _auditor()
    if denied:
        return denied
    after = request.args.get("after", "0")
    if not after.isdigit() or len(after) > 12:
        abort(400)
    aggregate = (request.args.get("aggregate") or "").strip().lower() or None
    if aggregate and not re.fullmatch(r"[0-9a-f-]{32,36}", aggregate):
        abort(400)
    filters = {"type": request.args.get("type") or None, "actor": request.args.get("actor") or None}
    items, following = stored_events(services().wiki, int(after), PER_PAGE, filters["type"], filters["actor"],
                                     aggregate)
    for item in items:
        item["data_json"] = json.dumps(item["data"], ensure_ascii=False, indent=1)
    tree = services().audit_tree
    tree.update()
    return render_template("audit_log.html", items=items, following=following, aggregate=aggregate or "",
                           filters=filters, digest=services().audit.digest(),
                           checkpoint=tree.latest() or tree.checkpoint())


@bp.get("/granskning/logg.jsonl")
def audit_log_export():
    denied = _auditor()
    if denied:
        return denied
    return log_export_response()


@bp.route("/granskning/verifiera", methods=["GET", "POST"])
def audit_verify():
    denied = _auditor()
    if denied:
        return denied
    result, error, given = None, None, request.form.get("digest", "")
    if request.method == "POST":
        digests = _digests(given)
        if digests is None:
            error = gettext('Klistra in en digest som {"position": N, "sha256": "…"}.')
        else:
            result = services().audit.verify(digests or None)
    return render_template("audit_verify.html", result=result, error=error, given=given,
                           digest=services().audit.digest()), (400 if error else 200)


def _digests(given: str) -> list[dict] | None:
    """The pasted digests: one JSON object, a list of them, or one object a line; None if that
    is not what was pasted."""
    text = given.strip()
    if not text:
        return []
    try:
        try:
            items = json.loads(text)
        except ValueError:
            items = [json.loads(line) for line in text.splitlines() if line.strip()]
        digests = []
        for item in items if isinstance(items, list) else [items]:
            digest = {"position": int(item["position"]), "sha256": str(item["sha256"])}
            if digest["position"] < 0 or len(digest["sha256"]) != 64:
                raise ValueError
            digests.append(digest)
        parse_digests(digests)
    except (ValueError, KeyError, TypeError, OverflowError, RecursionError):
        return None
    return digests
