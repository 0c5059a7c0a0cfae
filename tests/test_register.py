"""The membership register through the API: forms (blanketter), approval, the roster on any
date, histories, the export, and approval racing on a real SQLite store."""

import csv
import io
import json
import threading

import pytest

from events.errors import Conflict
from events.permissions import Actor

EVA = Actor("eva", "coordinator", None)


# ---- helpers -----------------------------------------------------------------------------

def person(name, email=None, phone="070-123 45 67", title="Enhetschef"):
    local = name.lower().replace(" ", ".").replace("å", "a").replace("ä", "a").replace("ö", "o")
    return {"name": name, "email": email or f"{local}@example.se", "phone": phone, "title": title}


def appoint(role, who, start):
    change = {"action": "appoint", "role": role, "from": start}
    if isinstance(who, dict):
        change["person"] = who
    else:
        change["person_id"] = who
    return change


def end(role, person_id, on):
    return {"action": "end", "role": role, "person_id": person_id, "on": on}


def submit(world, username, organisation, *changes, note="Ny blankett"):
    return world.api("POST", "/membership-requests", username,
                     json={"organisation": organisation, "note": note, "changes": list(changes)})


def submitted(world, username, organisation, *changes):
    response = submit(world, username, organisation, *changes)
    assert response.status_code == 201, response.json
    return response.json["id"]


def approve(world, request_id, username="eva"):
    return world.api("POST", f"/membership-requests/{request_id}/approve", username)


def approved(world, username, organisation, *changes):
    request_id = submitted(world, username, organisation, *changes)
    response = approve(world, request_id)
    assert response.status_code == 200, response.json
    return request_id


def roster(world, at, username="eva"):
    response = world.api("GET", f"/roster?at={at}", username)
    assert response.status_code == 200, response.json
    assert response.json["at"] == at
    return {item["organisation"]["slug"]: item for item in response.json["items"]}


def holder(world, slug, role, at):
    entry = roster(world, at).get(slug)
    assert entry is not None, f"{slug} is not in the roster of {at}"
    return entry[role]


def history(world, slug, username="eva"):
    response = world.api("GET", f"/organisations/{slug}/history", username)
    assert response.status_code == 200, response.json
    return response.json["items"]


ANNA = person("Anna Lindqvist", title="Strateg")
BERTIL = person("Bertil Öberg", title="Socialchef")
CECILIA = person("Cecilia Holm", title="Enhetschef")


# ---- submitting ----------------------------------------------------------------------------

def test_member_submits_a_form_and_nothing_changes_until_approval(world):
    response = submit(world, "maja", world.falun, appoint("representative", ANNA, "2020-01-01"))
    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "submitted"
    assert isinstance(body["id"], str) and body["id"]
    assert isinstance(body["position"], int) and body["position"] > 0
    health = world.api("GET", "/health").json
    assert body["position"] <= health["position"]

    # nothing in the register yet
    assert holder(world, world.falun, "representative", "2020-06-01") is None
    assert history(world, world.falun) == []

    form = world.api("GET", f"/membership-requests/{body['id']}", "eva").json
    assert form["status"] == "submitted"
    assert form["submitted_by"] == "maja"
    assert form["organisation"] == world.falun


def test_coordinator_submits_for_any_organisation(world):
    assert submit(world, "eva", world.mora, appoint("substitute", BERTIL, "2019-03-01")).status_code == 201
    assert submit(world, "adam", world.falun, appoint("substitute", BERTIL, "2019-03-01")).status_code == 201


@pytest.mark.parametrize("username,status", [
    ("olle", 403),   # member of another organisation
    ("gun", 403),    # auditor writes nothing
    (None, 401),     # anonymous
])
def test_who_may_not_submit(world, username, status):
    response = submit(world, username, world.falun, appoint("representative", ANNA, "2020-01-01"))
    assert response.status_code == status, response.json
    assert response.json["error"]["code"] in ("forbidden", "unauthorized")
    listing = world.api("GET", "/membership-requests", "eva").json["items"]
    assert listing == []


def test_approval_puts_the_person_on_the_roster_from_the_start_date(world):
    request_id = submitted(world, "maja", world.falun, appoint("representative", ANNA, "2020-01-01"))
    response = approve(world, request_id)
    assert response.status_code == 200, response.json
    assert response.json["status"] == "approved"
    assert isinstance(response.json["position"], int)

    rep = holder(world, world.falun, "representative", "2020-01-01")
    assert rep == {"person_id": rep["person_id"], "name": "Anna Lindqvist", "email": "anna.lindqvist@example.se",
                   "phone": "070-123 45 67", "title": "Strateg", "from": "2020-01-01", "to": None}
    assert holder(world, world.falun, "representative", "2024-05-17") == rep
    assert holder(world, world.falun, "representative", "2019-12-31") is None
    assert holder(world, world.falun, "substitute", "2020-06-01") is None
    # the other organisation is untouched
    assert holder(world, world.mora, "representative", "2020-06-01") is None

    form = world.api("GET", f"/membership-requests/{request_id}", "eva").json
    assert form["status"] == "approved"
    assert form["decided_by"] == "eva"


