"""The tamper-evident audit trail: digest and verify (API and CLI) against a real SQLite store
whose rows the tests alter behind the application's back, and the browsable event log."""

import csv
import io
import json
import re
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from events.audit import AuditChain
from events.application import is_postgres
from stores import make_app

HEX64 = re.compile(r"[0-9a-f]{64}")


# ---- helpers -----------------------------------------------------------------------------

def populate(world):
    """A small history: two forms (one approved, one rejected), an example, and every token."""
    for username in ("maja", "olle", "eva", "gun", "adam"):
        world.token(username)
    response = world.api("POST", "/membership-requests", "maja", json={
        "organisation": world.falun, "note": "Ny representant",
        "changes": [{"action": "appoint", "role": "representative", "from": "2020-01-01",
                     "person": {"name": "Anna Lindqvist", "email": "anna.lindqvist@example.se",
                                "phone": "070-123 45 67", "title": "Strateg"}}]})
    assert response.status_code == 201, response.json
    approved = response.json["id"]
    assert world.api("POST", f"/membership-requests/{approved}/approve", "eva").status_code == 200
    response = world.api("POST", "/membership-requests", "olle", json={
        "organisation": world.mora,
        "changes": [{"action": "appoint", "role": "substitute", "from": "2021-01-01",
                     "person": {"name": "Bertil Öberg", "email": "bertil@example.se"}}]})
    assert response.status_code == 201, response.json
    rejected = response.json["id"]
    assert world.api("POST", f"/membership-requests/{rejected}/reject", "eva",
                     json={"reason": "Fel datum"}).status_code == 200
    world.example("eva", title="Samverkan kring våldsutsatta kvinnor", organisations=[world.falun])
    return approved, rejected


def head(world):
    return world.api("GET", "/health").json["position"]


def digest(world, username="gun"):
    response = world.api("GET", "/audit/digest", username)
    assert response.status_code == 200, response.json
    return response.json


def verify(world, body=None, username="gun"):
    response = world.api("POST", "/audit/verify", username, json=body) if body is not None else \
        world.api("POST", "/audit/verify", username)
    assert response.status_code == 200, response.json
    return response.json


def all_events(world, username="gun", **filters):
    """Pages through /audit/events with `next`, checking each page."""
    items, after, pages = [], 0, 0
    while True:
        query = "&".join(f"{k}={v}" for k, v in {"after": after, **filters}.items())
        response = world.api("GET", f"/audit/events?{query}", username)
        assert response.status_code == 200, response.json
        items += response.json["items"]
        pages += 1
        assert pages < 10_000
        if response.json["next"] is None:
            return items
        assert response.json["next"] > after
        after = response.json["next"]


class PostgresStore:
    """The tests' SQL on the PostgreSQL log: `stored_events`/`rowid` name its table and position."""

    def __init__(self, url: str):
        import psycopg
        base, _, query = url.partition("?schema=")
        self.table = f"{query}.wiki_events"
        self.connection = psycopg.connect(base)

    def execute(self, statement: str, params=()):
        statement = (statement.replace("stored_events", self.table).replace("rowid", "notification_id")
                     .replace("?", "%s"))
        return self.connection.execute(statement, params)

    def __enter__(self):
        return self

    def __exit__(self, kind, *_):
        if kind is None:
            self.connection.commit()
        self.connection.close()


def store(world):
    """The stored log itself, to tamper with as someone with access to the database would."""
    if is_postgres(world.app.config["EVENT_STORE"]):
        return PostgresStore(world.app.config["EVENT_STORE"])
    return sqlite3.connect(Path(world.app.config["DATA_DIR"]) / "events.sqlite", timeout=30)


def kept_links(world):
    return sqlite3.connect(Path(world.app.config["DATA_DIR"]) / "audit.sqlite", timeout=30)


def row(world, position):
    with store(world) as db:
        found = db.execute("SELECT originator_id, originator_version, topic, state FROM stored_events WHERE rowid=?",
                           (position,)).fetchone()
        return found and tuple(bytes(v) if isinstance(v, memoryview) else v for v in found)


def cli_verify(app, digest_=None):
    args = ["audit", "verify"] + (["--digest", json.dumps(digest_)] if digest_ is not None else [])
    return app.test_cli_runner().invoke(args=args)


def reported(output):
    return [int(n) for n in re.findall(r"\d+", output)]


