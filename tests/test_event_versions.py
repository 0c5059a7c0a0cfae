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


def test_accounts_from_the_old_log_sign_in_keep_their_names_and_can_be_erased(old_log):
    """Accounts created before names were sealed: found by name (their uuid5 ids), their name not
    given to a new account, their events' actors (usernames) read as the same account; erased, the
    read model shows "raderat konto" for what they did (the name stays in their own old events)."""
    from events.accounts import legacy_account_id
    from events.errors import Conflict
    services = old_log.extensions["lansgrupp"]
    wiki, pages = services.wiki, services.pages
    assert wiki.account_id_for("maja") == legacy_account_id("maja")
    with pytest.raises(Conflict):
        wiki.create_account("maja", "auditor", None, "ett-nytt-losenord")
    pages.catch_up()
    example_id = wiki.get_example("samverkan-i-falun").id
    writers = {item["by"] for item in pages.history(str(example_id), Actor("adm", "admin", None))}
    assert "maja" in writers

    admin = Actor("root", "admin", None, account_id=str(legacy_account_id("adam")))
    wiki.erase_account(admin, "maja")
    pages.catch_up()
    writers = {item["by"] for item in pages.history(str(example_id), Actor("adm", "admin", None))}
    assert "maja" not in writers and "raderat konto" in writers
    assert wiki.check_password("maja", "losenord-123") is None
