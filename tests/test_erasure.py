"""Erasing a person (GDPR art. 17): the key is destroyed, the log and its hash chain stay,
and afterwards the person's data is readable nowhere and held by no file in the data folder."""

import base64
import json
from pathlib import Path
from uuid import uuid4

import pytest

from events.membership import MembershipRequest
from data_scan import data_files
from stores import make_app
from tests.test_pages import sign_in

NAME = "Zelda Qwertyson-Åström"
EMAIL = "zelda.qwertyson@example.se"
PHONE = "070-987 65 43"
TITLE = "Kuratorsamordnare Xyzzy"
SECRETS = (NAME, "Qwertyson", EMAIL, PHONE, TITLE)


def appoint_zelda(world) -> tuple[str, int]:
    """Maja's form names Zelda as Falun's substitute; the coordinator approves it."""
    response = world.api("POST", "/membership-requests", "maja", json={
        "organisation": world.falun, "note": "Ny ersättare",
        "changes": [{"action": "appoint", "role": "substitute", "from": "2024-03-01",
                     "person": {"name": NAME, "email": EMAIL, "phone": PHONE, "title": TITLE}}]})
    assert response.status_code == 201, response.json
    request_id = response.json["id"]
    approved = world.api("POST", f"/membership-requests/{request_id}/approve", "eva")
    assert approved.status_code == 200, approved.json
    form = world.api("GET", f"/membership-requests/{request_id}", "eva").json
    return form["changes"][0]["person_id"], approved.json["position"]


def everything_readable(world, person_id: str) -> str:
    """Every answer where the person could show up, as one text."""
    answers = []
    for username in ("eva", "gun", "adam"):
        for path in (f"/people/{person_id}", f"/people/{person_id}/history", "/roster?at=2024-06-01",
                     "/audit/events?limit=500", "/audit/export?what=membership&format=csv",
                     "/audit/export?what=membership&format=jsonl", "/membership-requests"):
            response = world.api("GET", path, username)
            assert response.status_code == 200, (path, response.status_code)
            answers.append(response.get_data(as_text=True))
    sign_in(world.client, "adam")
    for path in (f"/personer/{person_id}", "/register?at=2024-06-01", "/register/export.csv", "/register/export.jsonl",
                 "/blanketter", "/granskning", f"/granskning?aggregate={person_id}",
                 "/feeds/changes.atom", "/andringar"):
        response = world.client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        answers.append(response.get_data(as_text=True))
    for query in (NAME, "Qwertyson", EMAIL):  # people are never indexed: the query is only echoed
        assert world.api("GET", f"/search?q={query}", "adam").json["total"] == 0
    return "\n".join(answers)


def files_holding(data_dir: Path, needles: list[bytes]) -> list[tuple[str, bytes]]:
    return [(str(path.relative_to(data_dir)), needle) for path, content in data_files(data_dir)
            for needle in needles if needle in content]


def needles_for(key: bytes) -> list[bytes]:
    texts = [s.encode() for s in SECRETS] + [json.dumps(s).encode() for s in SECRETS]
    return texts + [key, key.hex().encode(), base64.b64encode(key)]


def stored_log(world, holds: bytes = b"Person") -> bytes:
    """The event log as stored: the bytes of `events.sqlite`, or the PostgreSQL table's rows (which
    must hold `holds`, so the scan is known to read them)."""
    store = world.app.config["EVENT_STORE"]
    if store.startswith("postgres"):
        import psycopg
        base, _, schema = store.partition("?schema=")
        with psycopg.connect(base) as connection:
            rows = connection.execute(f"SELECT topic, state FROM {schema}.wiki_events").fetchall()
        log = b"".join(topic.encode() + bytes(state) for topic, state in rows)
        assert holds in log
        return log
    return b"".join(p.read_bytes() for p in Path(world.app.config["DATA_DIR"]).glob("events.sqlite*"))


