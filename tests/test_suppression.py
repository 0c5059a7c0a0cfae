"""Suppressing a revision (issue 12): an admin destroys one earlier revision's text. It is gone
from every answer and every file, the history keeps a line with who and why, every other
revision still reads, and the audit trail still verifies, also against an older digest."""

from pathlib import Path

import pytest

from tests.test_erasure import files_holding
from tests.test_pages import sign_in

SECRET = "Zorblaxia Quembly"
PHONE = "070-918 27 36"
BODY_1 = f"Vi stödde {SECRET} i Falun, nås på {PHONE}. Samverkan med socialtjänsten."
BODY_2 = "Vi stödde en kvinna i Falun. Samverkan med socialtjänsten."


def stored_rows(world) -> bytes:
    """Everything the event store holds: events and snapshots (SQLite file bytes, or PostgreSQL rows)."""
    store = world.app.config["EVENT_STORE"]
    if store.startswith("postgres"):
        import psycopg
        base, _, schema = store.partition("?schema=")
        with psycopg.connect(base) as connection:
            rows = connection.execute(f"SELECT topic, state FROM {schema}.wiki_events UNION ALL "
                                      f"SELECT topic, state FROM {schema}.wiki_snapshots").fetchall()
        return b"".join(topic.encode() + bytes(state) for topic, state in rows)
    return b"".join(p.read_bytes() for p in Path(world.app.config["DATA_DIR"]).glob("events.sqlite*"))


def needles() -> list[bytes]:
    return [SECRET.encode(), b"Zorblaxia", PHONE.encode(), "Zorblaxia".encode("utf-16-le")]


def written_then_cleaned(world) -> tuple[str, int]:
    """Maja writes the name and phone into revision 1, removes them in revision 2; eva publishes."""
    slug = world.example("maja", title="Stöd i Falun", body=BODY_1, comment=f"Om {SECRET}")
    assert search_total(world, "Zorblaxia", world.wiki.position(), "gun") == 1  # indexed while current
    edited = world.api("PUT", f"/examples/{slug}", "maja", json={"base_version": 1, "body": BODY_2,
                                                                 "comment": "Tog bort namnet"})
    assert edited.status_code == 200, edited.json
    published = world.api("POST", f"/examples/{slug}/publish", "eva")
    assert published.status_code == 200, published.json
    return published.json["slug"], published.json["position"]


def search_total(world, query, position, username="adam") -> int:
    response = world.api("GET", f"/search?q={query}&min_position={position}", username)
    assert response.status_code == 200, response.json
    return response.json["total"]


def test_a_revision_is_sealed_in_the_log_and_its_snapshots(world):
    slug = world.example("maja", title="Förseglad", body=BODY_1)
    for n in range(1, 24):  # past the snapshot interval (20 events)
        assert world.api("PUT", f"/examples/{slug}", "maja",
                         json={"base_version": n, "body": f"{BODY_1} ({n})"}).status_code == 200
    assert list(world.wiki.snapshots.get(world.wiki.example_id(slug))), "a snapshot holds the current revision"
    log = stored_rows(world)
    for needle in needles():
        assert needle not in log
    assert world.api("GET", f"/examples/{slug}", "maja").json["body"] == f"{BODY_1} (23)"


@pytest.mark.parametrize("username,status", [(None, 401), ("maja", 403), ("eva", 403), ("gun", 403)])
def test_only_an_admin_suppresses(world, username, status):
    slug, _ = written_then_cleaned(world)
    world.headers(username)  # signing in records a token event; do it first
    before = world.wiki.position()
    response = world.api("POST", f"/examples/{slug}/versions/1/suppress", username, json={"reason": "Namn"})
    assert response.status_code == status
    assert world.wiki.position() == before
    assert world.api("GET", f"/examples/{slug}?version=1", "eva").json["body"] == BODY_1


def test_bad_suppressions_are_refused_and_change_nothing(world):
    slug, _ = written_then_cleaned(world)
    world.headers("adam")
    before = world.wiki.position()
    cases = [(2, {"reason": "x"}, 409, "conflict"),  # the current revision: edit it first
             (3, {"reason": "x"}, 404, "not_found"), (1, {}, 400, "invalid"), (1, {"reason": "  "}, 400, "invalid"),
             (1, {"reason": "x", "extra": 1}, 400, "invalid")]
    for version, body, status, code in cases:
        response = world.api("POST", f"/examples/{slug}/versions/{version}/suppress", "adam", json=body)
        assert (response.status_code, response.json["error"]["code"]) == (status, code), (version, body)
    assert world.api("POST", "/examples/finns-inte/versions/1/suppress", "adam",
                     json={"reason": "x"}).status_code == 404
    assert world.wiki.position() == before


