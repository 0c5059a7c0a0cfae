"""Meetings and working groups: role rules, attendance from the roster on the date, minutes
locked after approval, tasks, erasure of a person who attended, and bad input."""

import pytest

from events.permissions import Actor

EVA = Actor("eva", "coordinator", None)
MAJA = Actor("maja", "member", "falu-kommun")


def appoint(world, organisation, role, name, start):
    """A person appointed to `role` from `start`, by an approved form; their id."""
    request_id, _ = world.wiki.submit_membership_request(EVA, {
        "organisation": organisation,
        "changes": [{"action": "appoint", "role": role, "from": start,
                     "person": {"name": name, "email": "", "phone": "", "title": ""}}]})
    world.wiki.approve_membership_request(EVA, request_id)
    return world.wiki.get_membership_request(request_id).changes[0]["person_id"]


@pytest.fixture
def county(world):
    """Falun with a representative who changes on 2024-03-01, and Mora with one throughout;
    a second coordinator to approve minutes."""
    world.anna = appoint(world, "falu-kommun", "representative", "Anna Ankdal", "2020-01-01")
    world.siv = appoint(world, "falu-kommun", "substitute", "Siv Svandal", "2020-01-01")
    world.bo = appoint(world, "falu-kommun", "representative", "Bo Björkdal", "2024-03-01")
    world.mats = appoint(world, "mora-kommun", "representative", "Mats Mossberg", "2020-01-01")
    world.account("ulla", "coordinator")
    return world


def plan(world, day="2024-02-29", username="eva", **extra):
    body = {"title": "Länsgruppsmöte", "kind": "lansgruppsmote", "date": day, "starts_at": "09:00",
            "ends_at": "15:00", "place": "Länsstyrelsen, Falun",
            "agenda": [{"title": "Inledning", "text": "Välkomna."}, {"title": "Uppdrag", "text": ""}], **extra}
    response = world.api("POST", "/meetings", username, json=body)
    assert response.status_code == 201, response.json
    return response.json["id"]


def read(world, meeting_id, username="maja"):
    response = world.api("GET", f"/meetings/{meeting_id}", username)
    assert response.status_code == 200, response.json
    return response.json


def attendance_of(meeting, slug):
    return next(item for item in meeting["attendance"] if item["organisation"]["slug"] == slug)


MINUTES = {"base_version": 0, "items": [
    {"agenda_index": 0, "text": "Mötet öppnades.", "decisions": [{"text": "Dagordningen godkändes."}]},
    {"agenda_index": 1, "text": "Spridning.", "decisions": [{"text": "Falun sprider exemplet."}],
     "tasks": [{"title": "Sprida exemplet om skyddat boende", "organisation": "falu-kommun", "due": "2024-06-30"}]}]}


# ---- role rules -----------------------------------------------------------------------------

def test_coordinators_write_members_and_auditors_read_anonymous_get_nothing(county):
    meeting_id = plan(county)
    assert county.api("GET", f"/meetings/{meeting_id}").status_code == 401
    assert county.api("GET", "/meetings").status_code == 401
    assert county.api("GET", "/working-groups").status_code == 401
    assert county.api("GET", "/tasks").status_code == 401
    assert county.api("GET", "/attendance?year=2024").status_code == 401
    for reader in ("maja", "olle", "gun", "adam"):
        assert read(county, meeting_id, reader)["title"] == "Länsgruppsmöte"
    before = county.wiki.position()
    for writer in ("maja", "gun"):
        assert county.api("POST", "/meetings", writer, json={"title": "X"}).status_code == 403
        assert county.api("PUT", f"/meetings/{meeting_id}/attendance", writer,
                          json={"items": [{"organisation": "mora-kommun", "status": "absent"}]}).status_code == 403
        assert county.api("PUT", f"/meetings/{meeting_id}/minutes", writer, json=MINUTES).status_code == 403
        assert county.api("POST", "/working-groups", writer,
                          json={"name": "G", "convenor": "falu-kommun"}).status_code == 403
    assert county.api("POST", "/meetings", None, json={"title": "X"}).status_code == 401
    assert county.wiki.position() == before


