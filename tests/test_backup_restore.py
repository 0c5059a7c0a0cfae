"""Backup and restore drill (issue 18), on the embedded store: fill the wiki, back it up while a
writer keeps writing, restore it into another folder, and compare the API's answers for every
example, the roster on 20 dates, 20 searches and `audit verify`. A person erased after the
backup stays erased after the restore."""

import json
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import World
from wiki import create_app

pytestmark = pytest.mark.store_independent

QUERIES = ["våld", "samverkan", "kvinnojour", "skola", "polis", "hedersrelaterat", "barn", "socialtjänst",
           "utbildning", "riskbedömning", "stöd", "hälso", "region", "kommun", "ungdomar", "metod",
           "prostitution", "våldsutsatta kvinnor", "uppföljning", "trygg"]


def open_app(data: Path):
    return create_app({"DATA_DIR": str(data), "TESTING": True, "EVENT_STORE": "sqlite", "CREATE_TABLES": "y",
                       "INDEX_FOLLOWER": "none", "NOTIFIER": "off"})


def demo_world(app) -> World:
    """A World whose tokens for the demo's accounts are issued directly (they have the demo password)."""
    world = World(app)
    for username in ("eva.strand", "admin"):
        world._tokens[username] = world.wiki.issue_token(world.wiki.get_account(username))[0]
    return world


def answers(app, slugs: list[str], dates: list[str]) -> dict:
    world = demo_world(app)
    services = world.services
    services.catch_up()
    services.follower.catch_up()
    token = {"Authorization": f"Bearer {world.token('eva.strand')}"}
    get = lambda path: app.test_client().get("/api/v1" + path, headers=token).get_json()  # noqa: E731
    strip = lambda body: {k: v for k, v in body.items() if k != "position"}  # noqa: E731
    result = {"examples": {slug: strip(get(f"/examples/{slug}")) for slug in slugs},
              "history": {slug: get(f"/examples/{slug}/history")["items"] for slug in slugs},
              "roster": {day: strip(get(f"/roster?at={day}")) for day in dates}}
    result["search"] = {}
    for q in QUERIES:
        found = get(f"/search?q={q}&per_page=20")
        result["search"][q] = (found["total"], [hit["slug"] for hit in found["hits"]], found["facets"])
    result["verify"] = app.test_client().post("/api/v1/audit/verify", headers=token).get_json()
    return result


@contextmanager
def writing(world: World):
    """A coordinator creating examples one after another, from three written on, until the block
    ends; yields the statuses of the writes (every one must be a 201)."""
    stop, written = threading.Event(), []

    def writer():
        n = 0
        while not stop.is_set():
            n += 1
            written.append(world.api("POST", "/examples", "eva.strand", json={
                "title": f"Skrivet under kopieringen {n}", "organisations": ["falu-kommun"]}).status_code)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 3 and thread.is_alive():
            threading.Event().wait(0.01)
        yield written
    finally:
        stop.set()
        thread.join(30)
    assert len(written) >= 3 and set(written) == {201}


def compared(pages) -> tuple[list[str], list[str]]:
    """The examples that were there before the copy began, and the roster's 20 dates."""
    slugs = [row["slug"] for row in pages._db().execute(
        "SELECT slug FROM examples WHERE title NOT LIKE 'Skrivet under kopieringen%'").fetchall()]
    return slugs, [f"{year}-{month:02d}-15" for year in range(2016, 2026) for month in (3, 9)]


def test_backup_while_writing_then_restore_answers_the_same(tmp_path):
    original_dir, restored_dir = tmp_path / "original", tmp_path / "restored"
    app = open_app(original_dir)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    services = app.extensions["lansgrupp"]
    world = demo_world(app)
    with writing(world):
        result = runner.invoke(args=["backup", str(tmp_path / "backup")])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    position = manifest["position"]

    services.catch_up()
    pages = services.pages
    slugs, dates = compared(pages)
    before = answers(app, slugs, dates)
    # a person erased after the backup must stay erased after the restore
    person = pages._db().execute("SELECT id FROM people WHERE name!='raderad person' LIMIT 1").fetchone()[0]
    admin = world.api("POST", f"/people/{person}/erase", "admin")
    assert admin.status_code == 200, admin.get_json()
    ledger = original_dir / "erased-keys.log"
    assert ledger.exists()

    restored = open_app(restored_dir)
    result = restored.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup"), "--erasures", str(ledger)])
    assert result.exit_code == 0, result.output
    restored.extensions["lansgrupp"].close()
    again = open_app(restored_dir)
    try:
        assert again.extensions["lansgrupp"].wiki.position() == position
        after = answers(again, slugs, dates)
        assert after["verify"] == {"ok": True}
        assert after["examples"] == before["examples"]
        assert after["history"] == before["history"]
        assert after["search"] == before["search"]
        erased_name = before["roster"]
        for day in dates:
            got, expected = json.dumps(after["roster"][day]), json.dumps(before["roster"][day])
            if person in expected:
                assert "raderad person" in got
            else:
                assert got == expected, day
        assert any(person in json.dumps(r) for r in erased_name.values())
        assert not (restored_dir / "pages.sqlite").stat().st_size == 0
    finally:
        again.extensions["lansgrupp"].close()
        services.close()


def test_restore_refuses_a_folder_with_events(tmp_path):
    app = open_app(tmp_path / "a")
    assert app.test_cli_runner().invoke(args=["demo", "load"]).exit_code == 0
    assert app.test_cli_runner().invoke(args=["backup", str(tmp_path / "b")]).exit_code == 0
    result = app.test_cli_runner().invoke(args=["restore", str(tmp_path / "b")])
    assert result.exit_code != 0 and "tom datamapp" in result.output
    app.extensions["lansgrupp"].close()