@pytest.mark.parametrize("username,status", [("maja", 403), ("gun", 403), ("olle", 403), (None, 401)])
def test_only_coordinator_and_admin_decide(world, username, status):
    request_id = submitted(world, "maja", world.falun, appoint("representative", ANNA, "2020-01-01"))
    assert approve(world, request_id, username).status_code == status
    reject = world.api("POST", f"/membership-requests/{request_id}/reject", username, json={"reason": "Nej"})
    assert reject.status_code == status
    assert holder(world, world.falun, "representative", "2020-06-01") is None
    assert approve(world, request_id, "adam").status_code == 200
    assert holder(world, world.falun, "representative", "2020-06-01")["name"] == "Anna Lindqvist"


def test_reject_with_a_reason_leaves_the_register_unchanged(world):
    request_id = submitted(world, "maja", world.falun, appoint("representative", ANNA, "2020-01-01"))
    response = world.api("POST", f"/membership-requests/{request_id}/reject", "eva",
                         json={"reason": "Fel datum på blanketten"})
    assert response.status_code == 200, response.json
    assert response.json["status"] == "rejected"
    assert holder(world, world.falun, "representative", "2020-06-01") is None
    assert history(world, world.falun) == []
    form = world.api("GET", f"/membership-requests/{request_id}", "eva").json
    assert form["status"] == "rejected"
    assert form["reason"] == "Fel datum på blanketten"
    assert form["decided_by"] == "eva"


def test_reject_needs_a_reason(world):
    request_id = submitted(world, "maja", world.falun, appoint("representative", ANNA, "2020-01-01"))
    for body in ({}, {"reason": ""}, {"reason": "   "}):
        response = world.api("POST", f"/membership-requests/{request_id}/reject", "eva", json=body)
        assert response.status_code == 400, (body, response.json)
    form = world.api("GET", f"/membership-requests/{request_id}", "eva").json
    assert form["status"] == "submitted"


def test_a_decided_form_cannot_be_decided_again(world):
    first = approved(world, "maja", world.falun, appoint("representative", ANNA, "2020-01-01"))
    assert approve(world, first).status_code == 409
    again = world.api("POST", f"/membership-requests/{first}/reject", "eva", json={"reason": "Ångrar mig"})
    assert again.status_code == 409
    assert world.api("GET", f"/membership-requests/{first}", "eva").json["status"] == "approved"

    second = submitted(world, "olle", world.mora, appoint("representative", BERTIL, "2020-01-01"))
    assert world.api("POST", f"/membership-requests/{second}/reject", "eva",
                     json={"reason": "Saknar underskrift"}).status_code == 200
    assert approve(world, second).status_code == 409
    assert world.api("POST", f"/membership-requests/{second}/reject", "eva",
                     json={"reason": "Igen"}).status_code == 409
    assert holder(world, world.mora, "representative", "2021-01-01") is None
    rejected = world.api("GET", f"/membership-requests/{second}", "eva").json
    assert rejected["status"] == "rejected" and rejected["reason"] == "Saknar underskrift"


def test_unknown_form_is_404(world):
    assert approve(world, "00000000-0000-0000-0000-000000000000").status_code == 404
    assert approve(world, "inte-ett-id").status_code == 404


# ---- rules ---------------------------------------------------------------------------------

def test_one_representative_and_one_substitute_at_the_same_time(world):
    approved(world, "maja", world.falun, appoint("representative", ANNA, "2020-01-01"),
             appoint("substitute", BERTIL, "2020-01-01"))
    entry = roster(world, "2021-01-01")[world.falun]
    assert entry["representative"]["name"] == "Anna Lindqvist"
    assert entry["substitute"]["name"] == "Bertil Öberg"

    # two representatives from the same day in one form
    response = submit(world, "olle", world.mora, appoint("representative", CECILIA, "2020-01-01"),
                      appoint("representative", person("David Ek"), "2020-01-01"))
    assert response.status_code == 400, response.json
    # a second representative from the day the current one started
    assert submit(world, "maja", world.falun,
                  appoint("representative", CECILIA, "2020-01-01")).status_code == 400
    # or from before it
    assert submit(world, "maja", world.falun,
                  appoint("representative", CECILIA, "2019-06-01")).status_code == 400