def test_a_meeting_reads_back_as_planned_with_a_number(county):
    first = plan(county, "2024-02-29")
    second = plan(county, "2024-05-20")
    meeting = read(county, second)
    assert meeting["number"] == "2024:2" and read(county, first)["number"] == "2024:1"
    assert meeting["status"] == "planned" and meeting["version"] == 0 and meeting["minutes"] is None
    assert meeting["agenda"][0] == {"title": "Inledning", "text": "Välkomna."}
    listed = county.api("GET", "/meetings?from=2024-03-01&to=2024-12-31", "maja").json["items"]
    assert [m["id"] for m in listed] == [second]


# ---- attendance from the roster ---------------------------------------------------------------

def test_attendance_is_expected_from_the_roster_on_the_date(county):
    before = read(county, plan(county, "2024-02-29"))
    after = read(county, plan(county, "2024-03-01"))
    falun_before = attendance_of(before, "falu-kommun")["expected"]
    falun_after = attendance_of(after, "falu-kommun")["expected"]
    assert [(p["role"], p["name"]) for p in falun_before] == [("representative", "Anna Ankdal"),
                                                               ("substitute", "Siv Svandal")]
    assert [(p["role"], p["name"]) for p in falun_after] == [("representative", "Bo Björkdal"),
                                                              ("substitute", "Siv Svandal")]
    assert attendance_of(before, "mora-kommun")["status"] is None


def test_recording_attendance_fills_in_the_representative_of_that_day(county):
    meeting_id = plan(county, "2024-02-29")
    response = county.api("PUT", f"/meetings/{meeting_id}/attendance", "eva", json={"items": [
        {"organisation": "falu-kommun", "status": "representative"},
        {"organisation": "mora-kommun", "status": "absent_notified"}]})
    assert response.status_code == 200, response.json
    meeting = read(county, meeting_id)
    assert attendance_of(meeting, "falu-kommun")["person_id"] == county.anna
    assert attendance_of(meeting, "falu-kommun")["status"] == "representative"
    assert attendance_of(meeting, "mora-kommun")["status"] == "absent_notified"
    assert meeting["status"] == "held"
    later = plan(county, "2024-03-01")
    county.api("PUT", f"/meetings/{later}/attendance", "eva",
               json={"items": [{"organisation": "falu-kommun", "status": "representative"}]})
    assert attendance_of(read(county, later), "falu-kommun")["person_id"] == county.bo


def test_attendance_counts_per_organisation_and_year(county):
    for day, falun in (("2024-02-29", "representative"), ("2024-05-20", "absent"), ("2024-09-10", "substitute")):
        meeting_id = plan(county, day)
        county.api("PUT", f"/meetings/{meeting_id}/attendance", "eva", json={"items": [
            {"organisation": "falu-kommun", "status": falun}, {"organisation": "mora-kommun", "status": "absent"}]})
    plan(county, "2024-11-11")  # planned, not held: not counted
    items = {i["organisation"]: i for i in county.api("GET", "/attendance?year=2024", "olle").json["items"]}
    assert (items["falu-kommun"]["held"], items["falu-kommun"]["attended"]) == (3, 2)
    assert (items["mora-kommun"]["held"], items["mora-kommun"]["attended"]) == (3, 0)


@pytest.mark.parametrize("item, field", [
    ({"organisation": "okand", "status": "absent"}, "items[0].organisation"),
    ({"organisation": "falu-kommun", "status": "late"}, "items[0].status"),
    ({"organisation": "falu-kommun", "status": "other"}, "items[0].person_id"),
    ({"organisation": "falu-kommun", "status": "other", "person_id": "8c3f7a52-0000-4000-8000-000000000000"},
     "items[0].person_id"),
    ({"organisation": "falu-kommun", "status": "absent", "person_id": "x"}, "items[0].person_id"),
])
def test_bad_attendance_is_refused_and_changes_nothing(county, item, field):
    meeting_id = plan(county)
    before = county.wiki.position()
    response = county.api("PUT", f"/meetings/{meeting_id}/attendance", "eva", json={"items": [item]})
    assert response.status_code == 400, response.json
    assert response.json["error"]["field"] == field
    assert county.wiki.position() == before


