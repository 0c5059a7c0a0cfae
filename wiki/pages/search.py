"""The search page: box, facets with counts, snippets, "Menade du …?"."""

from flask import g, render_template, request, session, url_for
from flask_babel import gettext

from events.errors import ValidationError
from events.messages import N_
from events.readmodel import Behind
from search_index import IndexUnavailable

from ..api import int_arg
from ..i18n import Labels, translate
from ..search_params import search_request
from ..services import services
from . import bp

FACET_LABELS = {"violence_form": N_("Våldsform"), "goal": N_("Nationellt mål"), "organisation": N_("Organisation"),
                "municipality": N_("Kommun"), "target_group": N_("Målgrupp"), "year": N_("År")}


@bp.get("/sok")
def search():
    behind = False
    try:
        search = search_request(request.args, g.actor, int_arg)
    except ValidationError as error:
        return render_template("search.html", error=translate(error.message), result=None, args={},
                               facet_labels=Labels(FACET_LABELS),
                               organisation_names={}), 400
    args = {k: v for k, v in request.args.items() if k in ("q", "sort", *FACET_LABELS)}
    own_write = session.get("last_position")
    try:
        if own_write:
            try:
                services().wait_for_index(int(own_write), timeout=3.0)
            except Behind:
                behind = True
        result = services().searcher.search(search)
    except IndexUnavailable:
        message = gettext("Sökindexet byggs om just nu, så sökningen fungerar inte en liten stund. "
                          "Alla sidor går att läsa som vanligt; försök söka igen om någon minut.")
        page = render_template("search.html", error=message, result=None, args=args,
                               facet_labels=Labels(FACET_LABELS), organisation_names={})
        return page, 503, {"Retry-After": "5"}

    def url_with(**changes):
        merged = {**args, **changes}
        return url_for("pages.search", **{k: v for k, v in merged.items() if v not in (None, "")})

    pages_count = max(1, (result["total"] + search.per_page - 1) // search.per_page)
    return render_template(
        "search.html", result=result, args=args, url_with=url_with, facet_labels=Labels(FACET_LABELS),
        page=search.page, pages_count=pages_count, behind=behind, error=None,
        organisation_names={o["slug"]: o["name"] for o in services().pages.organisations()})
