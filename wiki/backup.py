"""Backup and restore of an installation on the embedded store (`flask --app wiki backup DEST`,
`flask --app wiki restore SRC`).

A backup holds what is not a projection: the event log (with its snapshots), the key table, the
files' blobs, the notifier's outbox (so a restore sends nothing twice), the session and signing
keys, and the ledger of destroyed keys. It is made online, while the wiki serves and takes
writes, with SQLite's backup API, in an order that keeps it consistent: the outbox first (its
position is then never ahead of the log), then the log, then the keys and the blobs (written
before the events that name them, so every event in the backup finds its key and file). The
pages, the search index, the hash chain and the Merkle tree are rebuilt on restore, never
copied. A restore destroys every key that the backup's ledger, and any later ledger it is given,
lists, so an erasure made after the backup stays made.
"""

import json
import os
import shutil
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from events.erasure_ledger import read_ledger

FORMAT = "lansgrupp-wiki/backup/v1"
DATABASES = ("outbox.sqlite", "events.sqlite", "keys.sqlite")  # in this order
FILES = ("secret_key", "signing.key")
LEDGER = "erased-keys.log"


class BackupError(Exception):
    """Why a backup or restore cannot be made (a message for the operator)."""


def _copy_database(source: Path, target: Path) -> None:
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def backup(data_dir: str, dest: str, event_store: str, ledger: str | None = None) -> dict:
    """Writes a consistent backup of `data_dir` into the new folder `dest`; returns its manifest."""
    if event_store not in ("", "sqlite"):
        raise BackupError("Med PostgreSQL: säkerhetskopiera databasen med pg_dump (se README, Drift).")
    data, target = Path(data_dir), Path(dest)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} finns redan och är inte tom.")
    target.mkdir(parents=True, exist_ok=True, mode=0o700)
    copied = []
    for name in DATABASES:
        if (data / name).exists():
            _copy_database(data / name, target / name)
            copied.append(name)
    if (data / "blobs").exists():
        shutil.copytree(data / "blobs", target / "blobs", ignore=shutil.ignore_patterns("tmp"))
        copied.append("blobs")
    for name in FILES:
        if (data / name).exists():
            shutil.copy2(data / name, target / name)
            copied.append(name)
    ledger_path = Path(ledger) if ledger else data / LEDGER
    if ledger_path.exists():
        shutil.copy2(ledger_path, target / LEDGER)
        copied.append(LEDGER)
    with sqlite3.connect(target / "events.sqlite") as db:
        head = db.execute("SELECT max(rowid) FROM stored_events").fetchone()[0] or 0
    db.close()
    manifest = {"format": FORMAT, "made_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "position": head, "contents": copied}
    (target / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return manifest


def restore_files(src: str, data_dir: str, ledgers: list[str]) -> tuple[dict, set[str]]:
    """Copies the backup into the empty `data_dir` and destroys every key the ledgers list (the
    backup's and `ledgers`); returns the manifest and the destroyed key ids."""
    source, data = Path(src), Path(data_dir)
    try:
        manifest = json.loads((source / "manifest.json").read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{source} är ingen säkerhetskopia ({error}).") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{source} är ingen säkerhetskopia i formatet {FORMAT}.")
    if data.exists() and any(data.iterdir()):
        raise BackupError(f"{data} är inte tom: återställ till en tom datamapp.")
    data.mkdir(parents=True, exist_ok=True, mode=0o700)
    for name in manifest["contents"]:
        if (source / name).is_dir():
            shutil.copytree(source / name, data / name)
        else:
            shutil.copy2(source / name, data / name)
    erased = read_ledger(str(source / LEDGER))
    for ledger in ledgers:
        if not os.path.exists(ledger):
            raise BackupError(f"Hittar inte listan över förstörda nycklar {ledger}.")
        erased |= read_ledger(ledger)
    if erased:
        _destroy_keys(data, erased)
        merged = sorted(erased - read_ledger(str(data / LEDGER)))
        if merged:
            with open(data / LEDGER, "a", encoding="utf-8") as out:
                out.writelines(json.dumps({"key": key_id, "at": "restore"}) + "\n" for key_id in merged)
    return manifest, erased


def _destroy_keys(data: Path, key_ids: set[str]) -> None:
    with sqlite3.connect(data / "keys.sqlite") as db:
        db.execute("PRAGMA secure_delete=ON")
        db.executemany("DELETE FROM person_keys WHERE person_id=?", [(key_id,) for key_id in sorted(key_ids)])
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # no copy of a destroyed key stays in the WAL
    db.close()
    for key_id in key_ids:  # a destroyed file's bytes go with its key
        if key_id.startswith("file:"):
            sha = key_id[len("file:"):]
            for path in (data / "blobs" / sha[:2]).glob(f"{sha}*") if len(sha) == 64 else []:
                path.unlink()
