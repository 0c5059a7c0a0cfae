"""Register pages: the form (*blankett*), the coordinator's inbox, the roster on any date,
people, and the export."""

import re
from datetime import date, datetime, timezone

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from events.errors import Conflict, NotAllowed, NotFound, ValidationError
from events.messages import Message, N_, msg
from events.personal_data import ERASED_NOTE

from ..audit_export import membership_rows, to_csv, to_jsonl
from ..i18n import translate
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


def _changes_from_form(form) -> tuple[list[dict], list]:
    """The form's changes in the API's shape, and for each the part of the form it came from."""
    changes, parts = [], []
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
        parts.append(msg("Utnämning %(n)s", n=n + 1))
    holder = form.get("end-holder", "")
    if holder:
        role, _, person_id = holder.partition(":")
        changes.append({"action": "end", "role": role, "person_id": person_id, "on": form.get("end-on", "").strip()})
        parts.append(msg("Avslut"))
    return changes, parts


# The fields of a change as the form labels them, for errors that name them by the API's path.
CHANGE_FIELDS = {"from": N_("Från och med (ÅÅÅÅ-MM-DD)"), "on": N_("Sista dag (ÅÅÅÅ-MM-DD)"), "role": N_("Roll"),
                 "person.name": N_("Namn"), "person.email": N_("E-post"), "person.phone": N_("Telefon"),
                 "person.title": N_("Titel")}
CHANGE_FIELD = re.compile(r"changes\[(\d+)\]\.([\w.]+)")


def _form_error(failure, parts: list) -> str:
    """The error as the form shows it: "Avslut, Sista dag (ÅÅÅÅ-MM-DD): …", not "changes[1].on: …"."""
    message = failure.message
    found = CHANGE_FIELD.fullmatch(str(message.params.get("field", ""))) if isinstance(message, Message) else None
    if found and int(found.group(1)) < len(parts) and found.group(2) in CHANGE_FIELDS:
        where = f"{translate(parts[int(found.group(1))])}, {_(CHANGE_FIELDS[found.group(2)])}"
        message = Message(message.template, **{**message.params, "field": where})
    return translate(message)


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
            changes, parts = _changes_from_form(request.form)
            if not changes:
                raise ValidationError(msg("Fyll i minst en ändring."), "changes")
            request_id, position = services().wiki.submit_membership_request(
                g.actor, {"organisation": slug, "note": request.form.get("note", ""), "changes": changes})
        except (ValidationError, NotAllowed, NotFound) as failure:
            error, status = _form_error(failure, parts), 400
        else:
            pages.wait_for(position)
            flash(_("Blanketten är inskickad till samordnaren."), "ok")
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
    items = [{**item, "note_erased": item["note"] == ERASED_NOTE}
             for item in services().pages.requests(status, organisation)]
    return render_template("membership_requests.html", items=items, status=status, names=names)


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
        flash(translate(failure.message), "error")
        return redirect(url_for("pages.membership_requests"))
    services().pages.wait_for(position)
    flash(_("Blanketten är godkänd och registret uppdaterat.") if approve else _("Blanketten är avslagen."), "ok")
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
        flash(_("Ange ett datum som ÅÅÅÅ-MM-DD."), "error")
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


@bp.post("/personer/<person_id>/radera")
def erase_person(person_id):
    """Admins erase a person's data: the key is destroyed, the roles stay as "raderad person"."""
    if not g.actor.signed_in:
        return redirect(url_for("pages.sign_in", next=url_for("pages.person", person_id=person_id)))
    if g.actor.role != "admin":
        abort(403)
    if request.form.get("confirm") != "ja":
        flash(_("Kryssa i rutan för att bekräfta raderingen."), "error")
        return redirect(url_for("pages.person", person_id=person_id))
    try:
        position = services().wiki.erase_person(g.actor, person_id)
    except NotFound:
        abort(404)
    except Conflict as failure:
        flash(translate(failure.message), "error")
        return redirect(url_for("pages.person", person_id=person_id))
    services().pages.wait_for(position)
    flash(_("Personuppgifterna är raderade. Uppdragen står kvar som \"raderad person\"."), "ok")
    return redirect(url_for("pages.person", person_id=person_id))


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
