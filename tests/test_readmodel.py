"""The read model is a projection: rebuildable, shared by processes, read-your-writes."""

from pathlib import Path

from events.readmodel import TABLES
from stores import make_app


def test_deleting_the_read_model_rebuilds_it_from_the_log(tmp_path, world):
    slug = world.example("maja", title="Projektion", body="[[annat]]")
    world.api("PUT", f"/examples/{slug}", "maja", json={"base_version": 1, "summary": "Ny"})
    world.api("POST", f"/examples/{slug}/publish", "eva")
    before = {path: world.api("GET", path, "eva").json
              for path in (f"/examples/{slug}", f"/examples/{slug}/history", "/examples", "/organisations")}

    data_dir = world.app.config["DATA_DIR"]
    world.services.close()
    for suffix in ("", "-wal", "-shm"):
        Path(data_dir, "pages.sqlite" + suffix).unlink(missing_ok=True)
    fresh = make_app({"DATA_DIR": data_dir, "TESTING": True})
    try:
        client = fresh.test_client()
        token = client.post("/api/v1/tokens", json={"username": "eva", "password": "losenord-123"}).json["token"]
        headers = {"Authorization": f"Bearer {token}"}
        for path, expected in before.items():
            got = client.get("/api/v1" + path, headers=headers).json
            got.pop("position", None), expected.pop("position", None)
            assert got == expected, path
    finally:
        fresh.extensions["lansgrupp"].close()


def test_a_second_process_sees_writes_of_the_first(world):
    """Two app instances on one data folder (as two server processes would be)."""
    other = make_app({"DATA_DIR": world.app.config["DATA_DIR"], "TESTING": True})
    try:
        client = other.test_client()
        slug = world.example("maja", title="Delad läsmodell")
        world.api("POST", f"/examples/{slug}/publish", "eva")
        position = world.api("GET", "/health").json["position"]
        response = client.get(f"/api/v1/examples/{slug}?min_position={position}")
        assert response.status_code == 200
        assert response.json["status"] == "published"
    finally:
        other.extensions["lansgrupp"].close()


def test_writes_answer_with_a_position_that_reads_reflect(world):
    created = world.api("POST", "/examples", "maja", json={"title": "Läs dina skrivningar"})
    assert created.json["position"] == world.wiki.position()
    listing = world.api("GET", f"/examples?min_position={created.json['position']}", "maja").json
    assert [i["slug"] for i in listing["items"]] == [created.json["slug"]]
    assert created.json["slug"].startswith("las-dina-skrivningar-")
    assert listing["position"] >= created.json["position"]


def test_each_version_s_text_is_stored_once(world):
    """The example's row keeps what lists show; each version's content and HTML live only in its
    version's row, and the current text is read from there."""
    slug = world.example("maja", title="En gång", body="Första texten kvittrar.")
    for version, body in ((1, "Andra texten kvittrar."), (2, "Tredje texten kvittrar.")):
        assert world.api("PUT", f"/examples/{slug}", "maja", json={"base_version": version, "body": body}
                         ).status_code == 200
    assert world.api("GET", f"/examples/{slug}", "maja").json["body"] == "Tredje texten kvittrar."
    assert world.api("GET", f"/examples/{slug}?version=1", "maja").json["body"] == "Första texten kvittrar."
    db = world.services.pages._db()
    for word in ("Första", "Andra", "Tredje"):
        stored = sum(str(value).count(word) for table in ("examples", "example_versions")
                     for row in db.execute(f"SELECT * FROM {table}") for value in tuple(row))
        assert stored == 2, (word, stored)  # the content's JSON and its HTML, in one version's row
    assert world.api("GET", "/examples", "maja").json["items"][0]["organisations"] == [world.falun]


def test_an_event_this_process_saved_is_the_event_the_log_gives_back(app, monkeypatch):
    """The read model applies the events this process saved from memory (`Wiki.saved_event`)
    instead of reading them back: each must equal what the log gives back, for every kind of event
    the demo makes (organisations, accounts, examples and their revisions, files, meetings), also
    after the aggregates that made them changed again."""
    from events import application
    from wiki.demo import load

    monkeypatch.setattr(application, "SAVED_KEPT", 1_000_000)
    services = app.extensions["lansgrupp"]
    load(services, echo=lambda *args, **kwargs: None)
    wiki = services.wiki
    kinds, checked = set(), 0
    for notification in wiki.recorder.select_notifications(start=1, limit=1_000_000):
        saved = wiki.saved_event(notification.id)
        assert saved is not None, notification.topic
        assert saved == wiki.mapper.to_domain_event(notification), notification.topic
        kinds.add(type(saved).__qualname__)
        checked += 1
    assert checked == wiki.log_head() and len(kinds) >= 10, sorted(kinds)


def test_the_read_model_of_saved_events_is_the_one_the_log_rebuilds(world):
    """The pages a process projected from the events it saved equal those a fresh read model
    projects from the log."""
    slug = world.example("maja", title="Minne", body="Första texten")
    for n in range(3):
        world.api("PUT", f"/examples/{slug}", "maja", json={"base_version": n + 1, "summary": f"Version {n}"})
    world.api("POST", f"/examples/{slug}/publish", "eva")
    paths = (f"/examples/{slug}", f"/examples/{slug}/history", "/examples", "/organisations")
    before = {path: world.api("GET", path, "eva").json for path in paths}
    pages = world.services.pages
    with pages._connection() as db:
        tables = {table: db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall() for table in TABLES}
    pages.rebuild()
    with pages._connection() as db:
        rebuilt = {table: db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall() for table in TABLES}
    assert {t: [tuple(r) for r in rows] for t, rows in rebuilt.items()} == \
        {t: [tuple(r) for r in rows] for t, rows in tables.items()}
    for path in paths:
        got, expected = world.api("GET", path, "eva").json, before[path]
        got.pop("position", None), expected.pop("position", None)
        assert got == expected, path
