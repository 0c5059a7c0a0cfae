"""Events written years ago must still be read (issue 18). `tests/fixtures/log-v1/` is a log (and its
key table) written by the code before `LearningExample.Created` gained `source` (class version 2):
organisations, accounts, an example edited and published, a draft, a meeting and an approved
membership form. The current code loads every aggregate in it, rebuilds every projection from it,
and upcasts the old events."""

import shutil
import sqlite3
from pathlib import Path
from uuid import UUID

import pytest

from events.examples import LearningExample
from events.permissions import Actor
from stores import make_app

pytestmark = pytest.mark.store_independent
FIXTURE = Path(__file__).parent / "fixtures" / "log-v1"


@pytest.fixture
def old_log(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for name in ("events.sqlite", "keys.sqlite"):
        shutil.copy(FIXTURE / name, data / name)
    app = make_app({"DATA_DIR": str(data), "TESTING": True, "EVENT_STORE": "sqlite", "INDEX_FOLLOWER": "none"})
    yield app
    app.extensions["lansgrupp"].close()


def test_the_fixture_was_written_by_the_old_classes():
    db = sqlite3.connect(FIXTURE / "events.sqlite")
    created = db.execute("SELECT state FROM stored_events WHERE topic LIKE '%LearningExample.Created'").fetchall()
    assert created and all(b'"class_version"' not in bytes(state) and b'"source"' not in bytes(state)
                           for (state,) in created)


def test_every_aggregate_and_projection_reads_the_old_log(old_log):
    services = old_log.extensions["lansgrupp"]
    wiki = services.wiki
    ids = {row.originator_id for row in wiki.recorder.select_notifications(0, 1000)}
    for aggregate_id in ids:
        assert wiki.repository.get(UUID(str(aggregate_id))).version >= 1
    example = wiki.get_example("samverkan-i-falun")
    assert isinstance(example, LearningExample) and example.source is None  # upcast from version 1
    assert wiki.content_of(example)["summary"] == "Ändrad."

    services.pages.rebuild()
    services.follower.rebuild(parallel=False)
    client = old_log.test_client()
    answer = client.get("/api/v1/examples/samverkan-i-falun").get_json()
    assert answer["summary"] == "Ändrad." and answer["status"] == "published"
    assert client.get("/api/v1/search?q=våld").get_json()["total"] == 1
    token = client.post("/api/v1/tokens", json={"username": "eva", "password": "losenord-123"}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/roster?at=2021-01-01", headers=headers).status_code == 200
    assert "Testa Testsson" in client.get("/api/v1/roster?at=2021-01-01", headers=headers).get_data(as_text=True)
    assert client.post("/api/v1/audit/verify", headers=headers).get_json() == {"ok": True}

    maja = Actor("maja", "member", "falu-kommun")
    written = wiki.edit_example(maja, "samverkan-i-falun", {"base_version": 2, "summary": "Efter uppgraderingen."})
    assert written.version == 3
    fresh = wiki.create_example(maja, {"title": "Nytt efter uppgraderingen"}, source="page")
    assert wiki.get_example(fresh.slug).source == "page"
