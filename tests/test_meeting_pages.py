"""The meeting pages through Flask's test client, CSRF on: anonymous readers are sent to sign in,
members read without write forms, coordinators plan, record attendance and write minutes through
the forms, bad input reads as a message on the page, and approval locks the minutes."""

import re
from datetime import date, timedelta

import pytest

from tests.test_meetings import appoint
from tests.test_pages import csrf_token


@pytest.fixture
def county(world):
    """Falun's representative and substitute, Mora's representative; ulla, a second coordinator."""
    world.anna = appoint(world, "falu-kommun", "representative", "Anna Ankdal", "2020-01-01")
    world.siv = appoint(world, "falu-kommun", "substitute", "Siv Svandal", "2020-01-01")
    world.mats = appoint(world, "mora-kommun", "representative", "Mats Mossberg", "2020-01-01")
    world.account("ulla", "coordinator")
    return world


def plan(world, day="2024-02-29", title="Länsgruppsmöte i februari", **extra):
    body = {"title": title, "kind": "lansgruppsmote", "date": day, "starts_at": "09:00", "ends_at": "15:00",
            "place": "Länsstyrelsen, Falun",
            "agenda": [{"title": "Inledning", "text": "Välkomna, **alla**.<script>alert(1)</script>"},
                       {"title": "Spridning", "text": ""}], **extra}
    response = world.api("POST", "/meetings", "eva", json=body)
    assert response.status_code == 201, response.json
    return response.json["id"]


class Browser:
    """A signed-in test client that posts forms with the page's CSRF token."""

    def __init__(self, world, username):
        self.client = world.browser(username)
        self.token = csrf_token(self.client, "/moten")

    def get(self, path):
        return self.client.get(path)

    def post(self, path, **fields):
        return self.client.post(path, data={"csrf_token": self.token, **fields})

    def text(self, path):
        response = self.client.get(path)
        assert response.status_code == 200, response.status_code
        return response.get_data(as_text=True)