def test_two_forms_for_the_same_date_the_second_approval_conflicts(world):
    first = submitted(world, "maja", world.falun, appoint("representative", ANNA, "2020-01-01"))
    second = submitted(world, "maja", world.falun, appoint("representative", BERTIL, "2020-01-01"))
    assert approve(world, first).status_code == 200
    response = approve(world, second)
    assert response.status_code == 409, response.json
    assert holder(world, world.falun, "representative", "2020-01-01")["name"] == "Anna Lindqvist"
    assert [t["person"]["name"] for t in history(world, world.falun)] == ["Anna Lindqvist"]
    assert world.api("GET", f"/membership-requests/{second}", "eva").json["status"] == "submitted"


def test_a_new_representative_ends_the_previous_term_the_day_before(world):
    first = approved(world, "maja", world.falun, appoint("representative", ANNA, "2020-01-01"))
    second = approved(world, "maja", world.falun, appoint("representative", BERTIL, "2022-03-01"))

    before = holder(world, world.falun, "representative", "2022-02-28")
    assert before["name"] == "Anna Lindqvist"
    assert (before["from"], before["to"]) == ("2020-01-01", "2022-02-28")
    after = holder(world, world.falun, "representative", "2022-03-01")
    assert after["name"] == "Bertil Öberg"
    assert (after["from"], after["to"]) == ("2022-03-01", None)

    terms = history(world, world.falun)
    assert [(t["person"]["name"], t["role"], t["from"], t["to"]) for t in terms] == [
        ("Anna Lindqvist", "representative", "2020-01-01", "2022-02-28"),
        ("Bertil Öberg", "representative", "2022-03-01", None),
    ]
    assert terms[0]["appointed_by_form"]["id"] == first
    assert terms[0]["ended_by_form"]["id"] == second
    assert terms[1]["appointed_by_form"]["id"] == second
    assert terms[1]["ended_by_form"] is None


def test_an_ended_term_is_not_stretched_by_a_later_appointment(world):
    approved(world, "maja", world.falun, appoint("representative", ANNA, "2020-01-01"))
    anna = holder(world, world.falun, "representative", "2020-01-01")["person_id"]
    approved(world, "maja", world.falun, end("representative", anna, "2020-12-31"))
    assert holder(world, world.falun, "representative", "2020-12-31")["to"] == "2020-12-31"
    assert holder(world, world.falun, "representative", "2021-01-01") is None
    approved(world, "maja", world.falun, appoint("representative", BERTIL, "2022-01-01"))
    assert holder(world, world.falun, "representative", "2020-12-31")["to"] == "2020-12-31"
    assert holder(world, world.falun, "representative", "2021-06-01") is None
    assert holder(world, world.falun, "representative", "2022-01-01")["name"] == "Bertil Öberg"


def test_a_new_appointment_shortens_a_term_whose_end_is_later(world):
    approved(world, "maja", world.falun, appoint("representative", ANNA, "2020-01-01"))
    anna = holder(world, world.falun, "representative", "2020-01-01")["person_id"]
    approved(world, "maja", world.falun, end("representative", anna, "2023-12-31"))
    approved(world, "maja", world.falun, appoint("representative", BERTIL, "2022-01-01"))
    last_day = holder(world, world.falun, "representative", "2021-12-31")
    assert (last_day["name"], last_day["to"]) == ("Anna Lindqvist", "2021-12-31")
    first_day = holder(world, world.falun, "representative", "2022-01-01")
    assert (first_day["name"], first_day["from"], first_day["to"]) == ("Bertil Öberg", "2022-01-01", None)
    assert holder(world, world.falun, "representative", "2023-06-01")["name"] == "Bertil Öberg"
    assert [(t["person"]["name"], t["to"]) for t in history(world, world.falun)] == [
        ("Anna Lindqvist", "2021-12-31"), ("Bertil Öberg", None)]


def test_an_end_must_follow_the_start(world):
    approved(world, "maja", world.falun, appoint("representative", ANNA, "2020-01-01"))
    anna = holder(world, world.falun, "representative", "2020-01-01")["person_id"]
    response = submit(world, "maja", world.falun, end("representative", anna, "2019-12-31"))
    assert response.status_code == 400, response.json
    # within one form: appointed from May, ended in April
    response = submit(world, "maja", world.mora, appoint("substitute", CECILIA, "2020-05-01"))
    assert response.status_code == 403  # maja is not a member of Mora
    response = submit(world, "eva", world.mora, appoint("substitute", CECILIA, "2020-05-01"))
    assert response.status_code == 201
    cecilia = world.api("GET", f"/membership-requests/{response.json['id']}", "eva").json["changes"][0]["person_id"]
    response = submit(world, "eva", world.falun, appoint("substitute", cecilia, "2021-05-01"),
                      end("substitute", cecilia, "2021-04-01"))
    assert response.status_code == 400, response.json
    assert holder(world, world.falun, "representative", "2019-12-31") is None
    assert holder(world, world.falun, "representative", "2020-01-01")["to"] is None


