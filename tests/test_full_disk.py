"""A real full disk (issue 18): the data folder on a small tmpfs, written until the file system has
no room. Every refused write answers 503 `storage_full` (never a 500), nothing acknowledged is
lost, reads go on, and the next write after space returns succeeds. Skipped where the test may
not mount a tmpfs (tests/test_stalls.py simulates the same errors in SQLite on every machine)."""

import subprocess

import pytest

from conftest import World
from stores import make_app

pytestmark = pytest.mark.store_independent
BODY = "Rutinfrågor om våld ställs vid varje besök, och personalen har fått utbildning i samtalen. " * 60


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "small"
    mount.mkdir()
    try:
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)],
                                 capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        pytest.skip(f"cannot mount a tmpfs here: {error}")
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_full_file_system_refuses_writes_clearly_and_loses_nothing(small_disk):
    app = make_app({"DATA_DIR": str(small_disk / "data"), "TESTING": True, "EVENT_STORE": "sqlite",
                    "CREATE_TABLES": "y", "INDEX_FOLLOWER": "none", "NOTIFIER": "off"})
    try:
        world = World(app)
        falun = world.organisation("Falu kommun", "kommun", "Falun")
        world.account("maja", "member", falun)
        world.token("maja")
        filler = small_disk / "filler"
        filler.write_bytes(b"\0" * 1_500_000)  # room to give back once the disk is full

        acknowledged, refused = [], None
        for n in range(2000):
            response = world.api("POST", "/examples", "maja", json={"title": f"Exempel {n}", "body": BODY})
            if response.status_code != 201:
                refused = response
                break
            acknowledged.append(response.get_json()["slug"])
        assert refused is not None, "the disk never filled"
        assert refused.status_code == 503, refused.get_data(as_text=True)
        assert refused.get_json()["error"]["code"] == "storage_full"
        assert len(acknowledged) >= 3
        for n in range(3):  # every further write is refused the same way, none is a 500
            again = world.api("POST", "/examples", "maja", json={"title": f"Igen {n}", "body": BODY})
            assert again.status_code == 503, again.get_data(as_text=True)
        assert world.api("GET", "/examples", "maja").status_code == 200  # reads go on
        for slug in acknowledged:  # everything acknowledged is in the log
            assert world.wiki.get_example(slug) is not None

        filler.unlink()
        after = world.api("POST", "/examples", "maja", json={"title": "Efter att utrymmet kom tillbaka"})
        assert after.status_code == 201, after.get_data(as_text=True)
        world.services.pages.catch_up()
        for slug in acknowledged + [after.get_json()["slug"]]:
            assert world.api("GET", f"/examples/{slug}", "maja").status_code == 200
    finally:
        app.extensions["lansgrupp"].close()