def test_personal_data_is_sealed_in_the_log(world):
    person_id, _ = appoint_zelda(world)
    log = stored_log(world)
    for secret in (NAME, EMAIL, PHONE, TITLE):
        assert secret.encode() not in log and json.dumps(secret).encode() not in log
    event = world.api("GET", f"/audit/events?aggregate={person_id}", "gun").json["items"][0]
    assert event["type"] == "Person.Registered"
    assert event["data"]["name"] == NAME and event["data"]["sealed"] == "[krypterat]"
    assert world.api("GET", f"/people/{person_id}", "eva").json["email"] == EMAIL


@pytest.mark.parametrize("username,status", [(None, 401), ("maja", 403), ("olle", 403), ("eva", 403), ("gun", 403)])
def test_only_an_admin_erases(world, username, status):
    person_id, _ = appoint_zelda(world)
    world.headers(username)  # signing in records a token event; do it first
    before = world.wiki.position()
    response = world.api("POST", f"/people/{person_id}/erase", username)
    assert response.status_code == status
    assert world.wiki.position() == before
    assert world.api("GET", f"/people/{person_id}", "eva").json["name"] == NAME


def test_erasure_leaves_the_data_nowhere_and_the_chain_intact(world):
    person_id, _ = appoint_zelda(world)
    key = world.wiki.person_keys.get(person_id)
    assert key is not None and len(key) == 32
    readable = everything_readable(world, person_id)
    assert NAME in readable and EMAIL in readable and PHONE in readable
    digest_before = world.api("GET", "/audit/digest", "gun").json
    data_dir = Path(world.app.config["DATA_DIR"])
    held = {name for name, _ in files_holding(data_dir, needles_for(key))}
    assert "pages.sqlite" in "".join(held)  # the scan sees the read model's copy before erasure
    if not world.app.config["EVENT_STORE"].startswith("postgres"):
        assert any(name.startswith("keys.sqlite") for name in held)  # in the file or its WAL

    response = world.api("POST", f"/people/{person_id}/erase", "adam")
    assert response.status_code == 200, response.json
    assert response.json["erased"] is True and response.json["position"] == world.wiki.position()

    # readable nowhere: API, pages, search, roster, exports, feeds, audit event data
    readable = everything_readable(world, person_id)
    for secret in SECRETS:
        assert secret not in readable, secret
        assert json.dumps(secret) not in readable, secret
    assert world.wiki.person_keys.get(person_id) is None

    # the roster and the histories still show that someone held the role
    person = world.api("GET", f"/people/{person_id}", "eva").json
    assert (person["name"], person["email"], person["phone"], person["title"], person["erased"]) == (
        "raderad person", "", "", "", True)
    roster = world.api("GET", "/roster?at=2024-06-01", "eva").json["items"]
    falun = [item for item in roster if item["organisation"]["slug"] == world.falun][0]
    assert falun["substitute"]["person_id"] == person_id and falun["substitute"]["name"] == "raderad person"
    history = world.api("GET", f"/people/{person_id}/history", "eva").json["items"]
    assert [(item["role"], item["from"]) for item in history] == [("substitute", "2024-03-01")]
    events = world.api("GET", f"/audit/events?aggregate={person_id}", "gun").json["items"]
    assert [e["type"] for e in events] == ["Person.Registered", "Person.Erased"]
    assert events[0]["data"]["name"] == "raderad person" and events[0]["data"]["erased"] is True
    assert events[1]["actor"] == "adam"

    # the log is unchanged and still verifies, also against the digest taken before
    assert world.api("POST", "/audit/verify", "gun", json=digest_before).json == {"ok": True}
    assert world.app.test_cli_runner().invoke(args=["audit", "verify"]).output.strip() == "ok"

    # gone from disk: no file in the data folder holds the data or the destroyed key
    assert files_holding(data_dir, needles_for(key)) == []


def test_erased_stays_erased_when_the_read_model_is_rebuilt(world):
    person_id, _ = appoint_zelda(world)
    assert world.api("POST", f"/people/{person_id}/erase", "adam").status_code == 200
    result = world.app.test_cli_runner().invoke(args=["db", "rebuild-pages"])
    assert result.exit_code == 0, result.output
    assert world.api("GET", f"/people/{person_id}", "eva").json["name"] == "raderad person"
    other = make_app({"DATA_DIR": world.app.config["DATA_DIR"], "TESTING": True, "INDEX_FOLLOWER": "none"})
    try:
        person = other.test_client().get(f"/api/v1/people/{person_id}", headers=world.headers("eva")).json
        assert person["name"] == "raderad person"
    finally:
        other.extensions["lansgrupp"].close()