def test_nobody_ends_a_role_they_do_not_hold(world):
    approved(world, "maja", world.falun, appoint("representative", ANNA, "2020-01-01"))
    anna = holder(world, world.falun, "representative", "2020-01-01")["person_id"]
    # not the substitute
    assert submit(world, "maja", world.falun, end("substitute", anna, "2021-01-01")).status_code == 400
    # not for another organisation
    assert submit(world, "olle", world.mora, end("representative", anna, "2021-01-01")).status_code == 400
    # not after an earlier end
    approved(world, "maja", world.falun, end("representative", anna, "2021-06-30"))
    assert submit(world, "maja", world.falun, end("representative", anna, "2022-01-01")).status_code == 400
    assert holder(world, world.falun, "representative", "2021-06-30")["to"] == "2021-06-30"
    assert holder(world, world.falun, "representative", "2021-07-01") is None


def test_end_removes_the_person_from_the_roster_after_the_date(world):
    approved(world, "maja", world.falun, appoint("substitute", BERTIL, "2018-09-01"))
    bertil = holder(world, world.falun, "substitute", "2019-01-01")["person_id"]
    approved(world, "maja", world.falun, end("substitute", bertil, "2023-08-31"))
    on_end = holder(world, world.falun, "substitute", "2023-08-31")
    assert (on_end["name"], on_end["from"], on_end["to"]) == ("Bertil Öberg", "2018-09-01", "2023-08-31")
    assert holder(world, world.falun, "substitute", "2023-09-01") is None


def test_the_organisation_must_be_a_member_on_the_date(world):
    leksand = world.organisation("Leksands kommun", "kommun", "Leksand", "2015-01-01")
    response = submit(world, "eva", leksand, appoint("representative", ANNA, "2014-06-01"))
    assert response.status_code == 400, response.json
    assert leksand not in roster(world, "2014-06-01")
    assert roster(world, "2015-01-01")[leksand]["representative"] is None
    approved(world, "eva", leksand, appoint("representative", ANNA, "2015-01-01"))
    assert holder(world, leksand, "representative", "2015-01-01")["name"] == "Anna Lindqvist"


def test_leaving_the_group(world):
    approved(world, "maja", world.falun, appoint("representative", ANNA, "2018-01-01"))
    pending = submitted(world, "maja", world.falun, appoint("substitute", CECILIA, "2021-03-01"))
    assert world.api("POST", f"/organisations/{world.falun}/leave", "maja",
                     json={"on": "2020-12-31", "reason": "Lämnar"}).status_code == 403
    response = world.api("POST", f"/organisations/{world.falun}/leave", "eva",
                         json={"on": "2020-12-31", "reason": "Kommunen lämnar länsgruppen."})
    assert response.status_code == 200, response.json
    assert isinstance(response.json["position"], int)

    assert world.api("POST", f"/organisations/{world.falun}/leave", "eva",
                     json={"on": "2021-06-30", "reason": "Igen"}).status_code == 409
    assert world.api("POST", f"/organisations/{world.mora}/leave", "eva",
                     json={"on": "2009-12-31", "reason": "Före inträdet"}).status_code == 400
    assert world.api("POST", f"/organisations/{world.mora}/leave", "eva",
                     json={"on": "2021-02-30", "reason": "Inget datum"}).status_code == 400

    assert submit(world, "eva", world.falun, appoint("substitute", BERTIL, "2021-02-01")).status_code == 400
    # a form submitted before the organisation left cannot be approved for a date after it
    assert approve(world, pending).status_code == 409
    assert world.falun in roster(world, "2020-12-31")
    assert roster(world, "2020-12-31")[world.falun]["representative"]["name"] == "Anna Lindqvist"
    after = roster(world, "2021-02-01")
    assert world.falun not in after
    assert world.mora in after


def test_real_calendar_dates_only(world):
    for bad in ("2023-02-30", "2023-13-01", "tomorrow", "2023-2-1", "2023-00-10", "", None, 20230101):
        response = submit(world, "maja", world.falun, appoint("representative", ANNA, bad))
        assert response.status_code == 400, (bad, response.json)
        assert response.json["error"]["code"] == "invalid"
    assert world.api("GET", "/membership-requests", "eva").json["items"] == []


def test_real_calendar_dates_only_for_end(world):
    approved(world, "maja", world.falun, appoint("representative", ANNA, "2020-01-01"))
    anna = holder(world, world.falun, "representative", "2020-01-01")["person_id"]
    for bad in ("2023-02-30", "2023-13-01", "tomorrow"):
        assert submit(world, "maja", world.falun, end("representative", anna, bad)).status_code == 400
    # 2024 is a leap year
    assert submit(world, "maja", world.falun, end("representative", anna, "2024-02-29")).status_code == 201


