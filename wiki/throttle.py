"""Sign-in throttling: after 10 failures in 15 minutes for an account or from an address,
sign-in answers 429 with Retry-After until the window has room again.

Failures are kept in `throttle.sqlite` in the data folder, so every server process on the
folder counts them together.
"""

import sqlite3
import time

from events.local_sqlite import LocalSQLite

MAX_FAILURES = 10
WINDOW_SECONDS = 15 * 60


class SignInThrottle:
    def __init__(self, path: str, max_failures: int = MAX_FAILURES, window: float = WINDOW_SECONDS):
        self.path = path
        self.max_failures = max_failures
        self.window = window
        self._sqlite = LocalSQLite(path)
        self._db().execute("CREATE TABLE IF NOT EXISTS failures (key TEXT NOT NULL, at REAL NOT NULL)")
        self._db().execute("CREATE INDEX IF NOT EXISTS failures_key ON failures (key, at)")

    def _db(self) -> sqlite3.Connection:
        return self._sqlite.connection()

    @staticmethod
    def keys(username: str, address: str | None) -> list[str]:
        return [f"account:{(username or '')[:40].lower()}", f"address:{address or 'unknown'}"]

    def retry_after(self, keys: list[str]) -> int:
        """Seconds until another attempt is allowed; 0 when it is allowed now."""
        now = time.time()
        wait = 0.0
        for key in keys:
            rows = self._db().execute(
                "SELECT at FROM failures WHERE key=? AND at>? ORDER BY at DESC LIMIT ?",
                (key, now - self.window, self.max_failures)).fetchall()
            if len(rows) >= self.max_failures:
                wait = max(wait, rows[-1][0] + self.window - now)
        return int(wait) + 1 if wait > 0 else 0

    def failed(self, keys: list[str]) -> None:
        now = time.time()
        db = self._db()
        db.executemany("INSERT INTO failures VALUES (?, ?)", [(key, now) for key in keys])
        db.execute("DELETE FROM failures WHERE at<?", (now - self.window,))

    def succeeded(self, keys: list[str]) -> None:
        self._db().execute("DELETE FROM failures WHERE key=?", (keys[0],))

    def close(self) -> None:
        self._sqlite.close()
