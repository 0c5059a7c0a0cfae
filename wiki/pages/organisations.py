"""Organisation pages."""

from flask import abort, g, render_template

from ..services import services
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
    _, examples = pages.list_examples(g.actor, filters={"organisation": slug}, per_page=50)
    history = pages.organisation_history(found["id"]) if g.actor.signed_in else []
    return render_template("organisation.html", organisation=found, examples=examples, history=history)