def test_approval_applies_every_change_or_none(world):
    both = submitted(world, "maja", world.falun, appoint("representative", ANNA, "2021-01-01"),
                     appoint("substitute", BERTIL, "2021-01-01"))
    # meanwhile another form appoints a substitute from a later date
    approved(world, "maja", world.falun, appoint("substitute", CECILIA, "2022-01-01"))
    response = approve(world, both)
    assert response.status_code == 409, response.json
    # neither change was applied
    assert holder(world, world.falun, "representative", "2021-06-01") is None
    assert holder(world, world.falun, "representative", "2023-06-01") is None
    assert holder(world, world.falun, "substitute", "2021-06-01") is None
    assert holder(world, world.falun, "substitute", "2022-06-01")["name"] == "Cecilia Holm"
    assert [t["person"]["name"] for t in history(world, world.falun)] == ["Cecilia Holm"]
    assert world.api("GET", f"/membership-requests/{both}", "eva").json["status"] == "submitted"


def test_approval_applies_every_change_of_a_form(world):
    approved(world, "maja", world.falun, appoint("representative", ANNA, "2020-01-01"))
    anna = holder(world, world.falun, "representative", "2020-01-01")["person_id"]
    form = approved(world, "maja", world.falun, end("representative", anna, "2022-06-30"),
                    appoint("substitute", BERTIL, "2022-07-01"), appoint("representative", CECILIA, "2022-07-01"))
    entry = roster(world, "2022-07-01")[world.falun]
    assert entry["representative"]["name"] == "Cecilia Holm"
    assert entry["substitute"]["name"] == "Bertil Öberg"
    assert holder(world, world.falun, "representative", "2022-06-30")["to"] == "2022-06-30"
    terms = history(world, world.falun)
    assert sorted(t["appointed_by_form"]["id"] for t in terms).count(form) == 2


def test_appoint_an_existing_person_by_id(world):
    approved(world, "maja", world.falun, appoint("substitute", ANNA, "2019-01-01"))
    anna = holder(world, world.falun, "substitute", "2019-01-01")["person_id"]
    approved(world, "maja", world.falun, appoint("representative", anna, "2021-01-01"))
    rep = holder(world, world.falun, "representative", "2021-01-01")
    assert rep["person_id"] == anna
    assert rep["name"] == "Anna Lindqvist"
    assert rep["email"] == "anna.lindqvist@example.se"
    # the same person may represent another organisation too
    approved(world, "olle", world.mora, appoint("representative", anna, "2021-02-01"))
    assert holder(world, world.mora, "representative", "2021-02-01")["person_id"] == anna

    person_page = world.api("GET", f"/people/{anna}/history", "eva")
    assert person_page.status_code == 200
    assert [(t["organisation"]["slug"], t["role"], t["from"]) for t in person_page.json["items"]] == [
        (world.falun, "substitute", "2019-01-01"),
        (world.falun, "representative", "2021-01-01"),
        (world.mora, "representative", "2021-02-01"),
    ]


def test_unknown_person_id(world):
    form = submitted(world, "maja", world.falun, appoint("substitute", ANNA, "2019-01-01"))
    # a form's id is an aggregate, but not a person
    for person_id in ("00000000-0000-0000-0000-000000000000", "ingen-alls", 42, form):
        response = submit(world, "maja", world.falun, appoint("representative", person_id, "2020-01-01"))
        assert response.status_code in (400, 404), (person_id, response.json)
        response = submit(world, "maja", world.falun, end("representative", person_id, "2020-01-01"))
        assert response.status_code in (400, 404), (person_id, response.json)
    assert [f["id"] for f in world.api("GET", "/membership-requests", "eva").json["items"]] == [form]


BAD_CHANGES = [
    {"action": "appoint", "role": "chair", "person": ANNA, "from": "2020-01-01"},
    {"action": "promote", "role": "representative", "person": ANNA, "from": "2020-01-01"},
    {"action": "appoint", "role": "representative", "from": "2020-01-01"},
    {"action": "appoint", "role": "representative", "person": {"email": "x@example.se"}, "from": "2020-01-01"},
    {"action": "appoint", "role": "representative", "person": {**ANNA, "email": "inte en adress"},
     "from": "2020-01-01"},
    "appoint",
]


def test_bad_changes_are_400(world):
    for change in BAD_CHANGES:
        response = submit(world, "maja", world.falun, change)
        assert response.status_code == 400, (change, response.json)
    assert world.api("GET", "/membership-requests", "eva").json["items"] == []


def test_bad_forms_are_400(world):
    assert world.api("POST", "/membership-requests", "maja",
                     json={"organisation": world.falun, "changes": []}).status_code == 400
    assert world.api("POST", "/membership-requests", "maja",
                     json={"organisation": "finns-inte", "changes": [
                         appoint("representative", ANNA, "2020-01-01")]}).status_code == 400
    assert world.api("POST", "/membership-requests", "maja", data="inte json",
                     content_type="application/json").status_code == 400


# ---- roster --------------------------------------------------------------------------------