def test_an_organisation_that_was_not_a_member_that_day_cannot_attend(county):
    county.organisation("Leksands kommun", "kommun", "Leksand", joined_on="2024-06-01")
    meeting_id = plan(county, "2024-05-31")
    response = county.api("PUT", f"/meetings/{meeting_id}/attendance", "eva",
                          json={"items": [{"organisation": "leksands-kommun", "status": "absent"}]})
    assert response.status_code == 400
    assert all(item["organisation"]["slug"] != "leksands-kommun" for item in read(county, meeting_id)["attendance"])


def test_someone_else_from_the_register_may_attend(county):
    meeting_id = plan(county)
    response = county.api("PUT", f"/meetings/{meeting_id}/attendance", "eva", json={"items": [
        {"organisation": "mora-kommun", "status": "other", "person_id": county.siv}]})
    assert response.status_code == 200
    item = attendance_of(read(county, meeting_id), "mora-kommun")
    assert (item["status"], item["person_id"], item["person_name"]) == ("other", county.siv, "Siv Svandal")


@pytest.mark.parametrize("change, field", [
    ({"date": "1899-12-31"}, "date"), ({"date": "2101-01-01"}, "date"), ({"date": "2024-02-30"}, "date"),
    ({"ends_at": "08:00"}, "ends_at"), ({"starts_at": "25:00"}, "starts_at"), ({"kind": "fika"}, "kind"),
    ({"title": ""}, "title"), ({"working_group": "okand"}, "working_group"), ({"place": None}, "place"),
    ({"agenda": [{"text": "utan rubrik"}]}, "agenda[0].title"), ({"extra": 1}, "extra"),
])
def test_a_bad_plan_is_refused_and_changes_nothing(county, change, field):
    body = {"title": "Möte", "kind": "lansgruppsmote", "date": "2024-02-29", "starts_at": "09:00",
            "ends_at": "15:00", "place": "Falun", "agenda": [], **change}
    county.token("eva")
    before = county.wiki.position()
    response = county.api("POST", "/meetings", "eva", json=body)
    assert response.status_code == 400, response.json
    assert response.json["error"]["field"] == field
    assert county.wiki.position() == before


# ---- minutes ------------------------------------------------------------------------------------

def test_minutes_are_numbered_approved_by_another_coordinator_and_then_locked(county):
    meeting_id = plan(county)
    response = county.api("PUT", f"/meetings/{meeting_id}/minutes", "eva", json=MINUTES)
    assert response.status_code == 200, response.json
    assert response.json["version"] == 1
    minutes = read(county, meeting_id)["minutes"]
    assert [d["number"] for item in minutes["items"] for d in item["decisions"]] == ["2024:1 §1", "2024:1 §2"]
    assert county.api("POST", f"/meetings/{meeting_id}/minutes/approve", "eva").status_code == 403
    stale = county.api("PUT", f"/meetings/{meeting_id}/minutes", "eva", json=MINUTES)
    assert stale.status_code == 409 and stale.json["error"]["code"] == "edit_conflict"
    assert county.api("POST", f"/meetings/{meeting_id}/minutes/approve", "ulla").status_code == 200
    meeting = read(county, meeting_id)
    assert meeting["minutes"]["locked"] and meeting["minutes"]["approved_by"] == "ulla"
    before = county.wiki.position()
    locked = county.api("PUT", f"/meetings/{meeting_id}/minutes", "eva", json={**MINUTES, "base_version": 1})
    assert locked.status_code == 409 and locked.json["error"]["code"] == "locked"
    assert county.wiki.position() == before
    correction = {"base_version": 1, "reason": "Fel datum i uppdraget.",
                  "items": [{**MINUTES["items"][0]}, {**MINUTES["items"][1], "tasks": [
                      {"title": "Sprida exemplet om skyddat boende", "organisation": "falu-kommun",
                       "due": "2024-08-31"}]}]}
    response = county.api("POST", f"/meetings/{meeting_id}/minutes/corrections", "eva", json=correction)
    assert response.status_code == 200, response.json
    history = county.api("GET", f"/meetings/{meeting_id}/history", "maja").json
    versions = history["minutes_versions"]
    assert [(v["version"], v["change"], v["reason"]) for v in versions] == [
        (1, "minutes_written", ""), (2, "minutes_corrected", "Fel datum i uppdraget.")]
    assert versions[0]["items"][1]["tasks"][0]["due"] == "2024-06-30"
    assert versions[1]["items"][1]["tasks"][0]["due"] == "2024-08-31"
    assert [h["change"] for h in history["items"]][-3:] == ["minutes_written", "minutes_approved",
                                                             "minutes_corrected"]


