"""The search index as a projection: exactly once, crash-safe, rebuildable while searching."""

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from events.permissions import Actor
from stores import make_app

ROOT = Path(__file__).resolve().parents[1]
COORDINATOR = Actor("eva", "coordinator", None)


@pytest.fixture
def quiet_app(tmp_path):
    """An app whose process runs no follower of its own (the tests drive it)."""
    app = make_app({"DATA_DIR": str(tmp_path / "data"), "TESTING": True, "INDEX_FOLLOWER": "none"})
    app.extensions["lansgrupp"].wiki.register_organisation(
        COORDINATOR, {"name": "Falu kommun", "kind": "kommun", "joined_on": "2010-01-01"})
    yield app
    app.extensions["lansgrupp"].close()


def write_events(wiki, rng: random.Random, examples: int, edits: int) -> None:
    slugs = []
    for i in range(examples):
        title = f"Exempel {rng.randrange(10**6)} om våld i nära relation"
        written = wiki.create_example(COORDINATOR, {"title": title, "body": f"Kvinnojouren stöd {i}",
                                                    "organisations": ["falu-kommun"]})
        slugs.append(written.slug)
        if rng.random() < 0.5:
            wiki.publish_example(COORDINATOR, written.slug)
    for _ in range(edits):
        slug = rng.choice(slugs)
        example = wiki.get_example(slug)
        wiki.edit_example(COORDINATOR, slug, {"base_version": example.revision,
                                              "body": f"Ändrad text {rng.randrange(10**6)} om skyddat boende"})


def index_fingerprint(services) -> tuple:
    index = services.index
    states = index.all_states()
    searcher = index.searcher()
    return index.position(), searcher.doc_count(), states


def test_follower_applies_each_event_once_and_equals_a_rebuild(quiet_app):
    services = quiet_app.extensions["lansgrupp"]
    write_events(services.wiki, random.Random(1), examples=20, edits=30)
    services.follower.batch = 7
    services.follower.catch_up()
    incremental = index_fingerprint(services)
    assert incremental[0] == services.wiki.position()
    assert incremental[1] == len(incremental[2]) + 1, "one document per example plus the tracking document"
    services.follower.rebuild()
    assert index_fingerprint(services) == incremental


def test_a_batch_that_was_applied_already_is_refused(quiet_app):
    from search_index.store import PositionConflict

    services = quiet_app.extensions["lansgrupp"]
    write_events(services.wiki, random.Random(2), examples=3, edits=0)
    services.follower.catch_up()
    with pytest.raises(PositionConflict):
        with services.index.writer() as writer:
            services.index.apply(writer, {}, services.index.position())


def test_rebuild_swaps_in_a_new_folder_while_searches_keep_answering(quiet_app):
    services = quiet_app.extensions["lansgrupp"]
    write_events(services.wiki, random.Random(3), examples=40, edits=20)
    services.follower.catch_up()
    client = quiet_app.test_client()
    before_folder = services.index.folder()
    before = client.get("/api/v1/search?q=våld").json
    rebuild = threading.Thread(target=services.follower.rebuild)
    rebuild.start()
    answers = []
    while rebuild.is_alive() or not answers:
        response = client.get("/api/v1/search?q=våld")
        answers.append((response.status_code, response.json["total"]))
    rebuild.join()
    assert set(answers) == {(200, before["total"])}
    assert services.index.folder() != before_folder
    assert not before_folder.exists()
    after = client.get("/api/v1/search?q=våld").json
    assert after["total"] == before["total"] and after["facets"] == before["facets"]


def _follower(app) -> subprocess.Popen:
    env = {**os.environ, "WIKI_DATA_DIR": app.config["DATA_DIR"], "WIKI_EVENT_STORE": app.config["EVENT_STORE"],
           "WIKI_INDEX_FOLLOWER": "none"}
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wiki", "index", "follow",
                             "--batch", "5", "--poll", "0.01"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_kill_9_at_random_moments_loses_and_duplicates_nothing(quiet_app):
    services = quiet_app.extensions["lansgrupp"]
    rng = random.Random(4)
    kills = 0
    for _ in range(12):
        write_events(services.wiki, rng, examples=6, edits=10)
        process = _follower(quiet_app)
        time.sleep(rng.uniform(0.3, 1.2))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait(timeout=30)
    assert kills >= 8
    services.follower.catch_up()
    incremental = index_fingerprint(services)
    assert incremental[0] == services.wiki.position()
    assert incremental[1] == len(incremental[2]) + 1
    services.follower.rebuild()
    assert index_fingerprint(services) == incremental


def test_only_one_follower_per_data_folder(quiet_app):
    from search_index.projection import FollowerLock

    data_dir = Path(quiet_app.config["DATA_DIR"])
    first, second = FollowerLock(data_dir / "search.lock"), FollowerLock(data_dir / "search.lock")
    assert first.acquire()
    assert not second.acquire()
    first.release()
    assert second.acquire()
    second.release()


def test_index_cli_status_and_rebuild(quiet_app):
    services = quiet_app.extensions["lansgrupp"]
    write_events(services.wiki, random.Random(5), examples=4, edits=2)
    runner = quiet_app.test_cli_runner()
    status = runner.invoke(args=["index", "status"])
    assert status.exit_code == 0
    assert f"händelselogg: {services.wiki.position()}" in status.output
    assert "sökindex:     0  (efter)" in status.output
    rebuilt = runner.invoke(args=["index", "rebuild"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert services.index.position() == services.wiki.position()
    assert services.index.example_count() == 4