def test_roster_lists_every_member_organisation_on_the_date(world):
    leksand = world.organisation("Leksands kommun", "kommun", "Leksand", "2015-01-01")
    approved(world, "maja", world.falun, appoint("representative", ANNA, "2016-01-01"))

    early = world.api("GET", "/roster?at=2012-05-05", "maja").json
    assert early["at"] == "2012-05-05"
    assert [i["organisation"] for i in early["items"]] == [
        {"slug": world.falun, "name": "Falu kommun"}, {"slug": world.mora, "name": "Mora kommun"}]
    assert all(i["representative"] is None and i["substitute"] is None for i in early["items"])

    later = world.api("GET", "/roster?at=2016-01-01", "gun").json
    assert sorted(i["organisation"]["slug"] for i in later["items"]) == sorted([world.falun, world.mora, leksand])
    by_slug = {i["organisation"]["slug"]: i for i in later["items"]}
    assert by_slug[world.falun]["representative"]["name"] == "Anna Lindqvist"
    assert by_slug[leksand]["representative"] is None and by_slug[leksand]["substitute"] is None

    assert world.api("GET", "/roster?at=2009-12-31", "eva").json["items"] == []


def test_roster_is_for_signed_in_users(world):
    response = world.api("GET", "/roster?at=2020-01-01")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"


def test_roster_bad_date_is_400(world):
    for at in ("2023-02-30", "2023-13-01", "igår", "2023-1-1", "20230101", "2023-02-29"):
        response = world.api("GET", f"/roster?at={at}", "eva")
        assert response.status_code == 400, at
        assert response.json["error"]["code"] == "invalid"
    assert world.api("GET", "/roster?at=2024-02-29", "eva").status_code == 200


def test_roster_without_date_is_today(world):
    approved(world, "maja", world.falun, appoint("representative", ANNA, "2020-01-01"))
    response = world.api("GET", "/roster", "eva").json
    assert response["at"] >= "2024-01-01"
    assert {i["organisation"]["slug"]: i for i in response["items"]}[world.falun]["representative"]["name"] \
        == "Anna Lindqvist"


# ---- organisation and person pages ---------------------------------------------------------

def test_anonymous_readers_see_no_personal_data(world):
    approved(world, "maja", world.falun, appoint("representative", ANNA, "2020-01-01"),
             appoint("substitute", BERTIL, "2020-01-01"))
    response = world.api("GET", f"/organisations/{world.falun}")
    assert response.status_code == 200
    assert response.json["name"] == "Falu kommun"
    assert "roster" not in response.json
    text = response.get_data(as_text=True)
    for secret in ("Anna", "Lindqvist", "anna.lindqvist@example.se", "Bertil", "Öberg", "070-123 45 67"):
        assert secret not in text
    listing = world.api("GET", "/organisations").get_data(as_text=True)
    assert "Lindqvist" not in listing and "@example.se" not in listing
    assert world.api("GET", f"/organisations/{world.falun}/history").status_code == 401
    anna = holder(world, world.falun, "representative", "2020-01-01")["person_id"]
    assert world.api("GET", f"/people/{anna}/history").status_code == 401


def test_signed_in_readers_see_the_roster_today(world):
    approved(world, "maja", world.falun, appoint("representative", ANNA, "2020-01-01"))
    response = world.api("GET", f"/organisations/{world.falun}", "olle")
    assert response.status_code == 200
    body = response.json
    assert body["roster"]["representative"]["name"] == "Anna Lindqvist"
    assert body["roster"]["representative"]["email"] == "anna.lindqvist@example.se"
    assert body["roster"]["representative"]["from"] == "2020-01-01"
    assert body["roster"]["substitute"] is None
    assert world.api("GET", "/organisations/finns-inte", "eva").status_code == 404


def test_histories_name_the_forms(world):
    first = approved(world, "maja", world.falun, appoint("representative", ANNA, "2020-01-01"))
    second = submitted(world, "maja", world.falun, appoint("representative", BERTIL, "2023-01-01"))
    assert approve(world, second, "adam").status_code == 200

    terms = history(world, world.falun, "gun")
    assert len(terms) == 2
    a, b = terms
    assert a["appointed_by_form"]["id"] == first
    assert a["appointed_by_form"]["submitted_by"] == "maja"
    assert a["appointed_by_form"]["approved_by"] == "eva"
    assert a["appointed_by_form"]["approved_at"]
    assert a["ended_by_form"]["id"] == second
    assert a["ended_by_form"]["approved_by"] == "adam"
    assert (a["from"], a["to"]) == ("2020-01-01", "2022-12-31")
    assert b["appointed_by_form"] == {**b["appointed_by_form"], "id": second, "submitted_by": "maja",
                                      "approved_by": "adam"}
    assert b["appointed_by_form"]["approved_at"] >= a["appointed_by_form"]["approved_at"]

    anna = a["person_id"]
    response = world.api("GET", f"/people/{anna}/history", "maja")
    assert response.status_code == 200
    body = response.json
    assert body["person"]["name"] == "Anna Lindqvist"
    assert len(body["items"]) == 1
    item = body["items"][0]
    assert (item["organisation"]["slug"], item["role"], item["from"], item["to"]) == (
        world.falun, "representative", "2020-01-01", "2022-12-31")
    assert item["appointed_by_form"]["id"] == first
    assert item["appointed_by_form"]["submitted_by"] == "maja"
    assert item["appointed_by_form"]["approved_by"] == "eva"
    assert item["appointed_by_form"]["approved_at"]
    assert world.api("GET", "/people/00000000-0000-0000-0000-000000000000/history", "eva").status_code == 404


