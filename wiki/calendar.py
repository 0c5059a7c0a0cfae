"""The iCalendar feed (RFC 5545) of the meetings an account may see, at a secret address.

Calendar programs cannot send a bearer token, so each account can make a secret address
(`Wiki.renew_calendar_feed`); only its hash is recorded, and a new one revokes the old. An
unknown, revoked or disabled account's address answers 404, all alike.
"""

from datetime import date, datetime, time, timedelta, timezone
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, current_app, url_for
from icalendar import Calendar, Event, Timezone

from events.meetings import KIND_LABELS
from events.passwords import token_hash

from .services import services

bp = Blueprint("calendar", __name__)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
PAST_DAYS = 400  # meetings from about a year back, and every coming one
SECRET_MAX = 100


def _at(day: str, clock: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time.fromisoformat(clock), tzinfo=STOCKHOLM)


def _host() -> str:
    """The UIDs' host: the configured public address, so a meeting keeps its UID however it is fetched."""
    return urlsplit(current_app.config["PUBLIC_URL"]).hostname or "localhost"


def calendar_of(meetings: list[dict]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Länsgruppen Dalarna//Lärande exempel//SV")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Länsgruppens möten")
    calendar.add("x-wr-timezone", "Europe/Stockholm")
    calendar.add_component(Timezone.from_tzid("Europe/Stockholm"))
    stamp = datetime.now(timezone.utc).replace(microsecond=0)
    host = _host()
    for meeting in meetings:
        event = Event()
        event.add("uid", f"{meeting['id']}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", _at(meeting["date"], meeting["starts_at"]))
        event.add("dtend", _at(meeting["date"], meeting["ends_at"]))
        event.add("summary", f"{meeting['title']} ({KIND_LABELS.get(meeting['kind'], meeting['kind'])} "
                             f"{meeting['number']})")
        event.add("location", meeting["place"])
        link = url_for("pages.meeting", meeting_id=meeting["id"], _external=True)
        agenda = "\n".join(f"{n}. {item['title']}" for n, item in enumerate(meeting.get("agenda") or [], 1))
        event.add("description", f"{agenda}\n\n{link}".strip())
        event.add("url", link)
        event.add("status", "CANCELLED" if meeting["status"] == "cancelled" else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()


@bp.get("/kalender/<secret>.ics")
def feed(secret: str):
    if len(secret) > SECRET_MAX:
        abort(404)
    pages = services().pages
    services().catch_up()
    if pages.calendar_account(token_hash(secret)) is None:
        abort(404)
    since = (datetime.now(timezone.utc).date() - timedelta(days=PAST_DAYS)).isoformat()
    meetings = [pages.meeting_brief(m["id"]) for m in pages.meetings(start=since, limit=1000)]
    response = Response(calendar_of(meetings), mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Content-Disposition"] = 'inline; filename="lansgruppen.ics"'
    return response