def test_tasks_are_listed_for_their_organisation_and_followed_up(county):
    meeting_id = plan(county)
    county.api("PUT", f"/meetings/{meeting_id}/minutes", "eva", json=MINUTES)
    tasks = county.api("GET", "/tasks?organisation=falu-kommun&status=open", "maja").json["items"]
    assert [(t["title"], t["due"], t["meeting"]) for t in tasks] == [
        ("Sprida exemplet om skyddat boende", "2024-06-30", meeting_id)]
    assert county.api("GET", "/tasks?organisation=mora-kommun", "maja").json["items"] == []
    task_id = tasks[0]["id"]
    assert county.api("PUT", f"/tasks/{task_id}", "olle", json={"status": "done"}).status_code == 403
    assert county.api("PUT", f"/tasks/{task_id}", "maja", json={"status": "finished"}).status_code == 400
    later = plan(county, "2024-05-20")
    response = county.api("PUT", f"/tasks/{task_id}", "maja", json={"status": "done", "meeting": later,
                                                                      "note": "Spritt i alla förvaltningar."})
    assert response.status_code == 200, response.json
    assert county.api("GET", "/tasks?organisation=falu-kommun&status=open", "maja").json["items"] == []
    assert county.api("GET", "/tasks?status=done", "gun").json["items"][0]["id"] == task_id


def test_a_task_for_an_unknown_organisation_is_refused(county):
    meeting_id = plan(county)
    bad = {"base_version": 0, "items": [{"agenda_index": 1, "text": "", "tasks": [
        {"title": "Något", "organisation": "okand", "due": "2024-06-30"}]}]}
    county.token("eva")
    before = county.wiki.position()
    response = county.api("PUT", f"/meetings/{meeting_id}/minutes", "eva", json=bad)
    assert response.status_code == 400 and response.json["error"]["field"] == "items[0].tasks[0].organisation"
    bad["items"][0]["agenda_index"] = 7
    assert county.api("PUT", f"/meetings/{meeting_id}/minutes", "eva", json=bad).status_code == 400
    assert county.wiki.position() == before


# ---- working groups ------------------------------------------------------------------------------

def test_a_working_group_meets_with_its_members_over_time(county):
    county.organisation("Kvinnojouren Mora", "ideell", "Mora")
    response = county.api("POST", "/working-groups", "eva", json={
        "name": "Arbetsgruppen för hedersrelaterat våld", "mandate": "## Uppdrag\n\nTa fram en rutin.",
        "convenor": "mora-kommun", "members": ["falu-kommun"], "start": "2024-01-01"})
    assert response.status_code == 201, response.json
    slug = response.json["slug"]
    response = county.api("PUT", f"/working-groups/{slug}", "eva",
                          json={"members": ["mora-kommun", "kvinnojouren-mora"], "on": "2024-04-01"})
    assert response.status_code == 200, response.json
    march = plan(county, "2024-03-15", kind="arbetsgruppsmote", working_group=slug, title="Arbetsgruppsmöte")
    may = plan(county, "2024-05-15", kind="arbetsgruppsmote", working_group=slug, title="Arbetsgruppsmöte")
    assert {i["organisation"]["slug"] for i in read(county, march)["attendance"]} == {"mora-kommun", "falu-kommun"}
    assert {i["organisation"]["slug"] for i in read(county, may)["attendance"]} == {"mora-kommun",
                                                                                   "kvinnojouren-mora"}
    refused = county.api("PUT", f"/meetings/{may}/attendance", "eva",
                         json={"items": [{"organisation": "falu-kommun", "status": "absent"}]})
    assert refused.status_code == 400
    group = county.api("GET", f"/working-groups/{slug}", "maja").json
    assert group["members"] == ["kvinnojouren-mora", "mora-kommun"]
    assert [(m["organisation"]["slug"], m["to"]) for m in group["members_over_time"]
            if m["organisation"]["slug"] == "falu-kommun"] == [("falu-kommun", "2024-03-31")]
    assert [m["id"] for m in group["meetings"]] == [march, may]
    assert read(county, march)["number"] == "2024:1"  # numbered in the group's own series
    before_start = county.api("POST", "/meetings", "eva", json={
        "title": "För tidigt", "kind": "arbetsgruppsmote", "working_group": slug, "date": "2023-12-31",
        "starts_at": "09:00", "ends_at": "10:00", "place": "Mora"})
    assert before_start.status_code == 400 and before_start.json["error"]["field"] == "date"


