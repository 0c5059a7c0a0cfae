"""Start page and recent changes."""

from flask import g, render_template

from ..page_cache import anonymous_page
from ..services import services
from . import bp


@bp.get("/")
@anonymous_page
def index():
    _, newest = services().pages.list_examples(g.actor, status="published", per_page=8, total=False)
    drafts = []
    if g.actor.writes:
        _, drafts = services().pages.list_examples(g.actor, status="draft", per_page=8, total=False)
    return render_template("index.html", newest=newest, drafts=drafts)


@bp.get("/andringar")
def recent_changes():
    return render_template("changes.html", changes=services().pages.recent_changes(g.actor, limit=100))
