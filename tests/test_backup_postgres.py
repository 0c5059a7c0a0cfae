"""Backup and restore on PostgreSQL (issue 18), as README "Drift" tells an operator: `pg_dump` of the
wiki's schema (log, snapshots, keys, files), `pg_restore` into an empty database, the keys that
the erasure ledger lists destroyed with `flask --app wiki apply-erasures`, projections rebuilt on a
fresh node. The restored wiki answers the same, and a person erased after the dump stays erased."""

import glob
import io
import json
import os
import secrets
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import psycopg
import pytest

import file_samples as samples
from conftest import World
from stores import POSTGRES, make_app

pytestmark = pytest.mark.postgres


def _tool(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)),
                                       None)
    if not found:
        pytest.skip(f"{name} is not installed")
    return found


def _answers(app, slugs):
    world = World(app)
    services = world.services
    services.catch_up()
    services.follower.catch_up()
    client = app.test_client()
    token = client.post("/api/v1/tokens", json={"username": "eva", "password": "losenord-123"}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    get = lambda path: client.get("/api/v1" + path, headers=headers).get_json()  # noqa: E731
    strip = lambda body: {k: v for k, v in body.items() if k != "position"}  # noqa: E731
    return {"examples": {slug: strip(get(f"/examples/{slug}")) for slug in slugs},
            "attachments": {slug: get(f"/examples/{slug}/attachments")["items"] for slug in slugs},
            "search": get("/search?q=samverkan")["total"],
            "roster": json.dumps(strip(get("/roster?at=2021-01-01")), ensure_ascii=False),
            "verify": client.post("/api/v1/audit/verify", headers=headers).get_json()}


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL only")
def test_pg_dump_and_restore_answer_the_same(world, tmp_path):
    slug = world.example("maja", title="Samverkan att återställa", summary="Kort.")
    assert world.api("POST", f"/examples/{slug}/publish", "eva").status_code == 200
    slug = world.api("GET", "/examples?status=published").get_json()["items"][0]["slug"]
    upload = world.api("POST", f"/examples/{slug}/attachments", "eva", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(samples.pdf_with_text("Samverkansrapport")), "rapport.pdf")})
    assert upload.status_code == 201, upload.get_json()
    request = world.api("POST", "/membership-requests", "maja", json={"organisation": world.falun, "changes": [
        {"action": "appoint", "role": "representative", "from": "2020-01-01",
         "person": {"name": "Testa Återställsson", "email": "testa@example.se"}}]}).get_json()["id"]
    assert world.api("POST", f"/membership-requests/{request}/approve", "eva").status_code == 200
    person = world.api("GET", f"/membership-requests/{request}", "eva").get_json()["changes"][0]["person_id"]

    dump = _pg_dump(world.app.config["EVENT_STORE"], tmp_path / "wiki.dump")
    before = _answers(world.app, [slug])
    assert world.api("POST", f"/people/{person}/erase", "adam").status_code == 200  # after the dump

    restored, database = None, None
    try:
        restored_store = _pg_restore(world.app.config["EVENT_STORE"], dump)
        database = urlparse(restored_store).path.strip("/")
        restored = make_app({"DATA_DIR": str(tmp_path / "node"), "TESTING": True, "EVENT_STORE": restored_store,
                             "INDEX_FOLLOWER": "none"})
        ledger = Path(world.app.config["DATA_DIR"]) / "erased-keys.log"
        result = restored.test_cli_runner().invoke(args=["apply-erasures", str(ledger)])
        assert result.exit_code == 0, result.output
        after = _answers(restored, [slug])
        assert after["verify"] == {"ok": True}
        assert after["examples"] == before["examples"] and after["attachments"] == before["attachments"]
        assert after["search"] == before["search"] >= 1
        assert "Testa Återställsson" in before["roster"]
        assert "Testa Återställsson" not in after["roster"] and "raderad person" in after["roster"]
        token = restored.test_client().post("/api/v1/tokens", json={"username": "eva", "password": "losenord-123"})
        attachment = after["attachments"][slug][0]["id"]
        got = restored.test_client().get(f"/api/v1/attachments/{attachment}",
                                         headers={"Authorization": f"Bearer {token.get_json()['token']}"})
        assert got.data == samples.pdf_with_text("Samverkansrapport")
    finally:
        if restored is not None:
            restored.extensions["lansgrupp"].close()
        if database:
            with psycopg.connect(POSTGRES, autocommit=True) as connection:
                connection.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def _pg(store: str) -> tuple[str, str, list[str], dict]:
    """The store's server URL, schema, connection flags and environment for the PostgreSQL tools."""
    base, _, schema = store.partition("?schema=")
    url = urlparse(base)
    return base, schema, ["-h", url.hostname, "-p", str(url.port), "-U", url.username], {
        **os.environ, "PGPASSWORD": url.password or ""}


