"""`wiki-audit-verify`: a log export checked offline against signed checkpoints, with the
export tampered with in the ways an attacker who can rewrite the store (but not sign) would."""

import base64
import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore

from events.audit_verify import main
from events.checkpoints import NoteSigner, checkpoint_body
from events.log_export import FORMAT, export_rows, parse_row
from events.merkle import EMPTY_ROOT, TreeFile, leaf_bytes, leaf_hash, root_of

pytestmark = pytest.mark.store_independent

ORIGIN = "wiki.lansgrupp.example/log"
ROOT_DIR = Path(__file__).resolve().parent.parent


def make_rows(count: int = 30) -> list[dict]:
    ids = [str(uuid.UUID(int=i * 7919 + 1)) for i in range(4)]
    rows, position = [], 0
    for i in range(count):
        position += 2 if i % 5 == 4 else 1  # the log may have gaps
        rows.append({"position": position, "originator_id": ids[i % 4], "originator_version": i // 4 + 1,
                     "topic": "events.examples:Example.Edited",
                     "state": f'{{"n": {i}, "text": "rad {i} åäö"}}'.encode()})
    return rows


def hashes_of(rows: list[dict]) -> list[bytes]:
    return [leaf_hash(leaf_bytes(r["position"], r["originator_id"], r["originator_version"], r["topic"], r["state"]))
            for r in rows]


def write_export(path: Path, rows: list[dict], size: int | None = None, origin: str = ORIGIN) -> None:
    lines = [json.dumps({"format": FORMAT, "origin": origin, "size": len(rows) if size is None else size})]
    for row in rows:
        lines.append(json.dumps({**row, "state": base64.b64encode(row["state"]).decode()}))
    path.write_text("\n".join(lines) + "\n")


class Log:
    """The original log with checkpoints signed over it, and files for the verifier."""

    def __init__(self, folder: Path, sizes=(10, 14, 15, 20, 30)):
        self.folder = folder
        self.rows = make_rows()
        self.signer = NoteSigner("wiki.lansgrupp.example", Ed25519PrivateKey.generate())
        hashes = hashes_of(self.rows)
        self.checkpoints = []
        for size in sizes:
            path = folder / f"checkpoint-{size}"
            path.write_text(self.signer.sign(checkpoint_body(ORIGIN, size, root_of(hashes[:size]))))
            self.checkpoints.append(path)
        self.public_key = folder / "public-key.json"
        self.public_key.write_text(json.dumps({
            "algorithm": "ed25519", "key": base64.b64encode(self.signer.public_key_bytes).decode(),
            "vkey": self.signer.vkey()}))
        self.export = folder / "export.jsonl"
        write_export(self.export, self.rows)

    def args(self, checkpoints=None, public_key=None) -> list[str]:
        args = ["--export", str(self.export), "--public-key", str(public_key or self.public_key)]
        for path in self.checkpoints if checkpoints is None else checkpoints:
            args += ["--checkpoint", str(path)]
        return args

    def position(self, index: int) -> int:
        return self.rows[index]["position"]


@pytest.fixture
def log(tmp_path):
    return Log(tmp_path)


def run(log: Log, capsys, **kwargs) -> tuple[int, str]:
    code = main(log.args(**kwargs))
    out = capsys.readouterr().out.strip()
    assert "\n" not in out
    return code, out


def test_intact_export(log, capsys):
    assert run(log, capsys) == (0, "OK: 30 events, 5 checkpoints")
    vkey = log.folder / "vkey"
    vkey.write_text(log.signer.vkey() + "\n")
    assert run(log, capsys, public_key=vkey) == (0, "OK: 30 events, 5 checkpoints")
    bare = log.folder / "bare.json"
    bare.write_text(json.dumps({"algorithm": "ed25519", "key": base64.b64encode(log.signer.public_key_bytes).decode()}))
    assert run(log, capsys, public_key=bare, checkpoints=log.checkpoints[:1]) == (0, "OK: 30 events, 1 checkpoints")