def test_a_suppressed_revision_is_gone_from_every_answer_and_file(world):
    slug, position = written_then_cleaned(world)
    data_dir = Path(world.app.config["DATA_DIR"])
    assert search_total(world, "Zorblaxia", position) == 0  # not current: the index holds revision 2
    assert world.api("GET", f"/examples/{slug}?version=1", "adam").json["body"] == BODY_1
    assert files_holding(data_dir, needles()), "the scan sees the read model's copy before suppression"
    digest_before = world.api("GET", "/audit/digest", "gun").json

    response = world.api("POST", f"/examples/{slug}/versions/1/suppress", "adam",
                         json={"reason": "Namn och telefonnummer till en utsatt kvinna"})
    assert response.status_code == 200, response.json
    position = response.json["position"]

    for username, status in (("adam", 410), ("eva", 410), ("maja", 410), (None, 404)):  # anonymous: never public
        gone = world.api("GET", f"/examples/{slug}?version=1&min_position={position}", username)
        assert gone.status_code == status
        assert world.api("GET", f"/examples/{slug}/diff?from=1&to=2", username).status_code == status
    assert world.api("GET", f"/examples/{slug}?version=1", "adam").json["error"]["code"] == "revision_suppressed"
    current = world.api("GET", f"/examples/{slug}", None).json
    assert (current["version"], current["body"]) == (2, BODY_2)

    history = world.api("GET", f"/examples/{slug}/history", "adam").json["items"]
    hidden = [item for item in history if item["change"] == "suppressed"]
    assert len(hidden) == 1 and hidden[0]["version"] == 1
    assert hidden[0]["comment"] == "Namn och telefonnummer till en utsatt kvinna" and hidden[0]["by"] == "adam"
    created = [item for item in history if item["change"] == "created"][0]
    assert created.get("suppressed") is True and created["comment"] == ""
    assert search_total(world, "Zorblaxia", position) == 0
    assert search_total(world, "socialtjänsten", position) == 1

    client = world.client
    sign_in(client, "adam")
    pages = [f"/exempel/{slug}", f"/exempel/{slug}/historik", "/andringar", "/feeds/changes.atom",
             "/api/v1/audit/events?limit=500", f"/exempel/{slug}/jamfor?from=1&to=2"]
    seen = "\n".join(client.get(page).get_data(as_text=True) for page in pages)
    assert client.get(f"/exempel/{slug}?version=1").status_code == 410
    for needle in (SECRET, "Zorblaxia", PHONE):
        assert needle not in seen
    assert "dold" in client.get(f"/exempel/{slug}/historik").get_data(as_text=True)
    assert "fick en versions text dold" in client.get("/andringar").get_data(as_text=True)

    assert files_holding(data_dir, needles()) == []
    for needle in needles():
        assert needle not in stored_rows(world)

    verified = world.api("POST", "/audit/verify", "gun", json=digest_before)
    assert verified.status_code == 200 and verified.json == {"ok": True}, verified.json
    now = world.api("GET", "/audit/digest", "gun").json
    assert world.api("POST", "/audit/verify", "gun", json=now).json == {"ok": True}


def test_other_revisions_stay_readable_and_edits_revert_and_rebuilds_go_on(world):
    slug = world.example("maja", title="Tre versioner", body="ett")
    for n, body in ((1, f"två {SECRET}"), (2, "tre")):
        assert world.api("PUT", f"/examples/{slug}", "maja", json={"base_version": n, "body": body}).status_code == 200
    assert world.api("POST", f"/examples/{slug}/versions/2/suppress", "adam", json={"reason": "Namn"}).status_code == 200
    assert world.api("GET", f"/examples/{slug}?version=1", "maja").json["body"] == "ett"
    assert world.api("GET", f"/examples/{slug}?version=3", "maja").json["body"] == "tre"
    assert world.api("GET", f"/examples/{slug}/diff?from=1&to=3", "maja").status_code == 200

    reverted = world.api("POST", f"/examples/{slug}/revert", "maja", json={"to_version": 2})
    assert (reverted.status_code, reverted.json["error"]["code"]) == (410, "revision_suppressed")
    stale = world.api("PUT", f"/examples/{slug}", "maja", json={"base_version": 2, "body": "fyra"})
    assert (stale.status_code, stale.json["error"]["code"]) == (409, "edit_conflict")
    assert world.api("POST", f"/examples/{slug}/revert", "maja", json={"to_version": 1}).status_code == 200
    again = world.api("POST", f"/examples/{slug}/versions/2/suppress", "adam", json={"reason": "Namn"})
    assert again.status_code == 200  # already suppressed: nothing new is recorded

    services = world.app.extensions["lansgrupp"]
    services.pages.rebuild()
    assert world.api("GET", f"/examples/{slug}?version=2", "maja").status_code == 410
    assert world.api("GET", f"/examples/{slug}", "maja").json["body"] == "ett"
    assert [item["version"] for item in world.api("GET", f"/examples/{slug}/history", "maja").json["items"]
            if item.get("suppressed")] == [2]