@pytest.fixture
def fresh_app(world):
    """Opens a second app on the same data folder after the store was altered."""
    opened = []

    def open_():
        app = make_app({"DATA_DIR": world.app.config["DATA_DIR"], "TESTING": True, "INDEX_FOLLOWER": "none"})
        opened.append(app)
        return app

    yield open_
    for app in opened:
        app.extensions["lansgrupp"].close()


# ---- digest and verify ---------------------------------------------------------------------

def test_digest_matches_the_log_position(world):
    populate(world)
    for username in ("gun", "eva", "adam"):
        d = digest(world, username)
        assert set(d) == {"position", "sha256"}
        assert HEX64.fullmatch(d["sha256"])
        assert d["position"] == head(world)
        assert d["position"] >= 15
    assert verify(world, d) == {"ok": True}
    assert verify(world) == {"ok": True}


@pytest.mark.parametrize("username,status", [("maja", 403), ("olle", 403), (None, 401)])
def test_digest_and_verify_access(world, username, status):
    assert world.api("GET", "/audit/digest", username).status_code == status
    assert world.api("POST", "/audit/verify", username, json={}).status_code == status
    assert world.api("GET", "/audit/events", username).status_code == status


def test_verify_rejects_bad_digests(world):
    d = digest(world)
    for body in ({"position": "7", "sha256": d["sha256"]}, {"position": -1, "sha256": d["sha256"]},
                 {"position": d["position"], "sha256": "xyz"}, {"position": d["position"], "sha256": "ab" * 31},
                 {"position": True, "sha256": d["sha256"]}):
        response = world.api("POST", "/audit/verify", "gun", json=body)
        assert response.status_code == 400, (body, response.json)


def test_a_wrong_digest_is_not_ok(world):
    populate(world)
    d = digest(world)
    wrong = {"position": d["position"], "sha256": ("0" if d["sha256"][0] != "0" else "1") + d["sha256"][1:]}
    result = verify(world, wrong)
    assert result["ok"] is False
    assert 1 <= result["first_bad_position"] <= d["position"]
    # a digest of an earlier position does not match the head of today
    earlier = {"position": d["position"] - 1, "sha256": d["sha256"]}
    assert verify(world, earlier)["ok"] is False


def test_an_earlier_digest_still_verifies_after_more_events(world):
    before = digest(world)
    populate(world)
    after = digest(world)
    assert after["position"] > before["position"]
    assert after["sha256"] != before["sha256"]
    assert verify(world, before) == {"ok": True}
    assert verify(world, after) == {"ok": True}


