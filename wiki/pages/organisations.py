"""Organisation pages."""

from datetime import datetime, timezone

from flask import abort, g, render_template

from ..services import services
from ..timeline import organisation_timeline
from . import bp


@bp.get("/organisationer")
def organisations():
    return render_template("organisations.html", organisations=services().pages.organisations())


@bp.get("/organisationer/<slug>")
def organisation(slug):
    pages = services().pages
    found = pages.organisation(slug)
    if found is None:
        abort(404)
    _, examples = pages.list_examples(g.actor, filters={"organisation": slug}, per_page=50, total=False)
    terms, roster = [], None
    if g.actor.signed_in:
        terms = pages.organisation_terms(slug)
        rows = pages.roster(datetime.now(timezone.utc).date().isoformat(), organisation=slug)
        roster = rows[0] if rows else None
    return render_template("organisation.html", organisation=found, examples=examples, terms=terms,
                           roster=roster, timeline=organisation_timeline(terms))
