"""Example forms kept for a short while when their session had ended, so that signing in again
brings the text back.

A POST of the example form that cannot be saved because the session is gone (or its CSRF token
came from a session that is gone) is kept in `kept_forms.sqlite` in the data folder under a
random id for an hour, never in the event log. The id goes to the browser in a cookie scoped to
the form's path; the form page takes the kept form once and fills itself with it. The table is
small (the newest forms, up to a number and a size) and has `secure_delete`, so a taken or
expired form leaves no copy in the file.
"""

import json
import os
import secrets
import sqlite3
import time
from contextlib import closing
from pathlib import Path

from flask import current_app

LIFETIME_SECONDS = 3600
MAX_FORMS = 200
MAX_BYTES = 32 * 1024 * 1024
COOKIE = "lansgrupp_kept_form"
NOT_KEPT = {"csrf_token", "action"}


class KeptForms:
    def __init__(self, path: str):
        self.path = path

    def _connect(self) -> sqlite3.Connection:
        if not os.path.exists(self.path):
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.execute("PRAGMA journal_mode=DELETE")
        db.execute("PRAGMA secure_delete=ON")
        db.execute("CREATE TABLE IF NOT EXISTS kept_forms (id TEXT PRIMARY KEY, target TEXT NOT NULL, "
                   "fields TEXT NOT NULL, size INTEGER NOT NULL, kept_at REAL NOT NULL)")
        return db

    def keep(self, target: str, pairs: list[tuple[str, str]]) -> str:
        """Keeps the form posted to `target` (a path); returns its id."""
        fields = json.dumps([[k, v] for k, v in pairs if k not in NOT_KEPT], ensure_ascii=False)
        form_id = secrets.token_urlsafe(24)
        now = time.time()
        with closing(self._connect()) as db:
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM kept_forms WHERE kept_at < ?", (now - LIFETIME_SECONDS,))
            db.execute("INSERT INTO kept_forms VALUES (?, ?, ?, ?, ?)",
                       (form_id, target, fields, len(fields.encode("utf-8")), now))
            total, dropped = 0, []
            for index, (old_id, size) in enumerate(
                    db.execute("SELECT id, size FROM kept_forms ORDER BY kept_at DESC, id").fetchall()):
                total += size
                if index >= MAX_FORMS or total > MAX_BYTES:
                    dropped.append((old_id,))
            db.executemany("DELETE FROM kept_forms WHERE id=?", dropped)
            db.execute("COMMIT")
        return form_id

    def take(self, form_id: str, target: str) -> list[tuple[str, str]] | None:
        """The form kept under `form_id` for `target`, once; None if there is none (or it expired)."""
        if not isinstance(form_id, str) or not 0 < len(form_id) <= 100:
            return None
        with closing(self._connect()) as db:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute("SELECT fields FROM kept_forms WHERE id=? AND target=? AND kept_at >= ?",
                             (form_id, target, time.time() - LIFETIME_SECONDS)).fetchone()
            db.execute("DELETE FROM kept_forms WHERE id=?", (form_id,))
            db.execute("COMMIT")
        return [(k, v) for k, v in json.loads(row[0])] if row else None


def kept_forms() -> KeptForms:
    return KeptForms(str(Path(current_app.config["DATA_DIR"]) / "kept_forms.sqlite"))