def test_cli_digest_and_verify(world):
    populate(world)
    api = digest(world)
    runner = world.app.test_cli_runner()
    result = runner.invoke(args=["audit", "digest"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0]) == api

    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "ok"
    result = runner.invoke(args=["audit", "verify", "--digest", json.dumps(api)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "ok"
    result = runner.invoke(args=["audit", "verify", "--digest", "inte json"])
    assert result.exit_code not in (0, 1)
    assert result.output.strip() != "ok"


def test_a_second_app_on_the_same_folder_gives_the_same_digest(world, fresh_app):
    populate(world)
    d = digest(world)
    other = fresh_app()
    result = other.test_cli_runner().invoke(args=["audit", "digest"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == d
    assert cli_verify(other, d).exit_code == 0


# ---- tampering with the stored rows --------------------------------------------------------

def _position_of(world, type_, aggregate=None):
    items = all_events(world, type=type_, **({"aggregate": aggregate} if aggregate else {}))
    assert items, type_
    return items[0]["position"]


def test_an_altered_event_is_reported_at_its_position(world, fresh_app):
    approved, _ = populate(world)
    d = digest(world)
    position = _position_of(world, "MembershipRequest.Submitted", approved)
    assert 1 < position < d["position"]
    _, _, _, state = row(world, position)
    assert b"falu-kommun" in state
    with store(world) as db:
        db.execute("UPDATE stored_events SET state=? WHERE rowid=?",
                   (state.replace(b"falu-kommun", b"mora-kommun"), position))
    assert row(world, position)[3] != state

    assert verify(world) == {"ok": False, "first_bad_position": position}
    assert verify(world, d) == {"ok": False, "first_bad_position": position}

    result = cli_verify(world.app)
    assert result.exit_code == 1, result.output
    assert position in reported(result.output)
    assert "ok" != result.output.strip()

    other = fresh_app()
    result = cli_verify(other, d)
    assert result.exit_code == 1, result.output
    assert position in reported(result.output)


def test_a_single_flipped_byte_is_reported(world, fresh_app):
    populate(world)
    d = digest(world)
    position = 3
    state = row(world, position)[3]
    flipped = bytearray(state)
    flipped[-2] ^= 0x01
    with store(world) as db:
        db.execute("UPDATE stored_events SET state=? WHERE rowid=?", (bytes(flipped), position))
    other = fresh_app()
    result = cli_verify(other)
    assert result.exit_code == 1, result.output
    assert position in reported(result.output)
    assert verify(world, d) == {"ok": False, "first_bad_position": position}


def test_an_altered_topic_is_reported(world):
    populate(world)
    d = digest(world)
    with store(world) as db:
        db.execute("UPDATE stored_events SET topic=? WHERE rowid=?",
                   ("events.organisations:Organisation.Left", 2))
    assert verify(world, d) == {"ok": False, "first_bad_position": 2}


def test_a_deleted_middle_event_is_reported_at_its_position(world, fresh_app):
    populate(world)
    d = digest(world)
    position = d["position"] // 2
    assert row(world, position) is not None
    with store(world) as db:
        db.execute("DELETE FROM stored_events WHERE rowid=?", (position,))
    assert row(world, position) is None

    assert verify(world) == {"ok": False, "first_bad_position": position}
    assert verify(world, d) == {"ok": False, "first_bad_position": position}
    other = fresh_app()
    result = cli_verify(other)
    assert result.exit_code == 1, result.output
    assert position in reported(result.output)
    result = cli_verify(world.app, d)
    assert result.exit_code == 1, result.output
    assert position in reported(result.output)


def test_the_first_event_deleted_is_reported(world):
    populate(world)
    d = digest(world)
    with store(world) as db:
        db.execute("DELETE FROM stored_events WHERE rowid=1")
    assert verify(world, d) == {"ok": False, "first_bad_position": 1}


def test_swapped_events_are_reported_at_the_lower_position(world, fresh_app):
    approved, rejected = populate(world)
    d = digest(world)
    low = _position_of(world, "MembershipRequest.Submitted", approved)
    high = _position_of(world, "MembershipRequest.Submitted", rejected)
    assert low < high
    a, b = row(world, low), row(world, high)
    with store(world) as db:
        db.execute("UPDATE stored_events SET topic=?, state=? WHERE rowid=?", (b[2], b[3], low))
        db.execute("UPDATE stored_events SET topic=?, state=? WHERE rowid=?", (a[2], a[3], high))
    assert row(world, low)[3] == b[3] and row(world, high)[3] == a[3]

    assert verify(world) == {"ok": False, "first_bad_position": low}
    assert verify(world, d) == {"ok": False, "first_bad_position": low}
    result = cli_verify(fresh_app())
    assert result.exit_code == 1, result.output
    assert low in reported(result.output)


def test_reordered_rows_are_reported_at_the_lower_position(world):
    populate(world)
    d = digest(world)
    low, high = 4, 9
    with store(world) as db:
        db.execute("UPDATE stored_events SET rowid=-1 WHERE rowid=?", (low,))
        db.execute("UPDATE stored_events SET rowid=? WHERE rowid=?", (low, high))
        db.execute("UPDATE stored_events SET rowid=? WHERE rowid=-1", (high,))
    assert verify(world) == {"ok": False, "first_bad_position": low}
    assert verify(world, d) == {"ok": False, "first_bad_position": low}


def test_deleting_the_newest_events_is_caught_against_an_earlier_digest(world, fresh_app):
    populate(world)
    d = digest(world)
    last = d["position"]
    first_deleted = last - 2
    with store(world) as db:
        db.execute("DELETE FROM stored_events WHERE rowid>=?", (first_deleted,))
    assert head(world) == last - 3

    # the kept links still remember the deleted events
    result = verify(world)
    assert result["ok"] is False
    assert result["first_bad_position"] <= first_deleted

    result = verify(world, d)
    assert result["ok"] is False
    assert result["first_bad_position"] <= first_deleted
    result = cli_verify(world.app, d)
    assert result.exit_code == 1, result.output
    assert reported(result.output) and min(reported(result.output)) <= first_deleted

    # the kept chain file is cut back too: only the digest can tell
    with kept_links(world) as db:
        db.execute("DELETE FROM links WHERE position>=?", (first_deleted,))
    result = verify(world, d)
    assert result["ok"] is False
    assert result["first_bad_position"] <= first_deleted
    for app in (world.app, fresh_app()):
        result = cli_verify(app, d)
        assert result.exit_code == 1, result.output
        numbers = reported(result.output)
        assert numbers and min(numbers) <= first_deleted


def test_truncating_and_appending_again_is_caught_against_a_digest(world):
    populate(world)
    d = digest(world)
    last = d["position"]
    with store(world) as db:
        db.execute("DELETE FROM stored_events WHERE rowid>?", (last - 3,))
        if isinstance(db, PostgresStore):
            db.execute(f"SELECT setval(pg_get_serial_sequence('{db.table}', 'notification_id'), ?)", (last - 3,))
    with kept_links(world) as db:
        db.execute("DELETE FROM links WHERE position>?", (last - 3,))
    # new events take the deleted positions
    for n in range(4):
        world.wiki.save(world.wiki.new_person(
            {"name": f"Ny person {n}", "email": "", "phone": "", "title": ""}, "adam"))
    assert head(world) == last + 1
    result = verify(world, d)
    assert result["ok"] is False
    assert result["first_bad_position"] <= last


# ---- the event log -------------------------------------------------------------------------

def test_events_in_log_order_with_their_fields(world):
    approved, rejected = populate(world)
    items = world.api("GET", "/audit/events?limit=500", "gun").json
    assert items["next"] is None
    events = items["items"]
    assert [e["position"] for e in events] == list(range(1, head(world) + 1))
    for event in events:
        assert set(event) == {"position", "aggregate_id", "version", "type", "at", "actor", "actor_id", "actor_erased",
                              "data"}
        datetime.fromisoformat(event["at"].replace("Z", "+00:00"))
        assert isinstance(event["data"], dict)

    submitted = [e for e in events if e["aggregate_id"] == approved]
    assert [(e["type"], e["version"], e["actor"]) for e in submitted] == [
        ("MembershipRequest.Submitted", 1, "maja"), ("MembershipRequest.Approved", 2, "eva")]
    assert submitted[0]["data"]["organisation"] == world.falun
    rejection = [e for e in events if e["aggregate_id"] == rejected][-1]
    assert (rejection["type"], rejection["actor"], rejection["data"]["reason"]) == (
        "MembershipRequest.Rejected", "eva", "Fel datum")

    registered = [e for e in events if e["type"] == "Organisation.Registered"]
    assert [e["data"]["slug"] for e in registered] == [world.falun, world.mora]

    # personal data lives in the person's events only; forms and terms refer to the person by id
    people = [e for e in events if e["type"] == "Person.Registered"]
    assert {e["data"]["name"] for e in people} == {"Anna Lindqvist", "Bertil Öberg"}
    for event in events:
        if event["type"] != "Person.Registered":
            text = json.dumps(event, ensure_ascii=False)
            assert "Lindqvist" not in text and "anna.lindqvist@example.se" not in text and "Öberg" not in text
    person_ids = {e["aggregate_id"] for e in people}
    assert {c["person_id"] for c in submitted[0]["data"]["changes"]} <= person_ids


def test_events_paging_has_no_gaps_or_repeats(world):
    populate(world)
    total = head(world)
    for limit in (1, 3, 7):
        paged = all_events(world, limit=limit)
        assert [e["position"] for e in paged] == list(range(1, total + 1))
    page = world.api("GET", "/audit/events?after=5&limit=4", "eva").json
    assert [e["position"] for e in page["items"]] == [6, 7, 8, 9]
    assert page["next"] == 9
    assert world.api("GET", f"/audit/events?after={total}", "adam").json == {"items": [], "next": None}


def test_events_filters(world):
    approved, rejected = populate(world)
    everything = all_events(world, limit=500)

    by_type = all_events(world, type="MembershipRequest.Submitted", limit=1)
    assert [e["aggregate_id"] for e in by_type] == [approved, rejected]
    assert {e["type"] for e in by_type} == {"MembershipRequest.Submitted"}

    organisations = all_events(world, type="Organisation.Registered")
    assert [e["data"]["slug"] for e in organisations] == [world.falun, world.mora]

    by_actor = all_events(world, actor="olle", limit=2)
    assert by_actor == [e for e in everything if e["actor"] == "olle"]
    assert {e["type"] for e in by_actor} >= {"MembershipRequest.Submitted", "Person.Registered"}

    by_aggregate = all_events(world, aggregate=approved)
    assert [(e["type"], e["version"]) for e in by_aggregate] == [
        ("MembershipRequest.Submitted", 1), ("MembershipRequest.Approved", 2)]

    combined = all_events(world, type="MembershipRequest.Rejected", actor="eva")
    assert [e["aggregate_id"] for e in combined] == [rejected]
    assert all_events(world, actor="ingen") == []

    assert world.api("GET", "/audit/events?aggregate=inte-ett-id", "gun").status_code == 400
    assert world.api("GET", "/audit/events?after=abc", "gun").status_code == 400
    assert world.api("GET", "/audit/events?limit=-3", "gun").status_code == 400


def test_register_changes_name_the_approving_account(world):
    populate(world)
    roster_events = [e for e in all_events(world, limit=500) if e["type"].startswith("Roster.")]
    assert {e["type"] for e in roster_events} >= {"Roster.Appointed"}
    assert {e["actor"] for e in roster_events} == {"eva"}
    assert any(e["type"] == "Roster.Appointed" for e in all_events(world, actor="eva"))


# ---- many events ---------------------------------------------------------------------------

def test_digest_over_thousands_of_events(world, tmp_path):
    populate(world)
    before = digest(world)
    for batch in range(4):
        people = [world.wiki.new_person({"name": f"Person {batch}-{n}", "email": f"p{batch}.{n}@example.se",
                                         "phone": "", "title": ""}, "adam") for n in range(500)]
        world.wiki.save(*people)
    first = digest(world)
    assert first["position"] == before["position"] + 2000 == head(world)
    second = digest(world)
    assert second == first
    assert world.app.test_cli_runner().invoke(args=["audit", "digest"]).output.strip() == json.dumps(first)
    assert verify(world) == {"ok": True}
    assert verify(world, before) == {"ok": True}
    assert verify(world, first) == {"ok": True}

    # the incrementally kept chain equals one computed from scratch over the same log
    scratch = AuditChain(str(tmp_path / "scratch-audit.sqlite"), world.wiki.recorder)
    try:
        assert scratch.digest() == first
    finally:
        scratch.close()

    # the event log's limit is capped at 500, not refused
    response = world.api("GET", "/audit/events?limit=100000", "gun")
    assert response.status_code == 200
    assert len(response.json["items"]) == 500
    assert [e["position"] for e in response.json["items"]] == list(range(1, 501))
    assert response.json["next"] == 500
    response = world.api("GET", "/audit/events?type=Person.Registered&after=100&limit=501", "eva")
    assert len(response.json["items"]) == 500
    assert {e["type"] for e in response.json["items"]} == {"Person.Registered"}

    # tampering deep in the new events is still found
    with store(world) as db:
        db.execute("DELETE FROM stored_events WHERE rowid=?", (before["position"] + 1234,))
    assert verify(world, first) == {"ok": False, "first_bad_position": before["position"] + 1234}


# ---- malformed rows ------------------------------------------------------------------------

def _verify_page(world, text="", client=None):
    client = client or world.browser("gun")
    page = client.get("/granskning/verifiera").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post("/granskning/verifiera", data={"csrf_token": token, "digest": text})


def _malformations(world):
    """Ways a stored row can hold the wrong types, as the store's own SQL allows them."""
    if is_postgres(world.app.config["EVENT_STORE"]):
        return {"state is NULL": "UPDATE stored_events SET state=NULL WHERE rowid=?",
                "topic is NULL": "UPDATE stored_events SET topic=NULL WHERE rowid=?"}
    return {"state is TEXT": "UPDATE stored_events SET state=CAST(state AS TEXT) WHERE rowid=?",
            "state is NULL": "UPDATE stored_events SET state=NULL WHERE rowid=?",
            "topic is NULL": "UPDATE stored_events SET topic=NULL WHERE rowid=?",
            "topic is a BLOB": "UPDATE stored_events SET topic=CAST(topic AS BLOB) WHERE rowid=?",
            "version is TEXT": "UPDATE stored_events SET originator_version='sju' WHERE rowid=?",
            "aggregate id is no uuid": "UPDATE stored_events SET originator_id='inte-ett-uuid' WHERE rowid=?"}


@pytest.mark.parametrize("kind", ["state is TEXT", "state is NULL", "topic is a BLOB", "topic is NULL",
                                  "version is TEXT", "aggregate id is no uuid"])
def test_a_row_of_the_wrong_type_is_reported_not_a_crash(world, fresh_app, kind):
    populate(world)
    browser = world.browser("gun")
    d = digest(world)
    statement = _malformations(world).get(kind)
    if statement is None:
        pytest.skip(f"the store's column types do not allow: {kind}")
    position = d["position"] // 2
    with store(world) as db:
        db.execute(statement, (position,))
    expected = {"ok": False, "first_bad_position": position}
    assert verify(world) == expected
    assert verify(world, d) == expected
    for app in (world.app, fresh_app()):
        result = cli_verify(app, d)
        assert result.exit_code == 1, result.output
        assert reported(result.output) == [position], result.output
    assert world.api("GET", "/audit/digest", "gun").json == d
    page = _verify_page(world, client=browser)
    assert page.status_code == 200
    assert f"Första felaktiga position: {position}." in page.get_data(as_text=True)


def test_a_malformed_row_appended_to_the_store_is_reported_by_the_cli(world, fresh_app):
    populate(world)
    d = digest(world)
    # The first app's follower thread would log the bad row's traceback while the second app
    # compiles its routes, and CPython 3.11's AST constructor is not thread-safe (gh-106905).
    world.services.background.stop()
    with store(world) as db:
        if isinstance(db, PostgresStore):
            db.execute("INSERT INTO stored_events (originator_id, originator_version, topic, state) "
                       "VALUES (gen_random_uuid(), 1, 'events.people:Person.Registered', NULL)")
        else:
            db.execute("INSERT INTO stored_events (originator_id, originator_version, topic, state) "
                       "VALUES ('inte-ett-uuid', 1, 'events.people:Person.Registered', 'text')")
    other = fresh_app()
    runner = other.test_cli_runner()
    digest_after = runner.invoke(args=["audit", "digest"])
    assert digest_after.exit_code == 0, digest_after.output
    assert json.loads(digest_after.output)["position"] == d["position"] + 1
    result = cli_verify(other, d)
    assert result.exit_code == 1, result.output
    assert reported(result.output) == [d["position"] + 1]


# ---- what a digest can and cannot name -----------------------------------------------------

def _alter(world, position):
    """Changes one byte of a stored event, keeping its row well formed."""
    state = row(world, position)[3]
    altered = bytearray(state)
    altered[len(altered) // 2] ^= 0x01
    with store(world) as db:
        db.execute("UPDATE stored_events SET state=? WHERE rowid=?", (bytes(altered), position))


def _rebuild_kept_links(world):
    """What someone who can write the data folder does after altering the store: recomputes
    every link, so the kept chain agrees with the altered rows."""
    with kept_links(world) as db:
        db.execute("DELETE FROM links")
    digest(world)


def test_a_changed_row_is_named_while_the_kept_links_are_intact(world, fresh_app):
    populate(world)
    d = digest(world)
    _alter(world, 5)
    assert verify(world, d) == {"ok": False, "first_bad_position": 5}
    result = cli_verify(fresh_app(), d)
    assert result.exit_code == 1 and reported(result.output) == [5], result.output


def test_when_the_links_were_recomputed_only_the_digest_disagrees_and_says_so(world, fresh_app):
    populate(world)
    d = digest(world)
    _alter(world, 5)
    _rebuild_kept_links(world)
    assert verify(world) == {"ok": True}, "the chain alone cannot see a rewrite of both files"
    assert verify(world, d) == {"ok": False, "first_bad_position": d["position"], "reason": "digest_mismatch",
                                "digest_position": d["position"]}
    for app in (world.app, fresh_app()):
        result = cli_verify(app, d)
        assert result.exit_code == 1, result.output
        assert f"loggen stämmer inte längre med digesten tagen vid position {d['position']}" in result.output
        assert "första felaktiga position" not in result.output
    page = _verify_page(world, json.dumps(d)).get_data(as_text=True)
    assert f"Loggen stämmer inte längre med digesten tagen vid position {d['position']}." in page


def test_earlier_digests_bound_where_the_change_is(world, fresh_app, tmp_path):
    early = digest(world)
    populate(world)
    middle = digest(world)
    world.example("maja", title="Ett senare exempel")
    late = digest(world)
    assert early["position"] + 1 < middle["position"] < late["position"]
    changed = early["position"] + 1
    _alter(world, changed)
    _rebuild_kept_links(world)

    result = world.services.audit.verify([late, early, middle])
    assert result == {"ok": False, "first_bad_position": middle["position"], "reason": "digest_mismatch",
                      "digest_position": middle["position"], "unchanged_through": early["position"]}
    cli = fresh_app().test_cli_runner().invoke(args=["audit", "verify", "--digest", json.dumps(late),
                                                     "--digest", json.dumps(early), "--digest", json.dumps(middle)])
    assert cli.exit_code == 1, cli.output
    assert f"mellan position {changed} och {middle['position']}" in cli.output
    kept = tmp_path / "digests.jsonl"
    kept.write_text("".join(json.dumps(x) + "\n" for x in (early, middle, late)))
    cli = fresh_app().test_cli_runner().invoke(args=["audit", "verify", "--digests", str(kept)])
    assert cli.exit_code == 1 and f"mellan position {changed} och {middle['position']}" in cli.output
    page = _verify_page(world, "\n".join(json.dumps(x) for x in (early, middle, late))).get_data(as_text=True)
    assert f"mellan position {changed} och {middle['position']}" in page
    # a change after every digest is no change to them
    assert world.services.audit.verify([early]) == {"ok": True}


def test_verify_with_a_malformed_digest_list_is_a_usage_error(world):
    populate(world)
    d = digest(world)
    runner = world.app.test_cli_runner()
    for bad in ('{"position": 3}', '[1, 2]', '{"position": -1, "sha256": "' + "0" * 64 + '"}',
                '{"position": 1e999, "sha256": "' + "0" * 64 + '"}'):
        result = runner.invoke(args=["audit", "verify", "--digest", json.dumps(d), "--digest", bad])
        assert result.exit_code == 2, (bad, result.output)
    for text in ('{"position": 3}', "[1, 2]", json.dumps(d) + "\ninte json", '{"position": 1e999, "sha256": "x"}'):
        assert _verify_page(world, text).status_code == 400, text


# ---- spreadsheet formulas in the CSV export ------------------------------------------------

FORMULAS = {"name": '=HYPERLINK("http://x","y")', "email": "=cmd@example.se", "phone": "+46 70 123 45 67",
            "title": "@SUM(1)"}


def test_the_csv_export_neutralises_cells_that_start_a_formula(world):
    response = world.api("POST", "/membership-requests", "maja", json={
        "organisation": world.falun, "changes": [
            {"action": "appoint", "role": "representative", "from": "2020-01-01", "person": FORMULAS},
            {"action": "appoint", "role": "substitute", "from": "2020-01-01",
             "person": {"name": "-2+3", "email": "", "phone": "", "title": "Vanlig titel"}}]})
    assert response.status_code == 201, response.json
    assert world.api("POST", f"/membership-requests/{response.json['id']}/approve", "eva").status_code == 200

    api = world.api("GET", "/audit/export?what=membership&format=csv", "gun").get_data(as_text=True)
    page = world.browser("gun").get("/register/export.csv").get_data(as_text=True)
    cli = world.app.test_cli_runner().invoke(args=["audit", "export", "--format", "csv"])
    assert cli.exit_code == 0, cli.output
    for text in (api, page, cli.stdout):
        rows = {row["role"]: row for row in csv.DictReader(io.StringIO(text))}
        first, second = rows["representative"], rows["substitute"]
        assert {k: first[k] for k in FORMULAS} == {k: "'" + v for k, v in FORMULAS.items()}
        assert second["name"] == "'-2+3" and second["title"] == "Vanlig titel"
        assert first["from"] == "2020-01-01" and first["organisation"] == world.falun
        for row in rows.values():
            for value in row.values():
                assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value

    jsonl = world.api("GET", "/audit/export?what=membership&format=jsonl", "gun").get_data(as_text=True)
    lines = {line["role"]: line for line in map(json.loads, jsonl.splitlines())}
    assert {k: lines["representative"][k] for k in FORMULAS} == FORMULAS
    assert lines["substitute"]["name"] == "-2+3"


def test_csv_cells_starting_with_tab_or_carriage_return_are_neutralised_too():
    from wiki.audit_export import csv_cell
    assert [csv_cell(v) for v in ("\tx", "\rx", "=1", "+1", "-1", "@x", "a=1", "", None, 7)] == [
        "'\tx", "'\rx", "'=1", "'+1", "'-1", "'@x", "a=1", "", "", "7"]