def test_erasing_twice_or_appointing_the_erased_is_a_conflict(world):
    person_id, _ = appoint_zelda(world)
    assert world.api("POST", f"/people/{person_id}/erase", "adam").status_code == 200
    again = world.api("POST", f"/people/{person_id}/erase", "adam")
    assert again.status_code == 409 and again.json["error"]["code"] == "erased"
    before = world.wiki.position()
    appoint = world.api("POST", "/membership-requests", "eva", json={
        "organisation": world.mora, "changes": [{"action": "appoint", "role": "representative",
                                                  "from": "2025-01-01", "person_id": person_id}]})
    assert appoint.status_code == 409 and appoint.json["error"]["code"] == "erased"
    assert world.wiki.position() == before
    end = world.api("POST", "/membership-requests", "eva", json={
        "organisation": world.falun, "changes": [{"action": "end", "role": "substitute", "person_id": person_id,
                                                   "on": "2025-06-30"}]})
    assert end.status_code == 201, end.json


def test_unknown_person_is_404(world):
    assert world.api("POST", "/people/00000000-0000-0000-0000-000000000000/erase", "adam").status_code == 404
    assert world.api("POST", "/people/not-a-uuid/erase", "adam").status_code in (400, 404)


def test_the_admin_erases_on_the_person_page(world):
    person_id, _ = appoint_zelda(world)
    token = sign_in(world.client, "adam")
    page = world.client.get(f"/personer/{person_id}").get_data(as_text=True)
    assert "Radera personuppgifter" in page
    unconfirmed = world.client.post(f"/personer/{person_id}/radera", data={"csrf_token": token},
                                    follow_redirects=True)
    assert "Kryssa i rutan" in unconfirmed.get_data(as_text=True)
    assert world.api("GET", f"/people/{person_id}", "eva").json["name"] == NAME
    done = world.client.post(f"/personer/{person_id}/radera", data={"confirm": "ja", "csrf_token": token},
                             follow_redirects=True)
    text = done.get_data(as_text=True)
    assert done.status_code == 200 and "raderad person" in text and NAME not in text
    world.client.get("/sprak/en?next=/")
    english = world.client.get(f"/personer/{person_id}").get_data(as_text=True)
    assert "<h1>erased person</h1>" in english and "raderad person" not in english


def test_the_coordinator_sees_no_erase_button(world):
    person_id, _ = appoint_zelda(world)
    token = sign_in(world.client, "eva")
    assert "Radera personuppgifter" not in world.client.get(f"/personer/{person_id}").get_data(as_text=True)
    assert world.client.post(f"/personer/{person_id}/radera", data={"confirm": "ja", "csrf_token": token}
                             ).status_code == 403


def test_a_key_restored_from_an_old_backup_is_destroyed_again_on_rebuild(world):
    person_id, _ = appoint_zelda(world)
    key = world.wiki.person_keys.get(person_id)
    assert world.api("POST", f"/people/{person_id}/erase", "adam").status_code == 200
    world.wiki.person_keys.store(person_id, key)  # as a restore of the key table from before would
    result = world.app.test_cli_runner().invoke(args=["db", "rebuild-pages"])
    assert result.exit_code == 0, result.output
    assert world.wiki.person_keys.get(person_id) is None
    assert world.api("GET", f"/people/{person_id}", "eva").json["name"] == "raderad person"
    assert files_holding(Path(world.app.config["DATA_DIR"]), needles_for(key)) == []


