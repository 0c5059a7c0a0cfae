"""Sign-in throttling: after 10 failures in 15 minutes for an account or from an address,
sign-in answers 429 with Retry-After until the window has room again.

Every server process must count failures together. With the embedded store they are kept
in `throttle.sqlite` in the data folder; with PostgreSQL in a table beside the event log,
so that all nodes count together.

The address is `request.remote_addr`: the peer's, unless `WIKI_TRUSTED_PROXIES` (N > 0) says N
reverse proxies stand in front, in which case Werkzeug's ProxyFix takes it from the N-th
X-Forwarded-For entry from the right. With 0 the header is ignored, so a client cannot pick
its own address to dodge the throttle.
"""

import hashlib
import sqlite3
import time

from events.local_sqlite import LocalSQLite

MAX_FAILURES = 10
WINDOW_SECONDS = 15 * 60


class SQLiteFailures:
    """Failed attempts in a SQLite file shared by the processes on one data folder."""

    def __init__(self, path: str):
        self._sqlite = LocalSQLite(path)
        self.create_tables()

    def _db(self) -> sqlite3.Connection:
        return self._sqlite.connection()

    def create_tables(self) -> None:
        self._db().execute("CREATE TABLE IF NOT EXISTS failures (key TEXT NOT NULL, at REAL NOT NULL)")
        self._db().execute("CREATE INDEX IF NOT EXISTS failures_key ON failures (key, at)")

    def recent(self, key: str, since: float, limit: int) -> list[float]:
        rows = self._db().execute("SELECT at FROM failures WHERE key=? AND at>? ORDER BY at DESC LIMIT ?",
                                  (key, since, limit)).fetchall()
        return [row[0] for row in rows]

    def add(self, keys: list[str], at: float, forget_before: float) -> None:
        db = self._db()
        db.executemany("INSERT INTO failures VALUES (?, ?)", [(key, at) for key in keys])
        db.execute("DELETE FROM failures WHERE at<?", (forget_before,))

    def forget(self, key: str) -> None:
        self._db().execute("DELETE FROM failures WHERE key=?", (key,))

    def close(self) -> None:
        self._sqlite.close()


class PostgresFailures:
    """Failed attempts in `signin_failures` in the event store's PostgreSQL schema."""

    def __init__(self, datastore):
        from psycopg import sql
        self._datastore = datastore
        self._table = sql.Identifier(datastore.schema, "signin_failures")
        self._index = sql.Identifier("signin_failures_key")
        self._sql = sql

    def _sql_of(self, statement: str):
        return self._sql.SQL(statement).format(table=self._table, index=self._index)

    def _run(self, statement: str, params=(), fetch: bool = False):
        with self._datastore.transaction(commit=True) as cursor:
            cursor.execute(self._sql_of(statement), params)
            return cursor.fetchall() if fetch else None

    def create_tables(self) -> None:
        self._run("CREATE TABLE IF NOT EXISTS {table} (key TEXT NOT NULL, at DOUBLE PRECISION NOT NULL)")
        self._run("CREATE INDEX IF NOT EXISTS {index} ON {table} (key, at)")

    def recent(self, key: str, since: float, limit: int) -> list[float]:
        rows = self._run("SELECT at FROM {table} WHERE key=%s AND at>%s ORDER BY at DESC LIMIT %s",
                         (key, since, limit), fetch=True)
        return [row["at"] for row in rows]

    def add(self, keys: list[str], at: float, forget_before: float) -> None:
        with self._datastore.transaction(commit=True) as cursor:
            cursor.executemany(self._sql_of("INSERT INTO {table} (key, at) VALUES (%s, %s)"),
                               [(key, at) for key in keys])
            cursor.execute(self._sql_of("DELETE FROM {table} WHERE at<%s"), (forget_before,))

    def forget(self, key: str) -> None:
        self._run("DELETE FROM {table} WHERE key=%s", (key,))

    def close(self) -> None:
        """The event store owns the connection pool."""


class SignInThrottle:
    def __init__(self, failures, max_failures: int = MAX_FAILURES, window: float = WINDOW_SECONDS):
        self.failures = failures
        self.max_failures = max_failures
        self.window = window

    @staticmethod
    def keys(username: str, address: str | None) -> list[str]:
        """The counted keys; the username is hashed, so the table holds no names and no odd bytes."""
        name = (username or "")[:40].lower().encode("utf-8", "surrogatepass")
        return [f"account:{hashlib.sha256(name).hexdigest()[:32]}", f"address:{(address or 'unknown')[:64]}"]

    def retry_after(self, keys: list[str]) -> int:
        """Seconds until another attempt is allowed; 0 when it is allowed now."""
        now = time.time()
        wait = 0.0
        for key in keys:
            recent = self.failures.recent(key, now - self.window, self.max_failures)
            if len(recent) >= self.max_failures:
                wait = max(wait, recent[-1] + self.window - now)
        return int(wait) + 1 if wait > 0 else 0

    def failed(self, keys: list[str]) -> None:
        now = time.time()
        self.failures.add(keys, now, forget_before=now - self.window)

    def succeeded(self, keys: list[str]) -> None:
        self.failures.forget(keys[0])

    def close(self) -> None:
        self.failures.close()
