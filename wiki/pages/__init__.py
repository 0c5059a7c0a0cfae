"""Pages for people with a browser, Swedish first, English on request."""

from flask import Blueprint, g, has_request_context, redirect, request, session, url_for
from flask_babel import gettext

from events import vocabulary
from events.messages import N_
from events.personal_data import ERASED_NAME
from events.readmodel import ERASED_ACCOUNT

from ..auth import page_actor
from ..i18n import LANGUAGES, Labels, current_language, localised_date, localised_datetime
from ..services import services

bp = Blueprint("pages", __name__)

# The content fields of a learning example as the history and the comparison name them.
FIELD_LABELS = {
    "title": N_("Titel"), "summary": N_("Sammanfattning"), "body": N_("Beskrivning"),
    "organisations": N_("Organisationer"), "municipalities": N_("Kommuner"), "violence_forms": N_("Våldsformer"),
    "goals": N_("Nationella mål"), "target_groups": N_("Målgrupper"), "measure_types": N_("Typ av insats"),
    "evaluation": N_("Utvärdering"), "period": N_("Period"), "contact": N_("Kontakt"), "tags": N_("Taggar"),
}


# What a file's own metadata says, as the example page shows it to those who may edit.
META_LABELS = {"author": N_("författare"), "creator": N_("skapad med"), "last_modified_by": N_("senast ändrad av"),
               "producer": N_("framställd med")}


def file_size(size: int) -> str:
    """A file's size in the reader's language: "340 kB", "2,4 MB"."""
    from flask_babel import format_decimal
    if size < 1024 * 1024:
        return f"{format_decimal(max(1, round(size / 1024)))} kB"
    return f"{format_decimal(round(size / (1024 * 1024), 1))} MB"


@bp.before_request
def identify_and_catch_up():
    services().catch_up()
    g.actor = page_actor()


def remember_write(position: int) -> None:
    """The reader's own writes are visible to them at once, in pages and in search."""
    services().pages.wait_for(position)
    session["last_position"] = max(position, int(session.get("last_position") or 0))


def sign_in_first():
    return redirect(url_for("pages.sign_in", next=request.full_path.rstrip("?")))


def person_name(name: str | None) -> str:
    """A person's name as stored, or "raderad person" in the reader's language once erased."""
    return gettext(ERASED_NAME) if name == ERASED_NAME else (name or "")


def actor_name(name: str | None) -> str:
    """Who did something, as the read model keeps it: "raderat konto" in the reader's language."""
    return gettext(ERASED_ACCOUNT) if name == ERASED_ACCOUNT else (name or "")


def meeting_url(meeting_id: str) -> str:
    """A meeting's page (search hits and calendars link to it)."""
    return url_for("pages.meeting", meeting_id=meeting_id)


def register_filters(app) -> None:
    app.jinja_env.filters["datum"] = localised_datetime
    app.jinja_env.filters["dag"] = localised_date
    app.jinja_env.filters["person_name"] = person_name
    app.jinja_env.filters["actor"] = actor_name
    # The vocabularies' labels are translated each time a template reads them.
    app.jinja_env.globals.update(
        VIOLENCE_FORMS=Labels(vocabulary.VIOLENCE_FORMS), GOALS=Labels(vocabulary.GOALS),
        MEASURE_TYPES=Labels(vocabulary.MEASURE_TYPES), EVALUATIONS=Labels(vocabulary.EVALUATIONS),
        MUNICIPALITIES=vocabulary.MUNICIPALITIES, STATUSES=Labels(vocabulary.STATUSES),
        ROLES=Labels(vocabulary.ROLES), ORGANISATION_KINDS=Labels(vocabulary.ORGANISATION_KINDS),
        FIELDS=Labels(FIELD_LABELS), LANGUAGES=LANGUAGES, META_LABELS=Labels(META_LABELS),
    )
    app.jinja_env.filters["filesize"] = file_size

    app.jinja_env.globals["meeting_url"] = meeting_url

    @app.context_processor
    def actor_in_templates():
        return {"actor": g.get("actor"), "language": current_language(), "here": _here()}

    @app.after_request
    def vary_by_language(response):
        """Pages and the feed are in the language of the cookie; the API is not."""
        if not request.path.startswith("/api/"):
            response.vary.add("Cookie")
        return response


def _here() -> str:
    """The current page's path and query, for `next=` of the language links."""
    if not has_request_context():
        return "/"
    return request.full_path.rstrip("?") if request.method == "GET" else request.path


from . import (  # noqa: E402,F401
    account, accounts, api_docs, attachments, attendance, audit, changes, examples, language, meetings, newsletters,
    organisations, register, search, subscriptions, suppression, work,
)