def test_a_pending_form_that_appoints_an_erased_person_cannot_be_approved(world):
    response = world.api("POST", "/membership-requests", "maja", json={
        "organisation": world.falun, "changes": [{"action": "appoint", "role": "representative", "from": "2024-05-01",
                                                   "person": {"name": NAME, "email": EMAIL, "phone": PHONE,
                                                              "title": TITLE}}]})
    assert response.status_code == 201
    request_id = response.json["id"]
    person_id = world.api("GET", f"/membership-requests/{request_id}", "eva").json["changes"][0]["person_id"]
    assert world.api("POST", f"/people/{person_id}/erase", "adam").status_code == 200
    pending = world.api("GET", f"/membership-requests/{request_id}", "eva").get_data(as_text=True)
    assert NAME not in pending and EMAIL not in pending
    approve = world.api("POST", f"/membership-requests/{request_id}/approve", "eva")
    assert approve.status_code == 409 and approve.json["error"]["code"] == "erased"
    assert world.api("POST", f"/membership-requests/{request_id}/reject", "eva",
                     json={"reason": "Personen är raderad"}).status_code == 200


# ---- a form's note: sealed with the keys of the people the form names --------------------------

NOTE = f"{NAME} ({EMAIL}) tar över efter Blåbärsmötet."
ERASED_NOTE = "(anteckningen raderad)"
YNGVE = {"name": "Yngve Plommonsson", "email": "yngve.plommonsson@example.se", "phone": "070-111 22 33",
         "title": "Rektor"}


def zelda_appointed(role="substitute", start="2024-03-01") -> dict:
    return {"action": "appoint", "role": role, "from": start,
            "person": {"name": NAME, "email": EMAIL, "phone": PHONE, "title": TITLE}}


def submitted_form(world, note: str, *changes) -> str:
    response = world.api("POST", "/membership-requests", "maja",
                         json={"organisation": world.falun, "note": note, "changes": list(changes)})
    assert response.status_code == 201, response.json
    return response.json["id"]


def note_of(world, request_id: str) -> str:
    return world.api("GET", f"/membership-requests/{request_id}", "eva").json["note"]


def test_a_note_naming_the_person_is_erased_with_them(world):
    request_id = submitted_form(world, NOTE, zelda_appointed())
    person_id = world.api("GET", f"/membership-requests/{request_id}", "eva").json["changes"][0]["person_id"]
    assert world.api("POST", f"/membership-requests/{request_id}/approve", "eva").status_code == 200
    key = world.wiki.person_keys.get(person_id)
    data_dir = Path(world.app.config["DATA_DIR"])

    # before: the note reads back as written, but the log and the audit view hold it sealed only
    assert note_of(world, request_id) == NOTE
    assert [item["note"] for item in world.api("GET", "/membership-requests", "maja").json["items"]] == [NOTE]
    sign_in(world.client, "adam")
    assert "Blåbärsmötet" in world.client.get("/blanketter?status=approved").get_data(as_text=True)
    submitted = world.api("GET", f"/audit/events?aggregate={request_id}", "gun").json["items"][0]
    assert submitted["type"] == "MembershipRequest.Submitted"
    assert submitted["data"]["note"]["people"] == [person_id] and submitted["data"]["note"]["sealed"]
    log = stored_log(world)
    for secret in (NAME, EMAIL, "Blåbärsmötet"):
        assert secret not in json.dumps(submitted, ensure_ascii=False)
        assert secret.encode() not in log and json.dumps(secret).encode()[1:-1] not in log
    assert b"Bl\xc3\xa5b\xc3\xa4rsm\xc3\xb6tet" in (data_dir / "pages.sqlite").read_bytes() + b"".join(
        p.read_bytes() for p in data_dir.glob("pages.sqlite-wal"))  # the scan sees the read model's copy

    assert world.api("POST", f"/people/{person_id}/erase", "adam").status_code == 200

    assert note_of(world, request_id) == ERASED_NOTE
    readable = everything_readable(world, person_id) + world.client.get("/blanketter?status=approved").get_data(
        as_text=True) + world.api("GET", f"/audit/events?aggregate={request_id}", "gun").get_data(as_text=True)
    for secret in (*SECRETS, "Blåbärsmötet"):
        assert secret not in readable and json.dumps(secret) not in readable, secret
    assert ERASED_NOTE in world.client.get("/blanketter?status=approved").get_data(as_text=True)
    world.client.get("/sprak/en?next=/")
    english = world.client.get("/blanketter?status=approved").get_data(as_text=True)
    assert "(note erased)" in english and ERASED_NOTE not in english
    assert files_holding(data_dir, needles_for(key) + ["Blåbärsmötet".encode()]) == []
    log = stored_log(world)
    assert NAME.encode() not in log and EMAIL.encode() not in log

    result = world.app.test_cli_runner().invoke(args=["db", "rebuild-pages"])
    assert result.exit_code == 0, result.output
    assert note_of(world, request_id) == ERASED_NOTE