def text_of(response) -> str:
    """The page's text without tags, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


MINUTES_FORM = {"base_version": "0", "text-0": "Mötet öppnades.", "decisions-0": "Dagordningen godkändes.",
                "text-1": "Om spridning.", "decisions-1": "Falun sprider exemplet.\n\nMora läser det.",
                "task-1-0-title": "Sprida exemplet om skyddat boende", "task-1-0-organisation": "falu-kommun",
                "task-1-0-due": "2024-06-30", "task-1-1-title": "", "task-1-1-organisation": "", "task-1-1-due": ""}


def test_anonymous_readers_are_sent_to_sign_in(county):
    meeting_id = plan(county)
    for path in ("/moten", "/moten/ny", f"/moten/{meeting_id}"):
        response = county.client.get(path)
        assert response.status_code == 302 and response.location.startswith("/logga-in"), path
    page = county.client.get("/").get_data(as_text=True)
    assert 'href="/moten"' not in page
    token = csrf_token(county.client, "/logga-in")
    before = county.wiki.position()
    response = county.client.post(f"/moten/{meeting_id}/narvaro",
                                  data={"csrf_token": token, "status-falu-kommun": "absent"})
    assert response.status_code == 302 and response.location.startswith("/logga-in")
    assert county.wiki.position() == before


def test_a_member_reads_the_meeting_but_sees_no_write_forms(county):
    meeting_id = plan(county)
    county.api("PUT", f"/meetings/{meeting_id}/attendance", "eva",
               json={"items": [{"organisation": "falu-kommun", "status": "representative"}]})
    maja = Browser(county, "maja")
    listing = maja.text("/moten")
    assert 'href="/moten"' in listing, "the menu links to the meetings"
    assert f'href="/moten/{meeting_id}"' in listing and "Tidigare möten" in listing
    assert "Planera möte" not in listing
    page = maja.text(f"/moten/{meeting_id}")
    assert "Länsgruppsmöte i februari" in page and "2024:1" in page and "länsgruppsmöte" in page
    assert "Välkomna, <strong>alla</strong>." in page and "<script>alert" not in page
    assert "Anna Ankdal" in page and "Siv Svandal" in page and "ordinarie ombud" in page
    assert "genomfört" in page, "attendance on the day marks the meeting held"
    for form in ('name="status-', "Spara närvaron", "Spara protokollet", "Justera protokollet", "Ställ in mötet"):
        assert form not in page, form
    assert maja.get("/moten/ny").status_code == 403
    before = county.wiki.position()
    assert maja.post(f"/moten/{meeting_id}/narvaro", **{"status-mora-kommun": "absent"}).status_code == 403
    assert maja.post(f"/moten/{meeting_id}/protokoll", **MINUTES_FORM).status_code == 403
    assert county.wiki.position() == before
    assert maja.get("/moten/8c3f7a52-0000-4000-8000-000000000000").status_code == 404


def test_an_auditor_reads_without_write_forms(county):
    meeting_id = plan(county)
    page = Browser(county, "gun").text(f"/moten/{meeting_id}")
    assert "Länsgruppsmöte i februari" in page and "Spara närvaron" not in page


def test_a_coordinator_plans_a_meeting_through_the_form(county):
    eva = Browser(county, "eva")
    assert "Planera möte" in eva.text("/moten")
    form = eva.text("/moten/ny")
    assert 'name="agenda-2-title"' in form and 'name="agenda-3-title"' not in form
    day = (date.today() + timedelta(days=40)).isoformat()
    more = eva.post("/moten/ny", title="Höstmöte", **{"agenda-0-title": "Inledning", "agenda-0-text": "",
                                                      "agenda-1-title": "", "agenda-1-text": "",
                                                      "agenda-2-title": "", "agenda-2-text": "", "action": "rows"})
    assert more.status_code == 200 and 'name="agenda-5-title"' in more.get_data(as_text=True)
    assert 'value="Höstmöte"' in more.get_data(as_text=True)
    response = eva.post("/moten/ny", title="Höstmöte", kind="lansgruppsmote", working_group="", date=day,
                        starts_at="09:30", ends_at="12:00", place="https://möte.example/lansgruppen",
                        **{"agenda-0-title": "Inledning", "agenda-0-text": "Ordförande öppnar.",
                           "agenda-1-title": "", "agenda-1-text": "",
                           "agenda-2-title": "Uppdrag", "agenda-2-text": "Från förra mötet."})
    assert response.status_code == 302, response.get_data(as_text=True)
    meeting_id = response.location.rsplit("/", 1)[1]
    meeting = county.api("GET", f"/meetings/{meeting_id}", "maja").json
    assert (meeting["title"], meeting["date"], meeting["starts_at"], meeting["kind"]) == (
        "Höstmöte", day, "09:30", "lansgruppsmote")
    assert meeting["agenda"] == [{"title": "Inledning", "text": "Ordförande öppnar."},
                                 {"title": "Uppdrag", "text": "Från förra mötet."}]
    page = eva.text(response.location)
    assert "Mötet är planerat." in page and "planerat" in page
    assert '<a href="https://möte.example/lansgruppen">' in page
    listing = eva.text("/moten")
    coming = listing.split("Kommande möten", 2)[2].split("Tidigare möten")[0]
    assert f'href="/moten/{meeting_id}"' in coming


@pytest.mark.parametrize("change, message", [
    ({"ends_at": "08:00"}, "Slutar: mötet måste sluta efter att det börjar."),
    ({"date": "2101-01-01"}, "Datum: ange ett datum mellan 1900-01-01 och 2100-12-31."),
    ({"title": ""}, "Rubrik: får inte vara tomt."),
    ({"kind": "arbetsgruppsmote"}, "Arbetsgrupp: ett arbetsgruppsmöte hör till en arbetsgrupp."),
    ({"agenda-0-title": "", "agenda-0-text": "Text utan rubrik"}, "Punkt 1, Rubrik: får inte vara tomt."),
])
def test_a_bad_plan_reads_as_a_message_and_records_nothing(county, change, message):
    eva = Browser(county, "eva")
    before = county.wiki.position()
    fields = {"title": "Vårmöte", "kind": "lansgruppsmote", "date": "2024-04-10", "starts_at": "09:00",
              "ends_at": "15:00", "place": "Falun", "agenda-0-title": "Inledning", "agenda-0-text": "", **change}
    response = eva.post("/moten/ny", **fields)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in text_of(response) and 'role="alert"' in page
    assert 'value="Falun"' in page, "what was typed stays in the form"
    assert county.wiki.position() == before


def test_a_coordinator_records_attendance_through_the_form(county):
    meeting_id = plan(county)
    eva = Browser(county, "eva")
    page = eva.text(f"/moten/{meeting_id}")
    assert "ordinarie ombud (Anna Ankdal)" in page and "ersättare (Siv Svandal)" in page
    before = county.wiki.position()
    refused = eva.post(f"/moten/{meeting_id}/narvaro", **{"status-falu-kommun": "representative",
                                                          "status-mora-kommun": "other", "person-mora-kommun": ""})
    assert refused.status_code == 400
    assert "Mora kommun, Vem deltog: ange vem som deltog." in text_of(refused)
    assert county.wiki.position() == before
    nothing = eva.post(f"/moten/{meeting_id}/narvaro", **{"status-falu-kommun": "", "status-mora-kommun": ""})
    assert nothing.status_code == 400 and "Välj närvaro för minst en organisation." in text_of(nothing)
    response = eva.post(f"/moten/{meeting_id}/narvaro", **{"status-falu-kommun": "representative",
                                                           "status-mora-kommun": "other",
                                                           "person-mora-kommun": county.siv})
    assert response.status_code == 302 and response.location.endswith(f"/moten/{meeting_id}#narvaro")
    attendance = {item["organisation"]["slug"]: item
                  for item in county.api("GET", f"/meetings/{meeting_id}", "maja").json["attendance"]}
    assert (attendance["falu-kommun"]["status"], attendance["falu-kommun"]["person_id"]) == ("representative",
                                                                                             county.anna)
    assert (attendance["mora-kommun"]["status"], attendance["mora-kommun"]["person_id"]) == ("other", county.siv)
    page = text_of(eva.get(f"/moten/{meeting_id}"))
    assert "Närvaron är sparad." in page and "genomfört" in page


def test_an_erased_person_who_attended_reads_as_erased(county):
    meeting_id = plan(county)
    county.api("PUT", f"/meetings/{meeting_id}/attendance", "eva",
               json={"items": [{"organisation": "falu-kommun", "status": "representative"}]})
    assert county.api("POST", f"/people/{county.anna}/erase", "adam").status_code == 200
    page = Browser(county, "maja").text(f"/moten/{meeting_id}")
    assert "Anna Ankdal" not in page and "raderad person" in page


def write_minutes(browser, meeting_id, **changes):
    return browser.post(f"/moten/{meeting_id}/protokoll", **{**MINUTES_FORM, **changes})


def test_a_coordinator_writes_minutes_with_numbered_decisions_and_tasks(county):
    meeting_id = plan(county)
    eva = Browser(county, "eva")
    assert "Skriv protokoll" in eva.text(f"/moten/{meeting_id}")
    more = eva.post(f"/moten/{meeting_id}/protokoll", **MINUTES_FORM, action="rows")
    assert more.status_code == 200 and 'name="task-1-4-title"' in more.get_data(as_text=True)
    assert county.api("GET", f"/meetings/{meeting_id}", "maja").json["minutes"] is None
    response = eva.post(f"/moten/{meeting_id}/protokoll", **MINUTES_FORM)
    assert response.status_code == 302 and response.location.endswith("#protokoll")
    minutes = county.api("GET", f"/meetings/{meeting_id}", "maja").json["minutes"]
    assert [[d["text"] for d in item["decisions"]] for item in minutes["items"]] == [
        ["Dagordningen godkändes."], ["Falun sprider exemplet.", "Mora läser det."]]
    assert [(t["title"], t["organisation"], t["due"]) for t in minutes["items"][1]["tasks"]] == [
        ("Sprida exemplet om skyddat boende", "falu-kommun", "2024-06-30")]
    page = text_of(Browser(county, "maja").get(f"/moten/{meeting_id}"))
    assert "Protokollet är sparat" not in page, "the flash is the writer's"
    for shown in ("2024:1 §1 Dagordningen godkändes.", "2024:1 §3 Mora läser det.",
                  "Sprida exemplet om skyddat boende", "Falu kommun (er organisation)", "2024-06-30", "öppet",
                  "Inte justerat än."):
        assert shown in page, shown
    writer = eva.text(f"/moten/{meeting_id}")
    assert "Protokollet är sparat (version 1)." in writer
    assert "Justera protokollet" not in writer, "the writer does not approve their own minutes"
    assert 'name="base_version" value="1"' in writer and ">Mötet öppnades.</textarea>" in writer


def test_stale_minutes_read_as_a_conflict_and_keep_the_text(county):
    meeting_id = plan(county)
    ulla = Browser(county, "ulla")
    assert write_minutes(Browser(county, "eva"), meeting_id).status_code == 302
    before = county.wiki.position()
    response = write_minutes(ulla, meeting_id, **{"text-0": "Min egen text."})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Protokollet har ändrats sedan version 0; nu är det version 1." in text_of(response)
    assert ">Min egen text.</textarea>" in page and 'name="base_version" value="1"' in page
    assert county.wiki.position() == before


def test_bad_minutes_read_as_a_message_and_record_nothing(county):
    meeting_id = plan(county)
    eva = Browser(county, "eva")
    before = county.wiki.position()
    response = write_minutes(eva, meeting_id, **{"task-1-0-due": "2101-01-01"})
    assert response.status_code == 400
    assert ("Punkt 2, Uppdrag 1, Klart senast: ange ett datum mellan 1900-01-01 och 2100-12-31."
            in text_of(response))
    assert 'value="Sprida exemplet om skyddat boende"' in response.get_data(as_text=True)
    response = write_minutes(eva, meeting_id, **{"task-1-0-organisation": ""})
    assert response.status_code == 400
    assert "Punkt 2, Uppdrag 1, Ansvarig organisation: okänd organisation." in text_of(response)
    assert county.wiki.position() == before


def test_a_second_coordinator_approves_then_the_minutes_are_corrected_with_a_reason(county):
    meeting_id = plan(county)
    eva, ulla = Browser(county, "eva"), Browser(county, "ulla")
    write_minutes(eva, meeting_id)
    before = county.wiki.position()
    own = eva.post(f"/moten/{meeting_id}/justera", version="1")
    assert own.status_code == 403
    assert "Protokollet justeras av någon annan än den som skrev det." in text_of(own)
    assert county.wiki.position() == before
    assert "Justera protokollet" in ulla.text(f"/moten/{meeting_id}")
    response = ulla.post(f"/moten/{meeting_id}/justera", version="1")
    assert response.status_code == 302
    page = ulla.text(f"/moten/{meeting_id}")
    assert "Protokollet är justerat och låst." in page
    assert re.search(r"Justerat av ulla den \d", text_of(ulla.get(f"/moten/{meeting_id}")))
    page = eva.text(f"/moten/{meeting_id}")
    for gone in ("Spara protokollet", "Justera protokollet", f"/moten/{meeting_id}/protokoll"):
        assert gone not in page, gone
    assert "Rätta protokollet" in page and 'name="reason"' in page
    locked = write_minutes(eva, meeting_id, **{"base_version": "1"})
    assert locked.status_code == 409
    assert "Protokollet är justerat och låst; rätta det med ett skäl." in text_of(locked)
    no_reason = eva.post(f"/moten/{meeting_id}/rattelse", **{**MINUTES_FORM, "base_version": "1", "reason": ""})
    assert no_reason.status_code == 400 and "Skäl till rättelsen: får inte vara tomt." in text_of(no_reason)
    response = eva.post(f"/moten/{meeting_id}/rattelse", **{**MINUTES_FORM, "base_version": "1",
                                                           "reason": "Fel datum i uppdraget.",
                                                           "task-1-0-due": "2024-08-31"})
    assert response.status_code == 302
    page = text_of(Browser(county, "maja").get(f"/moten/{meeting_id}"))
    assert "Version 1 : skriven av eva" in page and "Justerad av ulla" in page
    assert "Version 2 : rättad av eva" in page and "Skäl: Fel datum i uppdraget." in page
    history = page.split("Protokollets versioner", 1)[1]
    assert history.index("2024-06-30") < history.index("2024-08-31"), "both versions' tasks are in the history"
    current = page.split("Protokollets versioner", 1)[0]
    assert "2024-08-31" in current and "2024-06-30" not in current


def test_approval_of_a_version_the_coordinator_has_not_read_is_refused(county):
    meeting_id = plan(county)
    ulla = Browser(county, "ulla")
    write_minutes(Browser(county, "eva"), meeting_id)
    write_minutes(Browser(county, "adam"), meeting_id, base_version="1", **{"text-0": "Ändrat av adam."})
    before = county.wiki.position()
    response = ulla.post(f"/moten/{meeting_id}/justera", version="1")
    assert response.status_code == 409
    assert "nu är det version 2. Läs det och justera igen." in text_of(response)
    assert county.wiki.position() == before


def test_a_coordinator_cancels_a_planned_meeting(county):
    meeting_id = plan(county, (date.today() + timedelta(days=10)).isoformat())
    eva = Browser(county, "eva")
    assert "Ställ in mötet" in eva.text(f"/moten/{meeting_id}")
    assert eva.post(f"/moten/{meeting_id}/installa", reason="För få anmälda.").status_code == 302
    page = text_of(eva.get(f"/moten/{meeting_id}"))
    assert "Mötet är inställt." in page and "inställt" in page and "För få anmälda." in page
    assert "Spara närvaron" not in page and "Skriv protokoll" not in page and "Ställ in mötet" not in page
    before = county.wiki.position()
    response = eva.post(f"/moten/{meeting_id}/narvaro", **{"status-falu-kommun": "absent"})
    assert response.status_code == 409 and "Mötet är inställt." in text_of(response)
    assert county.wiki.position() == before


def test_a_working_group_meeting_is_planned_with_its_group(county):
    county.api("POST", "/working-groups", "eva", json={
        "name": "Arbetsgruppen för hedersrelaterat våld", "convenor": "mora-kommun", "start": "2024-01-01"})
    eva = Browser(county, "eva")
    assert "Arbetsgruppen för hedersrelaterat våld" in eva.text("/moten/ny")
    response = eva.post("/moten/ny", title="Arbetsgruppsmöte", kind="arbetsgruppsmote",
                        working_group="arbetsgruppen-for-hedersrelaterat-vald", date="2024-03-15",
                        starts_at="13:00", ends_at="15:00", place="Mora")
    assert response.status_code == 302, text_of(response)
    page = eva.get(response.location)
    assert "arbetsgruppsmöte: Arbetsgruppen för hedersrelaterat våld" in text_of(page)
    rows = re.findall(r'<th scope="row">([^<]+)</th>', page.get_data(as_text=True))
    assert rows == ["Mora kommun"], "only the group's members are expected"
    if "pages.working_group" in county.app.view_functions:
        assert 'href="/arbetsgrupper/arbetsgruppen-for-hedersrelaterat-vald"' in page.get_data(as_text=True)


def test_the_pages_are_in_english_on_request(county):
    meeting_id = plan(county)
    eva = Browser(county, "eva")
    eva.get("/sprak/en?next=/moten")
    page = eva.text(f"/moten/{meeting_id}")
    assert "Agenda" in page or "agenda" in page
    assert "Dagordning" not in page and "planerat" not in page
