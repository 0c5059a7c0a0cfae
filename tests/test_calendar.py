"""The iCalendar feed at a secret address: parsed back with `icalendar`, renewed (revoking the old
address), closed with the account, and only its hash in the log."""

from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar


def plan(world, title, day, **extra):
    response = world.api("POST", "/meetings", "eva", json={
        "title": title, "kind": "lansgruppsmote", "date": day, "starts_at": "09:30", "ends_at": "15:00",
        "place": "Länsstyrelsen, Falun", "agenda": [{"title": "Inledning"}, {"title": "Spridning"}], **extra})
    assert response.status_code == 201, response.json
    return response.json["id"]


def feed_url(world, username) -> str:
    response = world.api("POST", "/account/calendar-feed", username)
    assert response.status_code == 201, response.json
    return response.json["url"].split("//", 1)[1].split("/", 1)[1]


def events_of(response) -> dict:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response.headers["Cache-Control"]
    calendar = icalendar.Calendar.from_ical(response.data)
    return {str(e["UID"]).split("@")[0]: e for e in calendar.walk("VEVENT")}


def test_the_feed_holds_the_meetings_in_stockholm_time(world):
    coming = plan(world, "Länsgruppsmöte", "2030-06-10")
    cancelled = plan(world, "Inställt möte", "2030-09-10")
    assert world.api("POST", f"/meetings/{cancelled}/cancel", "eva", json={"reason": "Sjukdom"}).status_code == 200
    url = feed_url(world, "maja")
    events = events_of(world.client.get("/" + url))
    assert set(events) == {coming, cancelled}
    other_host = world.client.get("/" + url, base_url="http://wiki.lansstyrelsen.example")
    assert set(events_of(other_host)) == set(events), "UIDs do not depend on the host asked"
    event = events[coming]
    assert event.decoded("dtstart") == datetime(2030, 6, 10, 9, 30, tzinfo=ZoneInfo("Europe/Stockholm"))
    assert event.decoded("dtend") == datetime(2030, 6, 10, 15, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
    assert str(event["LOCATION"]) == "Länsstyrelsen, Falun"
    assert "Länsgruppsmöte" in str(event["SUMMARY"]) and "1. Inledning" in str(event["DESCRIPTION"])
    assert str(event["STATUS"]) == "CONFIRMED" and str(events[cancelled]["STATUS"]) == "CANCELLED"
    assert f"/moten/{coming}" in str(event["URL"])
    calendar = icalendar.Calendar.from_ical(world.client.get("/" + url).data)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Stockholm"]


def test_renewing_revokes_the_old_address(world):
    plan(world, "Möte", "2030-06-10")
    old = feed_url(world, "maja")
    new = feed_url(world, "maja")
    assert world.client.get("/" + old).status_code == 404
    assert world.client.get("/" + new).status_code == 200
    other = feed_url(world, "olle")
    assert world.client.get("/" + other).status_code == 200 and world.client.get("/" + new).status_code == 200
    assert world.client.get("/kalender/finns-inte.ics").status_code == 404
    assert world.client.get("/kalender/" + "x" * 500 + ".ics").status_code == 404


def test_a_disabled_or_erased_account_has_no_feed(world):
    url = feed_url(world, "maja")
    assert world.wiki.set_account_disabled(world.system, "maja", True, "Slutat")
    assert world.client.get("/" + url).status_code == 404
    world.wiki.set_account_disabled(world.system, "maja", False)
    assert world.client.get("/" + url).status_code == 404, "re-enabled: the old address stays revoked"
    url = feed_url(world, "olle")
    assert world.api("POST", "/accounts/olle/erase", "adam").status_code == 200
    assert world.client.get("/" + url).status_code == 404


def test_only_the_hash_is_in_the_log_and_anonymous_cannot_make_one(world):
    url = feed_url(world, "maja")
    secret = url.rsplit("/", 1)[1].removesuffix(".ics")
    rows = world.wiki.recorder.select_notifications(start=0, limit=10_000)
    assert not any(secret.encode() in row.state for row in rows)
    audit = world.api("GET", "/audit/events?limit=500&type=CalendarFeedRenewed", "gun").json["items"]
    assert len(audit) == 1 and secret not in str(audit)
    assert world.api("POST", "/account/calendar-feed").status_code == 401


def test_the_page_shows_a_new_address_once(world):
    import re
    client = world.browser("maja")
    page = client.get("/konto/prenumerationer").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = client.post("/konto/prenumerationer/kalender", data={"csrf_token": token}).get_data(as_text=True)
    url = re.search(r'id="calendar-url" value="([^"]+)"', answer).group(1)
    assert world.client.get("/" + url.split("//", 1)[1].split("/", 1)[1]).status_code == 200
    assert url not in client.get("/konto/prenumerationer").get_data(as_text=True)
