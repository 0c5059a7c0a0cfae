"""Register pages: the form (*blankett*), the coordinator's inbox, the roster on any date,
people, and the export."""

from datetime import date, datetime, timezone

from flask import Response, abort, flash, g, redirect, render_template, request, url_for

from events.errors import Conflict, NotAllowed, NotFound, ValidationError

from ..audit_export import membership_rows, to_csv, to_jsonl
from ..services import services
from ..timeline import person_timeline
from . import bp

APPOINT_ROWS = 2


def _today() -> str:
    return datetime.now(timezone.utc).date().isoformat()


def _signed_in_reader():
    if not g.actor.signed_in:
        return redirect(url_for("pages.sign_in", next=request.full_path.rstrip("?")))
    if not (g.actor.reads_everything or g.actor.role == "member"):
        abort(403)
    return None


def _form_organisations() -> list[dict]:
    organisations = [o for o in services().pages.organisations() if not o["left_on"]]
    if g.actor.curates:
        return organisations
    return [o for o in organisations if o["slug"] == g.actor.organisation]


def _changes_from_form(form) -> list[dict]:
    changes = []
    for n in range(APPOINT_ROWS):
        role, day = form.get(f"appoint-{n}-role", ""), form.get(f"appoint-{n}-from", "").strip()
        existing = form.get(f"appoint-{n}-person_id", "")
        name = form.get(f"appoint-{n}-name", "").strip()
        if not (existing or name):
            continue
        change = {"action": "appoint", "role": role, "from": day}
        if existing:
            change["person_id"] = existing
        else:
            change["person"] = {k: form.get(f"appoint-{n}-{k}", "").strip() for k in ("name", "email", "phone", "title")}
        changes.append(change)
    holder = form.get("end-holder", "")
    if holder:
        role, _, person_id = holder.partition(":")
        changes.append({"action": "end", "role": role, "person_id": person_id, "on": form.get("end-on", "").strip()})
    return changes


@bp.route("/blankett", methods=["GET", "POST"])
def membership_form():
    if not g.actor.signed_in:
        return redirect(url_for("pages.sign_in", next=request.path))
    organisations = _form_organisations()
    if not organisations:
        abort(403)
    slug = request.values.get("organisation") or organisations[0]["slug"]
    if slug not in {o["slug"] for o in organisations}:
        abort(403)
    pages = services().pages
    current = pages.roster(_today(), organisation=slug)
    holders = []
    if current:
        for role in ("representative", "substitute"):
            if current[0][role]:
                holders.append({"role": role, **current[0][role]})
    people = {t["person_id"]: t["person"]["name"] for t in pages.organisation_terms(slug)}
    error, status = None, 200
    if request.method == "POST" and request.form.get("action") == "submit":
        try:
            changes = _changes_from_form(request.form)
            if not changes:
                raise ValidationError("Fyll i minst en ändring.", "changes")
            request_id, position = services().wiki.submit_membership_request(
                g.actor, {"organisation": slug, "note": request.form.get("note", ""), "changes": changes})
        except (ValidationError, NotAllowed, NotFound) as failure:
            error, status = failure.message, 400
        else:
            pages.wait_for(position)
            flash("Blanketten är inskickad till samordnaren.", "ok")
            return redirect(url_for("pages.membership_requests"))
    return render_template("membership_form.html", organisations=organisations, slug=slug, holders=holders,
                           people=people, rows=range(APPOINT_ROWS), form=request.form, error=error,
                           today=_today()), status


@bp.get("/blanketter")
def membership_requests():
    denied = _signed_in_reader()
    if denied:
        return denied
    status = request.args.get("status") or ("submitted" if g.actor.curates else None)
    if status not in (None, "submitted", "approved", "rejected"):
        abort(400)
    organisation = None if g.actor.reads_everything else g.actor.organisation
    names = {o["slug"]: o["name"] for o in services().pages.organisations()}
    return render_template("membership_requests.html", items=services().pages.requests(status, organisation),
                           status=status, names=names)


@bp.post("/blanketter/<request_id>/godkann")
def approve_request(request_id):
    return _decide(request_id, approve=True)


@bp.post("/blanketter/<request_id>/avslag")
def reject_request(request_id):
    return _decide(request_id, approve=False)


def _decide(request_id: str, approve: bool):
    if not g.actor.signed_in:
        return redirect(url_for("pages.sign_in", next=url_for("pages.membership_requests")))
    try:
        if approve:
            position = services().wiki.approve_membership_request(g.actor, request_id)
        else:
            position = services().wiki.reject_membership_request(
                g.actor, request_id, {"reason": request.form.get("reason", "")})
    except NotAllowed:
        abort(403)
    except NotFound:
        abort(404)
    except (ValidationError, Conflict) as failure:
        flash(failure.message, "error")
        return redirect(url_for("pages.membership_requests"))
    services().pages.wait_for(position)
    flash("Blanketten är godkänd och registret uppdaterat." if approve else "Blanketten är avslagen.", "ok")
    return redirect(url_for("pages.membership_requests"))


@bp.get("/register")
def roster():
    denied = _signed_in_reader()
    if denied:
        return denied
    at = request.args.get("at") or _today()
    try:
        date.fromisoformat(at)
        if len(at) != 10:
            raise ValueError
    except ValueError:
        flash("Ange ett datum som ÅÅÅÅ-MM-DD.", "error")
        at = _today()
    return render_template("roster.html", at=at, items=services().pages.roster(at))


@bp.get("/personer/<person_id>")
def person(person_id):
    denied = _signed_in_reader()
    if denied:
        return denied
    found = services().pages.person(person_id) if len(person_id) <= 40 else None
    if found is None:
        abort(404)
    terms = services().pages.person_terms(person_id)
    return render_template("person.html", person=found, terms=terms, timeline=person_timeline(terms))


@bp.get("/register/export.<fmt>")
def export(fmt):
    if not g.actor.signed_in:
        return redirect(url_for("pages.sign_in", next=request.path))
    if not g.actor.reads_everything:
        abort(403)
    if fmt not in ("csv", "jsonl"):
        abort(404)
    rows = membership_rows(services().pages.all_terms())
    body, mimetype = (to_csv(rows), "text/csv") if fmt == "csv" else (to_jsonl(rows), "application/x-ndjson")
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f"attachment; filename=medlemshistorik.{fmt}"})
