"""Signed checkpoints, Merkle proofs and the offline verifier against the real store (SQLite, or
PostgreSQL in the second pass): an auditor keeps checkpoints and the public key, the store is
altered behind the application's back (the attacker may rewrite `audit.sqlite` too), and
`wiki-audit-verify` over a fresh log export names what changed."""

import base64
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from events.checkpoints import NoteVerifier, parse_checkpoint
from events.merkle import leaf_hash, verify_consistency, verify_inclusion
from stores import make_app
from test_audit import populate, store


def checkpoint(world) -> str:
    response = world.api("GET", "/audit/checkpoint")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    return response.get_data(as_text=True)


def fresh_checkpoint(world) -> str:
    """A checkpoint of the tree as it is now (the app makes one every N events or hour)."""
    world.services.audit_tree.update()
    return world.services.audit_tree.checkpoint()["note"]


def public_key(world) -> dict:
    response = world.api("GET", "/audit/public-key")
    assert response.status_code == 200
    return response.get_json()


def export(world, tmp_path, name="export.jsonl") -> Path:
    path = tmp_path / name
    result = world.app.test_cli_runner().invoke(args=["audit", "export", "--what=log", "--output", str(path)])
    assert result.exit_code == 0, result.output
    return path


def run_verifier(tmp_path, export_path, key: dict, checkpoints: list[str],
                 previous: Path | None = None) -> subprocess.CompletedProcess:
    key_file = tmp_path / "public-key.json"
    key_file.write_text(json.dumps(key))
    args = [sys.executable, "-m", "events.audit_verify", "--export", str(export_path), "--public-key", str(key_file)]
    for n, note in enumerate(checkpoints):
        kept = tmp_path / f"checkpoint-{n}.txt"
        kept.write_text(note)
        args += ["--checkpoint", str(kept)]
    if previous is not None:
        args += ["--previous-export", str(previous)]
    return subprocess.run(args, capture_output=True, text=True, timeout=120, cwd=Path(__file__).parents[1])


def test_checkpoint_public_key_and_proofs_verify_offline(world):
    populate(world)
    note = fresh_checkpoint(world)
    key = public_key(world)
    body = NoteVerifier.from_vkey(key["vkey"]).open(note)
    origin, size, root = parse_checkpoint(body)
    assert origin.endswith("/lansgrupp-wiki") and size >= 10
    assert base64.b64decode(key["key"]) and key["algorithm"] == "ed25519"
    assert checkpoint(world) == note

    events = world.api("GET", "/audit/events?limit=500", "gun").get_json()["items"]
    position = events[3]["position"]
    leaf = world.api("GET", f"/audit/events/{position}/leaf", "gun").get_json()
    assert leaf_hash(base64.b64decode(leaf["leaf"])).hex() == leaf["leaf_hash"]
    proof = world.api("GET", f"/audit/proof/inclusion?position={position}&tree_size={size}").get_json()
    assert proof["leaf_index"] == leaf["leaf_index"] and proof["tree_size"] == size
    assert verify_inclusion(bytes.fromhex(leaf["leaf_hash"]), proof["leaf_index"], size,
                            [bytes.fromhex(h) for h in proof["hashes"]], root)

    world.example("maja", title="Ett exempel till")
    later = fresh_checkpoint(world)
    _, new_size, new_root = parse_checkpoint(NoteVerifier.from_vkey(key["vkey"]).open(later))
    consistency = world.api("GET", f"/audit/proof/consistency?from={size}&to={new_size}").get_json()
    assert verify_consistency(size, new_size, root, new_root, [bytes.fromhex(h) for h in consistency["hashes"]])

    assert world.api("GET", f"/audit/events/{position}/leaf", "maja").status_code == 403
    assert world.api("GET", f"/audit/events/{position}/leaf").status_code == 401
    assert world.api("GET", f"/audit/proof/inclusion?position={position}&tree_size=999999").status_code == 400
    assert world.api("GET", "/audit/proof/consistency?from=5&to=2").status_code == 400
    assert world.api("GET", "/audit/proof/inclusion?position=999999&tree_size=2").status_code == 404


def test_the_export_verifies_offline(world, tmp_path):
    populate(world)
    kept = [fresh_checkpoint(world)]
    world.example("maja", title="Ännu ett exempel")
    kept.append(fresh_checkpoint(world))
    result = run_verifier(tmp_path, export(world, tmp_path), public_key(world), kept)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK:")
    downloaded = world.api("GET", "/audit/export?what=log", "gun")
    assert downloaded.status_code == 200
    assert downloaded.get_data() == export(world, tmp_path, "again.jsonl").read_bytes()


