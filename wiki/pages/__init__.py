"""Pages for people with a browser, Swedish first."""

from datetime import datetime

from flask import Blueprint, g
from flask_babel import format_datetime

from events import vocabulary

from ..auth import page_actor
from ..services import services

bp = Blueprint("pages", __name__)


@bp.before_request
def identify_and_catch_up():
    services().catch_up()
    g.actor = page_actor()


def swedish_datetime(value: str | None, format: str = "d MMM y HH:mm") -> str:
    if not value:
        return ""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return format_datetime(moment, format)


def register_filters(app) -> None:
    app.jinja_env.filters["datum"] = swedish_datetime
    app.jinja_env.globals.update(
        VIOLENCE_FORMS=vocabulary.VIOLENCE_FORMS, GOALS=vocabulary.GOALS,
        MEASURE_TYPES=vocabulary.MEASURE_TYPES, EVALUATIONS=vocabulary.EVALUATIONS,
        MUNICIPALITIES=vocabulary.MUNICIPALITIES, STATUSES=vocabulary.STATUSES, ROLES=vocabulary.ROLES,
        ORGANISATION_KINDS=vocabulary.ORGANISATION_KINDS,
    )

    @app.context_processor
    def actor_in_templates():
        return {"actor": g.get("actor")}


from . import account, accounts, api_docs, audit, changes, examples, organisations, register, search  # noqa: E402,F401