# ---- erasure ------------------------------------------------------------------------------------------

def test_an_erased_person_who_attended_reads_as_erased(county):
    meeting_id = plan(county)
    county.api("PUT", f"/meetings/{meeting_id}/attendance", "eva",
               json={"items": [{"organisation": "falu-kommun", "status": "representative"}]})
    assert county.api("POST", f"/people/{county.anna}/erase", "adam").status_code == 200
    item = attendance_of(read(county, meeting_id), "falu-kommun")
    assert item["person_id"] == county.anna and item["person_name"] == "raderad person"
    assert all(p["name"] != "Anna Ankdal" for p in item["expected"])
    page = county.browser("maja").get(f"/moten/{meeting_id}")
    if page.status_code == 200:
        assert "Anna Ankdal" not in page.get_data(as_text=True)


def test_meeting_events_are_in_the_audit_log(county):
    meeting_id = plan(county)
    county.api("PUT", f"/meetings/{meeting_id}/minutes", "eva", json=MINUTES)
    events = county.api("GET", "/audit/events?limit=500", "gun").json["items"]
    topics = [e.get("topic") or e.get("type") for e in events]
    assert any("Meeting.Planned" in str(t) for t in topics)
    written = next(e for e in events if e["type"] == "Meeting.MinutesWritten")
    assert written["data"]["text"] == "[krypterat]"
    assert written["data"]["content"]["items"][1]["tasks"][0]["organisation"] == "falu-kommun"
    rows = county.wiki.recorder.select_notifications(start=0, limit=1000)
    assert not any(b"Sprida exemplet" in row.state for row in rows), "the minutes are sealed in the log"
    assert county.api("POST", "/audit/verify", "gun").json["ok"] is True


# ---- search --------------------------------------------------------------------------------------------

def search(world, q, username=None, **params):
    response = world.api("GET", "/search", username,
                         query_string={"q": q, "min_position": world.wiki.position(), **params})
    assert response.status_code == 200, response.json
    return response.json


def test_minutes_are_found_by_signed_in_readers_only(county):
    meeting_id = plan(county)
    minutes = {"base_version": 0, "items": [{"agenda_index": 1, "text": "Stödsamtalsmodellen presenterades.",
                                             "decisions": [{"text": "Tertiärprevention prioriteras."}]}]}
    assert county.api("PUT", f"/meetings/{meeting_id}/minutes", "eva", json=minutes).status_code == 200
    for reader in ("maja", "olle", "gun", "eva"):
        found = search(county, "stödsamtalsmodellen", reader)
        assert found["total"] == 1, reader
        hit = found["hits"][0]
        assert (hit["kind"], hit["meeting"]["id"], hit["meeting"]["number"]) == ("meeting", meeting_id, "2024:1")
        assert "<mark>" in hit["snippet"]
        assert search(county, "tertiärprevention", reader)["total"] == 1
    for q in ("stödsamtalsmodellen", "tertiärprevention", "länsgruppsmöte", ""):
        assert search(county, q)["total"] == 0
    assert search(county, "stödsamtalsmodellen", "maja", violence_form="nara-relation")["total"] == 0
    page = county.client.get("/sok", query_string={"q": "stödsamtalsmodellen"}).get_data(as_text=True)
    assert "presenterades" not in page and meeting_id not in page
    signed_in = county.browser("maja").get("/sok", query_string={"q": "stödsamtalsmodellen"})
    assert signed_in.status_code == 200 and f'href="/moten/{meeting_id}"' in signed_in.get_data(as_text=True)