# ---- the inbox -----------------------------------------------------------------------------

def test_listing_forms_by_status(world):
    falun_ok = approved(world, "maja", world.falun, appoint("representative", ANNA, "2020-01-01"))
    falun_open = submitted(world, "maja", world.falun, appoint("substitute", BERTIL, "2020-01-01"))
    mora_open = submitted(world, "olle", world.mora, appoint("substitute", CECILIA, "2020-01-01"))
    mora_no = submitted(world, "olle", world.mora, appoint("representative", person("Erik Berg"), "2020-01-01"))
    assert world.api("POST", f"/membership-requests/{mora_no}/reject", "eva",
                     json={"reason": "Dubblett"}).status_code == 200

    def ids(username, status=None):
        path = "/membership-requests" + (f"?status={status}" if status else "")
        response = world.api("GET", path, username)
        assert response.status_code == 200, response.json
        return {item["id"] for item in response.json["items"]}

    assert ids("eva", "submitted") == {falun_open, mora_open}
    assert ids("eva", "approved") == {falun_ok}
    assert ids("eva", "rejected") == {mora_no}
    assert ids("eva") == {falun_ok, falun_open, mora_open, mora_no}
    assert ids("gun", "submitted") == {falun_open, mora_open}
    assert ids("maja", "submitted") == {falun_open}
    assert ids("maja") == {falun_ok, falun_open}
    assert ids("olle", "rejected") == {mora_no}
    assert ids("olle") == {mora_open, mora_no}

    rejected = world.api("GET", "/membership-requests?status=rejected", "eva").json["items"][0]
    assert rejected["reason"] == "Dubblett"
    assert world.api("GET", "/membership-requests?status=pending", "eva").status_code == 400
    assert world.api("GET", "/membership-requests").status_code == 401
    # a member cannot read another organisation's form
    assert world.api("GET", f"/membership-requests/{mora_open}", "maja").status_code == 404


# ---- export --------------------------------------------------------------------------------

def test_membership_export_csv_and_jsonl(world):
    first = approved(world, "maja", world.falun, appoint("representative", ANNA, "2020-01-01"))
    second = approved(world, "olle", world.mora, appoint("substitute", BERTIL, "2021-04-01"))

    for username in ("gun", "eva", "adam"):
        response = world.api("GET", "/audit/export?what=membership&format=csv", username)
        assert response.status_code == 200, response.json
        assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 2
    by_name = {row["name"]: row for row in rows}
    anna = by_name["Anna Lindqvist"]
    assert anna["organisation"] == world.falun
    assert anna["role"] == "representative"
    assert anna["email"] == "anna.lindqvist@example.se"
    assert anna["from"] == "2020-01-01" and anna["to"] == ""
    assert anna["appointed_by_form"] == first
    assert anna["submitted_by"] == "maja" and anna["approved_by"] == "eva"
    bertil = by_name["Bertil Öberg"]
    assert (bertil["organisation"], bertil["role"], bertil["from"]) == (world.mora, "substitute", "2021-04-01")
    assert bertil["appointed_by_form"] == second and bertil["submitted_by"] == "olle"

    response = world.api("GET", "/audit/export?what=membership&format=jsonl", "gun")
    assert response.status_code == 200
    lines = [json.loads(line) for line in response.get_data(as_text=True).splitlines() if line.strip()]
    assert len(lines) == 2
    by_name = {line["name"]: line for line in lines}
    assert by_name["Anna Lindqvist"]["appointed_by_form"] == first
    assert by_name["Anna Lindqvist"]["to"] is None
    assert by_name["Bertil Öberg"]["approved_by"] == "eva"
    assert by_name["Bertil Öberg"]["email"] == "bertil.oberg@example.se"


def test_membership_export_access_and_format(world):
    assert world.api("GET", "/audit/export?what=membership&format=csv", "maja").status_code == 403
    assert world.api("GET", "/audit/export?what=membership&format=csv").status_code == 401
    assert world.api("GET", "/audit/export?what=membership&format=xml", "gun").status_code == 400
    assert world.api("GET", "/audit/export?what=bananas&format=csv", "gun").status_code == 400


