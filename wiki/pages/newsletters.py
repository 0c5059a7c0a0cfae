"""The newsletter "Nytt från länsgruppen": coordinators compose an issue from what was published
and decided since the last one, preview it and send it; signed-in users read the archive."""

from flask import abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext

from events.errors import DomainError

from ..i18n import translate
from ..services import services
from . import bp


def _signed_in():
    if not g.actor.signed_in:
        return redirect(url_for("pages.sign_in", next=request.path))
    return None


@bp.get("/nyhetsbrev")
def newsletters():
    if (denied := _signed_in()) is not None:
        return denied
    return render_template("newsletters.html", issues=services().pages.newsletters())


@bp.get("/nyhetsbrev/<int:number>")
def newsletter(number):
    if (denied := _signed_in()) is not None:
        return denied
    issue = services().pages.newsletter(number) if 0 < number < 100_000 else None
    if issue is None:
        abort(404)
    return render_template("newsletter.html", issue=issue)


@bp.route("/nyhetsbrev/ny", methods=["GET", "POST"])
def compose_newsletter():
    """The form, its preview, and sending: an issue of the items the coordinator picked."""
    if (denied := _signed_in()) is not None:
        return denied
    if not g.actor.curates:
        abort(403)
    candidates = services().pages.newsletter_candidates()
    if request.method == "GET":
        return render_template("newsletter_form.html", candidates=candidates, introduction="",
                               picked_examples={e["slug"] for e in candidates["examples"]},
                               picked_decisions={f"{d['meeting_id']}|{d['number']}" for d in candidates["decisions"]},
                               preview=None, error=None)
    introduction = request.form.get("introduction", "")
    slugs = request.form.getlist("examples")
    decisions = [value.split("|", 1) for value in request.form.getlist("decisions") if "|" in value]
    data = {"introduction": introduction, "examples": slugs,
            "decisions": [{"meeting": meeting, "number": number} for meeting, number in decisions]}
    form = dict(candidates=candidates, introduction=introduction, picked_examples=set(slugs),
                picked_decisions={f"{m}|{n}" for m, n in decisions})
    if request.form.get("action") != "send":
        preview = {"introduction": introduction,
                   "examples": [e for e in candidates["examples"] if e["slug"] in set(slugs)],
                   "decisions": [d for d in candidates["decisions"]
                                 if f"{d['meeting_id']}|{d['number']}" in form["picked_decisions"]]}
        return render_template("newsletter_form.html", preview=preview, error=None, **form)
    try:
        number, position = services().wiki.issue_newsletter(g.actor, data)
    except DomainError as error:
        return render_template("newsletter_form.html", preview=None, error=translate(error.message), **form), 400
    session["last_position"] = position
    flash(gettext("Nyhetsbrev nr %(number)s är skickat till alla som valt att få det.", number=number), "ok")
    return redirect(url_for("pages.newsletter", number=number))