def test_a_corrected_minutes_text_replaces_the_old_in_search(county):
    meeting_id = plan(county)
    first = {"base_version": 0, "items": [{"agenda_index": 0, "text": "Gammalformulering."}]}
    county.api("PUT", f"/meetings/{meeting_id}/minutes", "eva", json=first)
    county.api("POST", f"/meetings/{meeting_id}/minutes/approve", "ulla")
    county.api("POST", f"/meetings/{meeting_id}/minutes/corrections", "eva",
               json={"base_version": 1, "reason": "Rättelse.", "items": [{"agenda_index": 0, "text": "Nyformulering."}]})
    assert search(county, "gammalformulering", "maja")["total"] == 0
    assert search(county, "nyformulering", "maja")["total"] == 1


def test_meetings_planned_at_once_get_different_numbers(county):
    from concurrent.futures import ThreadPoolExecutor
    body = {"title": "Möte", "kind": "lansgruppsmote", "date": "2025-03-01", "starts_at": "09:00",
            "ends_at": "10:00", "place": "Falun"}
    with ThreadPoolExecutor(4) as pool:
        ids = list(pool.map(lambda _: county.wiki.plan_meeting(EVA, body)[0], range(6)))
    numbers = sorted(county.wiki.get_meeting(meeting_id).number for meeting_id in ids)
    assert numbers == [f"2025:{n}" for n in range(1, 7)]


def test_approval_of_a_version_that_changed_since_it_was_read_is_refused(county):
    meeting_id = plan(county)
    county.api("PUT", f"/meetings/{meeting_id}/minutes", "eva", json=MINUTES)
    county.api("PUT", f"/meetings/{meeting_id}/minutes", "eva", json={**MINUTES, "base_version": 1})
    stale = county.api("POST", f"/meetings/{meeting_id}/minutes/approve", "ulla", json={"version": 1})
    assert stale.status_code == 409 and stale.json["error"]["code"] == "edit_conflict"
    assert not read(county, meeting_id)["minutes"]["locked"]
    assert county.api("POST", f"/meetings/{meeting_id}/minutes/approve", "ulla", json={"version": 2}).status_code == 200


def test_cancelling_checks_the_role_before_the_input(county):
    meeting_id = plan(county)
    assert county.api("POST", f"/meetings/{meeting_id}/cancel", None, json={"reason": 5}).status_code == 401
    assert county.api("POST", f"/meetings/{meeting_id}/cancel", "maja", json={"reason": 5}).status_code == 403


def test_membership_changes_keep_the_groups_history_straight(county):
    county.organisation("Borlänge kommun", "kommun", "Borlänge", joined_on="2024-05-01")
    slug = county.api("POST", "/working-groups", "eva", json={
        "name": "Gruppen", "convenor": "mora-kommun", "members": ["falu-kommun"], "start": "2024-01-01"}).json["slug"]
    county.token("eva")
    before = county.wiki.position()
    for body, field in (({"members": ["mora-kommun"], "on": "2024-01-01"}, "on"),
                        ({"members": ["mora-kommun"], "on": "2023-06-01"}, "on"),
                        ({"members": ["mora-kommun", "falu-kommun", "borlange-kommun"], "on": "2024-04-01"},
                         "members[2]")):
        response = county.api("PUT", f"/working-groups/{slug}", "eva", json=body)
        assert response.status_code == 400 and response.json["error"]["field"] == field, body
    assert county.wiki.position() == before
    assert county.api("PUT", f"/working-groups/{slug}", "eva",
                      json={"members": ["mora-kommun"], "on": "2024-06-01"}).status_code == 200
    again = county.api("PUT", f"/working-groups/{slug}", "eva",
                       json={"members": ["mora-kommun", "falu-kommun"], "on": "2024-05-15"})
    assert again.status_code == 400, "a change before the last one would rewrite history"
    assert county.api("PUT", f"/working-groups/{slug}", "eva",
                      json={"members": ["mora-kommun", "falu-kommun"], "on": "2024-09-01"}).status_code == 200
    periods = [(m["from"], m["to"]) for m in county.api("GET", f"/working-groups/{slug}", "maja").json[
        "members_over_time"] if m["organisation"]["slug"] == "falu-kommun"]
    assert periods == [("2024-01-01", "2024-05-31"), ("2024-09-01", None)]
    left = county.api("POST", "/working-groups", "eva", json={
        "name": "Sen grupp", "convenor": "borlange-kommun", "start": "2024-01-01"})
    assert left.status_code == 400 and left.json["error"]["field"] == "members[0]"
