"""Under gunicorn the index follower is a process of the master's own, beside the workers: started
when the server is ready, started again when it ends, stopped with the server."""

import os
import signal
import time

import pytest

from bench.cluster import Node, flask_command

pytestmark = pytest.mark.store_independent


def wait_until(check, timeout: float = 30.0, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def published(node: Node, token: str, title: str) -> str:
    status, body = node.request("POST", "/api/v1/examples", {"title": title, "summary": "Samverkan mot våld."},
                                token=token)
    assert status == 201, body
    status, body = node.request("POST", f"/api/v1/examples/{body['slug']}/publish", {}, token=token)
    assert status == 200, body
    return body["slug"]


def found(node: Node, word: str) -> list[str]:
    status, body = node.get(f"/api/v1/search?q={word}")
    return [hit["slug"] for hit in body["hits"]] if status == 200 else []


def demo_node(tmp_path, workers: int) -> Node:
    """gunicorn on the demo's data, with the follower left to the master (the default)."""
    data_dir = tmp_path / "data"
    flask_command(str(data_dir), "sqlite", "demo", "load")
    node = Node(str(data_dir), "sqlite", workers=workers)
    node.env.pop("WIKI_INDEX_FOLLOWER")
    node.own_follower = False
    return node


def test_the_master_runs_the_index_follower_and_starts_it_again(tmp_path):
    node = demo_node(tmp_path, workers=2)
    with node:
        first = wait_until(node.follower_pids, what="the follower process")
        assert len(first) == 1 and len(node.worker_pids()) == 2
        token = node.token("eva.strand", "demo-losen-2026")
        slug = published(node, token, "Blåklintsmodellen")
        assert wait_until(lambda: slug in found(node, "blåklintsmodellen"), what="the first example in search")

        os.kill(first[0], signal.SIGKILL)
        again = wait_until(lambda: [pid for pid in node.follower_pids() if pid != first[0]], what="a new follower")
        assert len(again) == 1
        slug = published(node, token, "Gullvivemodellen")
        assert wait_until(lambda: slug in found(node, "gullvivemodellen"), what="the second example in search")
    wait_until(lambda: not any(running_follower(pid) for pid in again), what="the follower to stop with the server")


def running_follower(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return b"index\0follow" in cmdline.read()
    except OSError:
        return False


def test_the_follower_ends_when_the_master_is_killed(tmp_path):
    node = demo_node(tmp_path, workers=1)
    with node:
        follower = wait_until(node.follower_pids, what="the follower process")[0]
        workers = node.worker_pids()
        node.server.send_signal(signal.SIGKILL)
        try:
            wait_until(lambda: not running_follower(follower), what="the follower to end with its master")
        finally:
            for pid in workers:  # orphaned workers would notice later; do not leave them to the next test
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
