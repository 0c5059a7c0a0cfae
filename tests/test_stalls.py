"""Operations (issue 18): no cheap way to stall a node (a request with `min_position` waits only while
one of the node's few waiting slots is free, the others are answered 503 `behind` at once, and
ordinary reads go on while the read model cannot catch up: a real server, real threads), bounded
deep pages and diffs, health for operators, and faults at the edge of the disk."""

import re
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from wiki.waiting import SLOTS


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_twenty_waiting_requests_take_a_few_slots_and_ordinary_reads_go_on(world):
    world.example("eva", title="Ett exempel")
    server = make_server("127.0.0.1", 0, world.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}/api/v1"
    # Another process is applying a long batch: it holds the read model's write lock, and the
    # log has an event the model does not.
    holder = sqlite3.connect(Path(world.app.config["DATA_DIR"]) / "pages.sqlite", isolation_level=None)
    try:
        assert fetch(f"{base}/examples")[0] == 200
        holder.execute("BEGIN IMMEDIATE")
        world.example("eva", title="Ett exempel till")
        head = world.wiki.position()
        results: list[int] = []
        waiters = [threading.Thread(target=lambda: results.append(fetch(f"{base}/examples?min_position={head}")[0]))
                   for _ in range(20)]
        for waiter in waiters:
            waiter.start()
        deadline = time.monotonic() + 10
        while len(results) < 20 - SLOTS and time.monotonic() < deadline:
            time.sleep(0.01)
        turned_away = len(results)
        ordinary = [fetch(f"{base}/examples")[0] for _ in range(5)]
        still_waiting = 20 - len(results)
        for waiter in waiters:
            waiter.join(30)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        server.shutdown()
        thread.join(5)
    assert turned_away == 20 - SLOTS, results        # at once: every slot was taken
    assert ordinary == [200] * 5                      # served while the slots' holders wait
    assert still_waiting == SLOTS
    assert results == [503] * 20                      # the holders gave up after their 5 s too


def test_deep_pages_are_refused(world):
    for path in ("/examples?page=1001", "/search?q=samverkan&page=1001"):
        response = world.api("GET", path)
        assert response.status_code == 400 and response.get_json()["error"]["field"] == "page", path
    assert world.api("GET", "/examples?page=1000").status_code == 200
    assert world.browser().get("/exempel?page=1001").status_code == 400
    assert world.browser().get("/sok?q=samverkan&page=1001").status_code == 400


def test_a_diff_of_two_long_texts_is_bounded_to_one_replaced_block(world):
    def text(word):  # eight lines in ten the same in both, two not: a normal diff has 300 hunks
        return "\n".join(f"Gemensam rad {n}." if n % 10 < 8 else f"{word} rad {n}." for n in range(1, 3001))
    slug = world.example("maja", body=text("Första"))
    response = world.api("PUT", f"/examples/{slug}", "maja", json={"base_version": 1, "body": text("Andra")})
    assert response.status_code == 200
    diff = world.api("GET", f"/examples/{slug}/diff?from=1&to=2", "maja").get_json()
    assert diff["body_diff"].count("@@") == 2  # one hunk: no line matching over 3,000 × 3,000 lines
    assert world.browser("maja").get(f"/exempel/{slug}/jamfor?from=1&to=2").status_code == 200


def test_the_search_feed_with_a_huge_query_answers(world):
    response = world.client.get("/feeds/search.atom", query_string={"q": "våld " * 20_000})
    assert response.status_code in (200, 400)


def test_health_reports_lags_checkpoint_and_disk(world):
    world.example("eva", title="Ett exempel")
    world.services.catch_up()
    world.services.follower.catch_up()
    world.services.audit_tree.update()
    health = world.api("GET", "/health").get_json()
    assert health["lag"]["pages"] == 0 and health["lag"]["search"] == 0 and health["lag"]["audit_tree"] == 0
    assert health["checkpoint"]["size"] >= 1 and health["checkpoint"]["age_seconds"] >= 0
    assert 0 < health["disk"]["free_bytes"] <= health["disk"]["total_bytes"]
    world.wiki.create_example(world.system, {"title": "Skrivet bakom projektionerna", "organisations": [world.falun]})
    assert world.client.get("/api/v1/health").get_json()["lag"]["search"] >= 1