@pytest.mark.parametrize("erased", ["ending", "appointed"])
def test_erasing_either_person_a_note_names_erases_it(world, erased):
    """Zelda's term ends and Yngve's starts on one form: its note is gone once either is erased."""
    zelda_id, _ = appoint_zelda(world)
    note = f"{NAME} slutar; {YNGVE['name']} ({YNGVE['email']}) tar över. Lingonkod 4471."
    request_id = submitted_form(world, note, {"action": "end", "role": "substitute", "person_id": zelda_id,
                                              "on": "2024-12-31"},
                                {"action": "appoint", "role": "substitute", "from": "2025-01-01", "person": YNGVE})
    yngve_id = world.api("GET", f"/membership-requests/{request_id}", "eva").json["changes"][1]["person_id"]
    assert note_of(world, request_id) == note
    sealed = world.api("GET", f"/audit/events?aggregate={request_id}", "gun").json["items"][0]["data"]["note"]
    assert sealed["people"] == [zelda_id, yngve_id]

    erased_id, kept_id = (zelda_id, yngve_id) if erased == "ending" else (yngve_id, zelda_id)
    assert world.api("POST", f"/people/{erased_id}/erase", "adam").status_code == 200

    assert note_of(world, request_id) == ERASED_NOTE
    assert world.api("GET", f"/people/{kept_id}", "eva").json["erased"] is False
    data_dir = Path(world.app.config["DATA_DIR"])
    erased_email = EMAIL if erased == "ending" else YNGVE["email"]
    assert files_holding(data_dir, [b"Lingonkod 4471", erased_email.encode()]) == []
    assert b"Lingonkod" not in stored_log(world)


def test_a_note_on_a_form_naming_an_erased_person_is_refused(world):
    zelda_id, _ = appoint_zelda(world)
    assert world.api("POST", f"/people/{zelda_id}/erase", "adam").status_code == 200
    before = world.wiki.position()
    ending = {"action": "end", "role": "substitute", "person_id": zelda_id, "on": "2024-12-31"}
    refused = world.api("POST", "/membership-requests", "maja",
                        json={"organisation": world.falun, "note": f"{NAME} slutar", "changes": [ending]})
    assert refused.status_code == 400 and refused.json["error"]["field"] == "note", refused.json
    assert world.wiki.position() == before
    assert world.api("POST", "/membership-requests", "maja",
                     json={"organisation": world.falun, "note": "", "changes": [ending]}).status_code == 201


def test_a_plain_note_recorded_before_notes_were_sealed_loads_and_leaves_the_read_model_on_erasure(world):
    """Old `Submitted` events carry the note as a plain str: it still reads, the form can be
    approved, and erasing the person it names overwrites the read model's copy."""
    person = world.wiki.new_person({"name": NAME, "email": EMAIL, "phone": PHONE, "title": TITLE}, "maja")
    request = MembershipRequest(id=uuid4(), organisation=world.falun, note=f"Gammal anteckning om {NAME}",
                                changes=[{"action": "appoint", "role": "substitute", "person_id": str(person.id),
                                          "from": "2024-03-01"}], actor="maja")
    world.wiki.save(person, request)
    request_id, person_id = str(request.id), str(person.id)
    assert note_of(world, request_id) == f"Gammal anteckning om {NAME}"
    assert world.api("POST", f"/membership-requests/{request_id}/approve", "eva").status_code == 200

    assert world.api("POST", f"/people/{person_id}/erase", "adam").status_code == 200
    assert note_of(world, request_id) == ERASED_NOTE
    holding = files_holding(Path(world.app.config["DATA_DIR"]), [b"Gammal anteckning"])
    assert all(name.startswith("events.sqlite") for name, _ in holding)  # only the log, which can't change
    result = world.app.test_cli_runner().invoke(args=["db", "rebuild-pages"])
    assert result.exit_code == 0, result.output
    assert note_of(world, request_id) == ERASED_NOTE