# ---- concurrency ---------------------------------------------------------------------------

def test_two_coordinators_approve_the_same_form_at_once(world):
    for attempt in range(3):
        slug = world.organisation(f"Kommun {attempt}", "kommun", None, "2010-01-01")
        request_id = submitted(world, "eva", slug, appoint("representative", person(f"Person {attempt}"),
                                                            "2020-01-01"))
        barrier = threading.Barrier(2)
        outcomes = []

        def run():
            barrier.wait()
            try:
                outcomes.append(("ok", world.wiki.approve_membership_request(EVA, request_id)))
            except Conflict as conflict:
                outcomes.append(("conflict", conflict))
            except Exception as other:  # anything else is a failure of the test
                outcomes.append(("error", other))

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        kinds = sorted(kind for kind, _ in outcomes)
        assert kinds == ["conflict", "ok"], outcomes

        terms = history(world, slug)
        assert len(terms) == 1
        assert terms[0]["appointed_by_form"]["id"] == request_id
        assert holder(world, slug, "representative", "2020-01-01")["name"] == f"Person {attempt}"
        events = world.api("GET", "/audit/events?limit=500&type=MembershipRequest.Approved", "gun").json["items"]
        assert [e["aggregate_id"] for e in events].count(request_id) == 1


def _race(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            outcomes[index] = ("ok", call())
        except Conflict as conflict:
            outcomes[index] = ("conflict", conflict)
        except Exception as other:  # anything else is a failure of the test
            outcomes[index] = ("error", other)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


def test_two_conflicting_forms_approved_at_once(world):
    for attempt in range(3):
        slug = world.organisation(f"Krock {attempt}", "kommun", None, "2010-01-01")
        first = submitted(world, "eva", slug, appoint("representative", person(f"Först {attempt}"), "2020-01-01"))
        second = submitted(world, "eva", slug, appoint("representative", person(f"Sist {attempt}"), "2020-01-01"))
        outcomes = _race(lambda: world.wiki.approve_membership_request(EVA, first),
                         lambda: world.wiki.approve_membership_request(EVA, second))
        assert sorted(kind for kind, _ in outcomes) == ["conflict", "ok"], outcomes
        winner = first if outcomes[0][0] == "ok" else second
        terms = history(world, slug)
        assert len(terms) == 1
        assert terms[0]["appointed_by_form"]["id"] == winner
        statuses = {f: world.api("GET", f"/membership-requests/{f}", "eva").json["status"] for f in (first, second)}
        assert sorted(statuses.values()) == ["approved", "submitted"]
        assert statuses[winner] == "approved"


def test_approve_and_reject_at_once(world):
    for attempt in range(3):
        slug = world.organisation(f"Samtidig {attempt}", "kommun", None, "2010-01-01")
        form = submitted(world, "eva", slug, appoint("substitute", person(f"Person {attempt}"), "2020-01-01"))
        outcomes = _race(lambda: world.wiki.approve_membership_request(EVA, form),
                         lambda: world.wiki.reject_membership_request(EVA, form, {"reason": "Nej"}))
        assert sorted(kind for kind, _ in outcomes) == ["conflict", "ok"], outcomes
        status = world.api("GET", f"/membership-requests/{form}", "eva").json["status"]
        terms = history(world, slug)
        if outcomes[0][0] == "ok":
            assert status == "approved"
            assert len(terms) == 1
        else:
            assert status == "rejected"
            assert terms == []


def test_leaving_ends_running_terms_on_the_leaving_day(world):
    created = world.api("POST", "/membership-requests", "maja", json={
        "organisation": "falu-kommun", "changes": [
            {"action": "appoint", "role": "representative", "person": {"name": "Lova Ek"}, "from": "2015-01-01"}]})
    world.api("POST", f"/membership-requests/{created.json['id']}/approve", "eva")
    left = world.api("POST", "/organisations/falu-kommun/leave", "eva", json={"on": "2020-12-31", "reason": "Slutade"})
    assert left.status_code == 200
    history = world.api("GET", "/organisations/falu-kommun/history", "eva").json["items"]
    assert [(t["person"]["name"], t["from"], t["to"]) for t in history] == [("Lova Ek", "2015-01-01", "2020-12-31")]
    assert history[0]["ended_by_form"] is None


def test_audit_data_hides_password_and_token_hashes(world):
    world.token("maja")
    items = world.api("GET", "/audit/events?type=Account&limit=500", "gun").json["items"]
    created = [i for i in items if i["type"] == "Account.Created"]
    issued = [i for i in items if i["type"] == "Account.TokenIssued"]
    assert created and issued
    assert all(i["data"]["password_hash"] == "[skyddat]" for i in created)
    assert all(i["data"]["token_hash"] == "[skyddat]" for i in issued)
