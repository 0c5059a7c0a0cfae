"""One SQLite connection per thread to a file in the data folder (WAL by default, autocommit)."""

import sqlite3
import threading
import time


class LocalSQLite:
    def __init__(self, path: str, row_factory=None, journal_mode: str = "WAL", secure_delete: bool = False,
                 synchronous: str = "NORMAL"):
        self.path = path
        self.row_factory = row_factory
        self.journal_mode = journal_mode
        self.secure_delete = secure_delete
        self.synchronous = synchronous
        self._local = threading.local()

    def connection(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            if self.row_factory is not None:
                db.row_factory = self.row_factory
            db.execute(f"PRAGMA journal_mode={self.journal_mode}")
            db.execute(f"PRAGMA synchronous={self.synchronous}")
            if self.secure_delete:
                db.execute("PRAGMA secure_delete=ON")
            self._local.db = db
        return db

    def checkpoint(self, attempts: int = 50, delay: float = 0.1) -> bool:
        """Moves every committed page into the file and empties the WAL; False while another
        connection's read keeps it busy after `attempts` tries."""
        db = self.connection()
        for attempt in range(attempts):
            if attempt:
                time.sleep(delay)
            busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if not busy:
                return True
        return False

    def close(self) -> None:
        """Closes this thread's connection."""
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None