@pytest.mark.parametrize("worker", [False, True], ids=["process", "gunicorn-worker"])
def test_a_corrupted_read_model_is_set_aside_at_start_and_rebuilt(world, worker, monkeypatch):
    """Also in a gunicorn worker, whose master checked the file when the server started."""
    from stores import make_app
    if worker:
        monkeypatch.setenv("WIKI_READ_MODEL_CHECKED", str(Path(world.app.config["DATA_DIR"])))
    slug = world.example("eva", title="Överlever en trasig läsmodell")
    data = Path(world.app.config["DATA_DIR"])
    world.services.close()
    pages = data / "pages.sqlite"
    raw = bytearray(pages.read_bytes())
    raw[:100] = b"\x00" * 100  # the header gone: SQLite no longer reads the file
    pages.write_bytes(bytes(raw))
    app = make_app({"DATA_DIR": str(data), "TESTING": True, "INDEX_FOLLOWER": "none"})
    try:
        token = app.test_client().post("/api/v1/tokens", json={"username": "eva", "password": "losenord-123"})
        headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
        response = app.test_client().get(f"/api/v1/examples/{slug}", headers=headers)
        assert response.status_code == 200 and response.get_json()["title"] == "Överlever en trasig läsmodell"
        assert list(data.glob("pages.sqlite.broken-*"))
    finally:
        app.extensions["lansgrupp"].close()


@pytest.mark.store_independent
def test_a_full_disk_refuses_writes_clearly_and_loses_nothing_acknowledged(world):
    """SQLite's own storage limit (`max_page_count`) stands in for a full disk: the store answers
    SQLITE_FULL exactly as it does when the file system has no room left."""
    acknowledged = [world.example("maja", title=f"Sparat före {n}") for n in range(3)]
    datastore = world.wiki.recorder.datastore
    with datastore.transaction(commit=False) as cursor:
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count={pages}")
    refused = None
    for n in range(40):
        response = world.api("POST", "/examples", "maja", json={"title": f"Efter {n}", "body": "Text. " * 500})
        if response.status_code != 201:
            refused = response
            break
    assert refused is not None and refused.status_code == 503, refused and refused.get_json()
    assert refused.get_json()["error"]["code"] == "storage_full" and refused.headers["Retry-After"] == "60"
    assert world.browser("maja").get("/exempel").status_code == 200  # reads go on
    with datastore.transaction(commit=False) as cursor:
        cursor.execute("PRAGMA max_page_count=1073741823")
    assert world.api("POST", "/examples", "maja", json={"title": "Efter att utrymmet kom tillbaka"}).status_code == 201
    for slug in acknowledged:
        assert world.api("GET", f"/examples/{slug}", "maja").status_code == 200


def _make_store_read_only(world, read_only: bool):
    """Every pooled connection of the event store turned read-only, standing in for a data folder
    (or database) that became read-only: SQLite's `PRAGMA query_only` answers SQLITE_READONLY
    ("attempt to write a readonly database") as for a read-only file; PostgreSQL's read-only
    session answers "cannot execute INSERT in a read-only transaction"."""
    pool = world.wiki.recorder.datastore.pool
    if world.app.config["EVENT_STORE"].startswith("postgres"):
        mode = "READ ONLY" if read_only else "READ WRITE"
        with pool._lock:
            idle = list(pool._pool)
        assert idle
        for connection in idle:
            connection.execute(f"SET SESSION CHARACTERISTICS AS TRANSACTION {mode}")
            connection.commit()
        return
    idle = list(pool._pool)  # all idle between requests
    assert idle
    for connection in idle:
        connection._sqlite_conn.execute(f"PRAGMA query_only={int(read_only)}")


def test_a_read_only_store_refuses_writes_clearly_and_loses_nothing_acknowledged(world):
    acknowledged = world.example("maja", title="Sparat före skrivskyddet")
    world.headers("maja")  # signed in before (signing in is a write too)
    browser = world.browser("maja")
    form = browser.get("/nytt-exempel").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    _make_store_read_only(world, True)
    try:
        before = world.wiki.position()
        refused = world.api("POST", "/examples", "maja", json={"title": "Under skrivskyddet"})
        assert refused.status_code == 503, refused.get_json()
        assert refused.get_json()["error"]["code"] == "storage_full" and refused.headers["Retry-After"] == "60"
        page = browser.post("/nytt-exempel", data={"title": "Via sidan", "csrf_token": csrf})
        assert page.status_code == 503, page.get_data(as_text=True)
        assert world.wiki.position() == before
        assert world.api("GET", f"/examples/{acknowledged}", "maja").status_code == 200  # reads go on
    finally:
        _make_store_read_only(world, False)
    assert world.api("POST", "/examples", "maja", json={"title": "Efter skrivskyddet"}).status_code == 201