def _pg_dump(store: str, dump: Path) -> Path:
    """`pg_dump -Fc` of the store's schema, as README "Drift" tells an operator."""
    base, schema, connect, env = _pg(store)
    subprocess.run([_tool("pg_dump"), *connect, "-Fc", "-n", schema, "-f", str(dump), urlparse(base).path.strip("/")],
                   check=True, env=env, timeout=300)
    return dump


def _pg_restore(store: str, dump: Path) -> str:
    """`pg_restore` of a dump into a new database; the restored store's URL."""
    base, schema, connect, env = _pg(store)
    database = "restore_" + secrets.token_hex(4)
    with psycopg.connect(base, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {database}")
    subprocess.run([_tool("pg_restore"), *connect, "-d", database, str(dump)], check=True, env=env, timeout=300)
    url = urlparse(base)
    return f"{url.scheme}://{url.netloc}/{database}?schema={schema}"


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL only")
def test_the_restore_drill_on_postgresql(tmp_path):
    """The drill of tests/test_backup_restore.py on PostgreSQL: the demo, `pg_dump` while a writer
    keeps writing, `pg_restore` into another database, a fresh node; every example, its history,
    the roster on 20 dates, 20 searches and `audit verify` answer the same, and a person erased
    after the dump is erased again from the ledger."""
    from test_backup_restore import answers, compared, demo_world, writing

    app = make_app({"DATA_DIR": str(tmp_path / "original"), "TESTING": True, "INDEX_FOLLOWER": "none",
                    "NOTIFIER": "off"})
    restored = None
    database = None
    try:
        assert app.test_cli_runner().invoke(args=["demo", "load"]).exit_code == 0
        world = demo_world(app)
        with writing(world):
            restored_store = _pg_restore(app.config["EVENT_STORE"],
                                         _pg_dump(app.config["EVENT_STORE"], tmp_path / "drill.dump"))
            database = urlparse(restored_store).path.strip("/")

        services = app.extensions["lansgrupp"]
        services.catch_up()
        pages = services.pages
        slugs, dates = compared(pages)
        before = answers(app, slugs, dates)
        person = pages._db().execute("SELECT id FROM people WHERE name!='raderad person' LIMIT 1").fetchone()[0]
        assert world.api("POST", f"/people/{person}/erase", "admin").status_code == 200

        restored = make_app({"DATA_DIR": str(tmp_path / "node"), "TESTING": True, "EVENT_STORE": restored_store,
                             "INDEX_FOLLOWER": "none", "NOTIFIER": "off"})
        ledger = Path(app.config["DATA_DIR"]) / "erased-keys.log"
        result = restored.test_cli_runner().invoke(args=["apply-erasures", str(ledger)])
        assert result.exit_code == 0, result.output
        after = answers(restored, slugs, dates)
        assert after["verify"] == {"ok": True}
        assert after["examples"] == before["examples"] and after["history"] == before["history"]
        assert after["search"] == before["search"]
        assert any(person in json.dumps(r) for r in before["roster"].values())
        for day in dates:
            got, expected = json.dumps(after["roster"][day]), json.dumps(before["roster"][day])
            if person in expected:
                assert person in got and "raderad person" in got
            else:
                assert got == expected, day
    finally:
        if restored is not None:
            restored.extensions["lansgrupp"].close()
        app.extensions["lansgrupp"].close()
        if database:
            with psycopg.connect(POSTGRES, autocommit=True) as connection:
                connection.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