def test_command_line(log):
    result = subprocess.run([sys.executable, "-m", "events.audit_verify", *log.args()], cwd=ROOT_DIR,
                            capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout.strip()) == (0, "OK: 30 events, 5 checkpoints")
    modules = subprocess.run(
        [sys.executable, "-c", "import sys, events.audit_verify; print(*sys.modules)"],
        cwd=ROOT_DIR, capture_output=True, text=True, timeout=60).stdout.split()
    assert "events.audit_verify" in modules
    assert not [name for name in modules if name.split(".")[0] in ("flask", "wiki", "whoosh", "eventsourcing")]
    log.rows[3]["state"] = b"changed"
    write_export(log.export, log.rows)
    result = subprocess.run([sys.executable, "-m", "events.audit_verify", *log.args()], cwd=ROOT_DIR,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "FEL:" in result.stdout and "FAIL:" in result.stdout


def test_altered_state(log, capsys):
    """The attacker rewrites a row and recomputes everything but the signatures."""
    log.rows[12]["state"] = log.rows[12]["state"].replace(b"rad", b"RAD")
    write_export(log.export, log.rows)
    code, out = run(log, capsys)
    assert code == 1
    assert (f"first bad position is after {log.position(9)} and at or before {log.position(13)} "
            f"(checkpoint {log.checkpoints[1]}, size 14") in out
    assert f"första felaktiga position är efter {log.position(9)} och högst {log.position(13)}" in out


def test_consecutive_checkpoints_name_the_exact_position(log, capsys):
    log.rows[14]["state"] = b"{}"
    write_export(log.export, log.rows)
    code, out = run(log, capsys)
    assert code == 1 and f"first bad position: {log.position(14)} (checkpoint" in out
    log.rows = make_rows()
    log.rows[0]["topic"] = "events.examples:Example.Deleted"
    write_export(log.export, log.rows)
    code, out = run(log, capsys, checkpoints=[log.checkpoints[0]])
    assert code == 1 and "first bad position is at or before" in out


def test_deleted_middle_row(log, capsys):
    del log.rows[16]
    write_export(log.export, log.rows)
    code, out = run(log, capsys)
    assert code == 1
    assert f"first bad position is after {log.position(14)} and at or before {log.position(19)}" in out


def test_truncated_tail(log, capsys):
    last = log.rows[24]["position"]
    write_export(log.export, log.rows[:25])
    code, out = run(log, capsys)
    assert code == 1
    assert f"the log ends at leaf 25 but a checkpoint covers 30: first missing position: {last + 1}" in out
    write_export(log.export, log.rows[:25], size=30)
    assert run(log, capsys)[0] == 1


def test_two_rows_swapped(log, capsys):
    log.rows[5], log.rows[6] = log.rows[6], log.rows[5]
    write_export(log.export, log.rows)
    code, out = run(log, capsys)
    assert code == 1 and f"first bad position: {log.position(6)} (line 8) comes after {log.position(5)}" in out
    # the same rows swapped, but each given the other's position
    log.rows = make_rows()
    a, b = log.rows[5], log.rows[6]
    a["position"], b["position"] = b["position"], a["position"]
    log.rows[5], log.rows[6] = b, a
    write_export(log.export, log.rows)
    code, out = run(log, capsys)
    assert code == 1 and f"at or before {log.position(9)}" in out


def test_inserted_row(log, capsys):
    extra = dict(log.rows[3], originator_version=99)
    log.rows.insert(4, extra)  # the same position twice
    write_export(log.export, log.rows)
    code, out = run(log, capsys)
    assert code == 1 and f"first bad position: {extra['position']} (line 6) comes after" in out
    log.rows = make_rows()
    gap = log.rows[4]["position"] - 1  # a position the log skipped
    assert gap != log.rows[3]["position"]
    log.rows.insert(4, dict(log.rows[3], position=gap))
    write_export(log.export, log.rows)
    code, out = run(log, capsys)
    assert code == 1 and "first bad position is at or before" in out


def test_malformed_rows(log, capsys):
    original = log.export.read_text().split("\n")
    for bad, expected in [('{"position": 5, "state": "x"}', "position 5, line 6: malformed row"),
                          ("not json", "line 6: malformed row"),
                          (original[5].replace('"state": "', '"state": "!'), f"position {log.position(4)}, line 6"),
                          (original[5].replace('"topic": "', '"topic": "a\\n'), f"position {log.position(4)}, line 6"),
                          ("", "line 6: malformed row")]:
        log.export.write_text("\n".join(original[:5] + [bad] + original[6:]))
        code, out = run(log, capsys)
        assert code == 1 and f"first bad position: {expected}" in out, out


def test_header(log, capsys):
    write_export(log.export, log.rows, size=29)
    code, out = run(log, capsys)
    assert code == 1 and "the export has 30 rows but its header says 29" in out
    write_export(log.export, log.rows, origin="elsewhere")
    code, out = run(log, capsys)
    assert code == 1 and "is for the log 'wiki.lansgrupp.example/log', the export for 'elsewhere'" in out
    log.export.write_text("not an export\n")
    assert run(log, capsys)[0] == 2


def test_bad_signature(log, capsys):
    note = log.checkpoints[2].read_text()
    log.checkpoints[2].write_text(note.replace("\n15\n", "\n16\n"))
    code, out = run(log, capsys)
    assert code == 1 and f"checkpoint {log.checkpoints[2]} does not verify with the key" in out


def test_checkpoint_from_another_key(log, capsys):
    """The attacker re-signs a checkpoint over the altered log with a key of their own."""
    log.rows[3]["state"] = b"changed"
    write_export(log.export, log.rows)
    forger = NoteSigner(log.signer.name, Ed25519PrivateKey.generate())
    forged = log.folder / "forged"
    forged.write_text(forger.sign(checkpoint_body(ORIGIN, 30, root_of(hashes_of(log.rows)))))
    code, out = run(log, capsys, checkpoints=[forged])
    assert code == 1 and f"checkpoint {forged} does not verify with the key" in out


def test_unreadable_inputs(log, capsys):
    assert main(log.args(public_key=log.folder / "missing")) == 2
    (log.folder / "garbage").write_text("garbage")
    assert main(log.args(public_key=log.folder / "garbage")) == 2
    assert main(log.args(checkpoints=[log.folder / "missing"])) == 2
    with pytest.raises(SystemExit):
        main(["--export", str(log.export)])
    capsys.readouterr()


def test_export_from_a_real_recorder_verifies(tmp_path, capsys):
    """export_rows over an eventsourcing SQLite recorder, against a TreeFile built from it."""
    recorder = SQLiteApplicationRecorder(SQLiteDatastore(str(tmp_path / "events.sqlite")))
    recorder.create_table()
    ids = [uuid.uuid4() for _ in range(3)]
    for i in range(2500):
        recorder.insert_events([StoredEvent(ids[i % 3], i // 3 + 1, "events.examples:Example.Edited",
                                            f'{{"i": {i}}}'.encode())])
    tree = TreeFile(str(tmp_path / "audit-tree"))
    tree.append((n.id, leaf_hash(leaf_bytes(n.id, str(n.originator_id), n.originator_version, n.topic, n.state)))
                for n in recorder.select_notifications(0, 5000, inclusive_of_start=False))
    signer = NoteSigner("wiki.lansgrupp.example", Ed25519PrivateKey.generate())
    checkpoints = []
    for size in (0, 1000, 2500):
        path = tmp_path / f"checkpoint-{size}"
        path.write_text(signer.sign(checkpoint_body(ORIGIN, size, tree.root(size))))
        checkpoints += ["--checkpoint", str(path)]
    assert tree.root(0) == EMPTY_ROOT
    (tmp_path / "vkey").write_text(signer.vkey())
    with open(tmp_path / "export.jsonl", "w", encoding="utf-8") as out:
        assert export_rows(recorder, ORIGIN, out) == 2500
    with open(tmp_path / "part.jsonl", "w", encoding="utf-8") as out:
        assert export_rows(recorder, ORIGIN, out, size=1000) == 1000
    first = (tmp_path / "export.jsonl").read_text().split("\n")[1]
    assert parse_row(first)[0] == 1
    args = ["--public-key", str(tmp_path / "vkey"), *checkpoints]
    assert main(["--export", str(tmp_path / "export.jsonl"), *args]) == 0
    assert capsys.readouterr().out.strip() == "OK: 2500 events, 3 checkpoints"
    assert main(["--export", str(tmp_path / "part.jsonl"), *args]) == 1
    assert "the log ends at leaf 1000 but a checkpoint covers 2500: first missing position: 1001" in \
        capsys.readouterr().out
    with pytest.raises(ValueError):
        export_rows(recorder, ORIGIN, open(tmp_path / "too-many.jsonl", "w"), size=2600)