def _tamper_and_verify(world, tmp_path, change, previous: bool = False) -> tuple[subprocess.CompletedProcess, int]:
    """Keeps a checkpoint, lets `change` alter the stored log, then has the attacker delete the tree
    and the hash chain (the app builds them again from the altered log) and exports the log from a
    freshly started app."""
    populate(world)
    kept = [fresh_checkpoint(world)]
    key = public_key(world)
    earlier = export(world, tmp_path, "earlier.jsonl") if previous else None
    events = world.api("GET", "/audit/events?limit=500", "gun").get_json()["items"]
    world.services.close()
    position = change(events)
    data = Path(world.app.config["DATA_DIR"])
    shutil.rmtree(data / "audit-tree")
    (data / "audit.sqlite").unlink()
    (data / "pages.sqlite").unlink()
    app = make_app({"DATA_DIR": str(data), "TESTING": True, "INDEX_FOLLOWER": "none"})
    try:
        path = tmp_path / "export.jsonl"
        result = app.test_cli_runner().invoke(args=["audit", "export", "--what=log", "--output", str(path)])
        assert result.exit_code == 0, result.output
    finally:
        app.extensions["lansgrupp"].close()
    return run_verifier(tmp_path, path, key, kept, earlier), position


def _alter_the_middle_event(world):
    def change(events):
        position = events[len(events) // 2]["position"]
        with store(world) as db:
            state = db.execute("SELECT state FROM stored_events WHERE rowid=?", (position,)).fetchone()[0]
            db.execute("UPDATE stored_events SET state=? WHERE rowid=?", (bytes(state)[:-1] + b" ", position))
        return position
    return change


def test_an_altered_event_is_caught_even_when_every_hash_is_recomputed(world, tmp_path):
    result, position = _tamper_and_verify(world, tmp_path, _alter_the_middle_event(world))
    assert result.returncode == 1, result.stdout
    bound = re.search(r"first bad position is at or before (\d+)", result.stdout)
    assert bound and int(bound.group(1)) >= position, result.stdout  # one checkpoint kept: a bound


def test_with_an_earlier_export_the_first_changed_position_is_named(world, tmp_path):
    result, position = _tamper_and_verify(world, tmp_path, _alter_the_middle_event(world), previous=True)
    assert result.returncode == 1, result.stdout
    assert f"first bad position: {position} (changed since the earlier export)" in result.stdout


def test_a_deleted_event_in_the_middle_is_caught(world, tmp_path):
    def change(events):
        position = events[len(events) // 2]["position"]
        with store(world) as db:
            db.execute("DELETE FROM stored_events WHERE rowid=?", (position,))
        return position
    result, _ = _tamper_and_verify(world, tmp_path, change)
    assert result.returncode == 1, result.stdout


def test_a_truncated_tail_is_caught_and_named(world, tmp_path):
    def change(events):
        position = events[-2]["position"]
        with store(world) as db:
            db.execute("DELETE FROM stored_events WHERE rowid>=?", (position,))
        return position
    result, position = _tamper_and_verify(world, tmp_path, change)
    assert result.returncode == 1, result.stdout
    assert str(position) in result.stdout


def test_swapped_events_are_caught(world, tmp_path):
    def change(events):
        low, high = events[4]["position"], events[5]["position"]
        with store(world) as db:
            a = db.execute("SELECT originator_id, originator_version, topic, state FROM stored_events WHERE rowid=?",
                           (low,)).fetchone()
            b = db.execute("SELECT originator_id, originator_version, topic, state FROM stored_events WHERE rowid=?",
                           (high,)).fetchone()
            db.execute("UPDATE stored_events SET topic=?, state=? WHERE rowid=?", (b[2], b[3], low))
            db.execute("UPDATE stored_events SET topic=?, state=? WHERE rowid=?", (a[2], a[3], high))
        return low
    result, _ = _tamper_and_verify(world, tmp_path, change)
    assert result.returncode == 1, result.stdout


def test_an_erased_person_still_verifies(world, tmp_path):
    approved, _ = populate(world)
    kept = [fresh_checkpoint(world)]
    person = world.api("GET", f"/membership-requests/{approved}", "eva").get_json()["changes"][0]["person_id"]
    assert world.api("POST", f"/people/{person}/erase", "adam").status_code == 200
    kept.append(fresh_checkpoint(world))
    result = run_verifier(tmp_path, export(world, tmp_path), public_key(world), kept)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.store_independent
def test_the_verifier_does_not_import_flask():
    code = ("import sys, events.audit_verify; "
            "sys.exit(1 if any(m.split('.')[0] in ('flask', 'wiki', 'whoosh') for m in sys.modules) else 0)")
    assert subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parents[1]).returncode == 0


def test_a_row_that_no_longer_decodes_is_listed_not_a_crash(world):
    populate(world)
    events = world.api("GET", "/audit/events?limit=500", "gun").get_json()["items"]
    position = events[2]["position"]
    with store(world) as db:
        state = db.execute("SELECT state FROM stored_events WHERE rowid=?", (position,)).fetchone()[0]
        db.execute("UPDATE stored_events SET state=? WHERE rowid=?", (bytes(state)[:-1] + b"!", position))
    listed = world.api("GET", "/audit/events?limit=500", "gun").get_json()["items"]
    assert [item["data"] for item in listed if item["position"] == position] == [{"unreadable": True}]
    assert world.browser("gun").get("/granskning").status_code == 200
