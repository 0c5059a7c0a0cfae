"""A hash chain over the stored event log, in log order.

Each link is SHA-256 of the previous link and the event exactly as stored (position,
aggregate id, version, topic and the stored state bytes). The links are kept in
`audit.sqlite` in the data folder and extended incrementally, so a digest is cheap.
Verifying recomputes the chain from the stored events and compares it with the kept
links and, if given, with an earlier digest: an altered, deleted or reordered event is
reported with its position, and deleting the newest events is caught against a digest
(or against the kept links, which remember them).
"""

import hashlib
import sqlite3
import threading

from .local_sqlite import LocalSQLite

GENESIS = bytes(32)
BATCH = 2000


def link(previous: bytes, notification) -> bytes:
    digest = hashlib.sha256(previous)
    digest.update(f"{notification.id}\n{notification.originator_id}\n{notification.originator_version}\n"
                  f"{notification.topic}\n".encode())
    digest.update(notification.state)
    return digest.digest()


class AuditChain:
    def __init__(self, path: str, recorder):
        self.path = path
        self.recorder = recorder
        self._sqlite = LocalSQLite(path)
        self._lock = threading.Lock()
        db = self._db()
        db.execute("CREATE TABLE IF NOT EXISTS links (position INTEGER PRIMARY KEY, link BLOB NOT NULL)")

    def _db(self) -> sqlite3.Connection:
        return self._sqlite.connection()

    def close(self) -> None:
        self._sqlite.close()

    def _head(self) -> tuple[int, bytes]:
        row = self._db().execute("SELECT position, link FROM links ORDER BY position DESC LIMIT 1").fetchone()
        return (row[0], row[1]) if row else (0, GENESIS)

    def update(self, head: int | None = None) -> tuple[int, bytes]:
        """Extends the kept chain over events stored since (up to at least `head`, the log's
        head when the caller already knows it); returns the chain's head."""
        position, previous = self._head()
        if head is None:
            head = self.recorder.max_notification_id() or 0
        if head <= position:
            return position, previous
        with self._lock:
            db = self._db()
            db.execute("BEGIN IMMEDIATE")
            try:
                position, previous = self._head()
                while True:
                    notifications = self.recorder.select_notifications(
                        start=position, limit=BATCH, inclusive_of_start=False)
                    if not notifications:
                        break
                    rows = []
                    for notification in notifications:
                        previous = link(previous, notification)
                        rows.append((notification.id, previous))
                    db.executemany("INSERT INTO links VALUES (?, ?)", rows)
                    position = notifications[-1].id
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return position, previous

    def digest(self) -> dict:
        position, head = self.update()
        return {"position": position, "sha256": head.hex()}

    def verify(self, digest: dict | None = None) -> dict:
        """`{"ok": True}` or `{"ok": False, "first_bad_position": N}`."""
        kept = dict(self._db().execute("SELECT position, link FROM links").fetchall())
        kept_head = max(kept) if kept else 0
        anchor = (int(digest["position"]), bytes.fromhex(digest["sha256"])) if digest is not None else None
        previous, position, bad = GENESIS, 0, None
        seen: set[int] = set()
        at_anchor = GENESIS if anchor is not None and anchor[0] == 0 else None
        while bad is None:
            notifications = self.recorder.select_notifications(start=position, limit=BATCH, inclusive_of_start=False)
            if not notifications:
                break
            for notification in notifications:
                previous = link(previous, notification)
                seen.add(notification.id)
                if anchor is not None and notification.id == anchor[0]:
                    at_anchor = previous
                stored = kept.get(notification.id)
                if (stored is not None and stored != previous) or (stored is None and notification.id <= kept_head):
                    bad = notification.id
                    break
            position = notifications[-1].id
        missing = [p for p in kept if p not in seen and (bad is None or p < bad)]
        if missing:
            bad = min(missing) if bad is None else min(bad, min(missing))
        if bad is None and anchor is not None and at_anchor != anchor[1]:
            if at_anchor is None:
                before = [p for p in seen if p < anchor[0]]
                bad = max(before) + 1 if before else 1
            else:
                bad = anchor[0]
        return {"ok": True} if bad is None else {"ok": False, "first_bad_position": bad}
