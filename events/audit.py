"""A hash chain over the stored event log, in log order.

Each link is SHA-256 of the previous link and the event exactly as stored (position,
aggregate id, version, topic and the stored state bytes). The links are kept in
`audit.sqlite` in the data folder and extended incrementally, so a digest is cheap.
Verifying recomputes the chain from the stored events and compares it with the kept
links and, if given, with earlier digests: an altered, deleted, reordered or malformed event
is reported with its position, and deleting the newest events is caught against a digest
(or against the kept links, which remember them).

What each check can show. The kept links sit beside the store, so whoever can rewrite the store
can rewrite them too: as long as they are intact they name the first position whose stored row
no longer gives its link. A digest (position P, link at P) held elsewhere is the only anchor
outside: a mismatch proves that something at or before P changed, but one hash cannot say
where, because every link after the change differs. Then the answer says so (`reason`
`digest_mismatch`), and earlier digests that still match narrow it down (`unchanged_through`).
"""

import bisect
import hashlib
import sqlite3
import threading
from uuid import UUID

from .local_sqlite import LocalSQLite

GENESIS = bytes(32)
BATCH = 2000
MAX_DIGESTS = 1000


def well_formed(notification) -> bool:
    """Whether a stored row has the types every event is written with."""
    version = notification.originator_version
    return (isinstance(notification.originator_id, UUID) and isinstance(version, int)
            and not isinstance(version, bool) and isinstance(notification.topic, str)
            and isinstance(notification.state, bytes))


def link(previous: bytes, notification) -> bytes:
    digest = hashlib.sha256(previous)
    digest.update(f"{notification.id}\n{notification.originator_id}\n{notification.originator_version}\n"
                  f"{notification.topic}\n".encode("utf-8", "backslashreplace"))
    state = notification.state
    digest.update(state if isinstance(state, bytes) else b"\x00not bytes: " + repr(state).encode())
    return digest.digest()


def unreadable_link(previous: bytes, position: int) -> bytes:
    """The link kept for a row the store cannot return at all; verifying reports that row."""
    return hashlib.sha256(previous + f"{position}\nunreadable\n".encode()).digest()


def parse_digests(digests) -> list[tuple[int, bytes]]:
    """`None`, one `{"position", "sha256"}` or a list of them, as (position, link) sorted."""
    if digests is None:
        return []
    if isinstance(digests, dict):
        digests = [digests]
    if len(digests) > MAX_DIGESTS:
        raise ValueError(f"at most {MAX_DIGESTS} digests")
    return sorted({(int(d["position"]), bytes.fromhex(d["sha256"])) for d in digests})


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

    # ---- reading the stored rows, malformed ones included --------------------------------

    def _select(self, after: int, limit: int, stop: int | None = None) -> list:
        return list(self.recorder.select_notifications(start=after, limit=limit, stop=stop,
                                                       inclusive_of_start=False))

    def _read(self, after: int, limit: int) -> tuple[list, int | None]:
        """Up to `limit` stored rows after `after`, and the position of a row that follows them
        which the store cannot even return (an aggregate id that is no uuid, a state that is
        NULL), or None."""
        try:
            return self._select(after, limit), None
        except Exception as error:  # a row the driver cannot convert, or the store itself
            unreadable = self._first_unreadable(after, limit, error)
        return (self._select(after, limit, stop=unreadable - 1) if unreadable - 1 > after else []), unreadable

    def _readable(self, after: int, stop: int, limit: int) -> bool:
        try:
            self._select(after, limit, stop=stop)
        except Exception:
            return False
        return True

    def _first_unreadable(self, after: int, limit: int, error: Exception) -> int:
        """Bisects on the last position read: the rows read are a prefix of the first `limit`
        rows, among which the failing one is. Re-raises when the store fails on no row at all."""
        low, high = after, self.recorder.max_notification_id() or after
        if not self._readable(after, low, 1) or self._readable(after, high, limit):
            raise error
        while high - low > 1:
            middle = (low + high) // 2
            if self._readable(after, middle, limit):
                low = middle
            else:
                high = middle
        return high

    # ---- keeping the chain -----------------------------------------------------------------

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
                    notifications, unreadable = self._read(position, BATCH)
                    rows = []
                    for notification in notifications:
                        previous = link(previous, notification)
                        rows.append((notification.id, previous))
                    if unreadable is not None:
                        previous = unreadable_link(previous, unreadable)
                        rows.append((unreadable, previous))
                    if not rows:
                        break
                    db.executemany("INSERT INTO links VALUES (?, ?)", rows)
                    position = rows[-1][0]
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return position, previous

    def digest(self) -> dict:
        position, head = self.update()
        return {"position": position, "sha256": head.hex()}

    # ---- verifying -------------------------------------------------------------------------

    def verify(self, digests=None) -> dict:
        """`{"ok": True}`, or `{"ok": False, "first_bad_position": N}` naming the first row that
        no longer gives its kept link (or is missing or malformed), or, when only a digest
        disagrees, `{"ok": False, "reason": "digest_mismatch", "digest_position": P,
        "first_bad_position": N}` with N = P (or the first position the log lacks when it ends
        before P) and `unchanged_through` the latest given digest that still matches, if any."""
        anchors = parse_digests(digests)
        wanted = {position for position, _ in anchors}
        self.update()
        kept = dict(self._db().execute("SELECT position, link FROM links").fetchall())
        kept_head = max(kept) if kept else 0
        previous, position, bad = GENESIS, 0, None
        seen: list[int] = []
        computed: dict[int, bytes] = {0: GENESIS}
        while bad is None:
            notifications, unreadable = self._read(position, BATCH)
            for notification in notifications:
                if not well_formed(notification):
                    bad = notification.id
                    break
                previous = link(previous, notification)
                seen.append(notification.id)
                if notification.id in wanted:
                    computed[notification.id] = previous
                stored = kept.get(notification.id)
                if (stored is not None and stored != previous) or (stored is None and notification.id <= kept_head):
                    bad = notification.id
                    break
            else:
                if unreadable is not None:
                    bad = unreadable
                elif not notifications:
                    break
                else:
                    position = notifications[-1].id
        present = set(seen)
        missing = [p for p in kept if p not in present and (bad is None or p < bad)]
        if missing:
            bad = min(missing) if bad is None else min(bad, min(missing))
        unchanged_through = None
        for anchor, expected in anchors:
            if bad is not None and anchor >= bad:
                break
            if computed.get(anchor) == expected:
                unchanged_through = anchor
                continue
            result = {"ok": False, "first_bad_position": anchor, "reason": "digest_mismatch",
                      "digest_position": anchor}
            if anchor not in computed:  # the log lacks the digest's own row: it ends, or has a hole, before it
                before = bisect.bisect_left(seen, anchor)
                result["first_bad_position"] = seen[before - 1] + 1 if before else 1
            if unchanged_through is not None:
                result["unchanged_through"] = unchanged_through
            return result
        return {"ok": True} if bad is None else {"ok": False, "first_bad_position": bad}
