"""The outbox: the messages the log says are owed, as a projection with its own position.

The notifier follows the log like the index follower does. For each event it works out who
is owed a message, with each reader's rights at that moment, and records the messages together
with its new position in one SQLite transaction (`outbox.sqlite` in the notifier's data folder).
A message's key is a hash of the events behind it, its kind and its recipient, so applying a
batch again adds nothing. Sending is a second step (`wiki/notify.py`): a message is marked sent
only after the transport took it.

It follows behind the search index: a new example is matched against saved searches by the
index, so the notifier never passes the index's position.
"""

import hashlib
import json
import sqlite3
from datetime import datetime, timedelta, timezone

from .local_sqlite import LocalSQLite
from .permissions import Actor, can_read_example

BATCH = 200
RETRY_DELAYS = (60, 300, 1800, 7200, 21600)  # seconds after the 1st, 2nd, … temporary failure
MAX_ATTEMPTS = 12

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
    key TEXT PRIMARY KEY, recipient TEXT NOT NULL, kind TEXT NOT NULL, subject_id TEXT,
    subscription TEXT, positions TEXT NOT NULL, created_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt TEXT NOT NULL, sent_at TEXT, error TEXT);
CREATE INDEX IF NOT EXISTS messages_pending ON messages (status, next_attempt);
CREATE INDEX IF NOT EXISTS messages_recipient ON messages (recipient);
CREATE TABLE IF NOT EXISTS digest_items (
    key TEXT PRIMARY KEY, recipient TEXT NOT NULL, kind TEXT NOT NULL, subject_id TEXT, subscription TEXT,
    position INTEGER NOT NULL, digest TEXT);
CREATE INDEX IF NOT EXISTS digest_items_pending ON digest_items (digest, recipient, position);
"""


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def message_key(kind: str, recipient: str, positions: list[int], extra: str = "") -> str:
    """The message's identity: the same events, kind and recipient always give the same key."""
    text = f"{kind}|{recipient}|{','.join(map(str, positions))}|{extra}"
    return hashlib.sha256(text.encode()).hexdigest()[:40]


class Outbox:
    def __init__(self, path: str):
        self._sqlite = LocalSQLite(path, row_factory=sqlite3.Row, secure_delete=True)
        self._db().executescript(SCHEMA)

    def _db(self) -> sqlite3.Connection:
        return self._sqlite.connection()

    def close(self) -> None:
        self._sqlite.close()

    def position(self) -> int:
        row = self._db().execute("SELECT value FROM meta WHERE key='position'").fetchone()
        return int(row[0]) if row else 0

    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self._db().execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else default

    def record(self, messages: list[dict], position: int | None = None, meta: dict | None = None) -> int:
        """Adds the messages (those already there are left alone) and, in the same transaction, the
        new position; returns how many were new."""
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            if position is not None and position <= self.position():
                db.execute("ROLLBACK")
                return 0
            before = db.total_changes
            at = now_iso()
            db.executemany(
                "INSERT OR IGNORE INTO messages (key, recipient, kind, subject_id, subscription, positions, "
                "created_at, next_attempt) VALUES (?,?,?,?,?,?,?,?)",
                [(m["key"], m["recipient"], m["kind"], m.get("subject_id"), m.get("subscription"),
                  json.dumps(m.get("positions", [])), at, at) for m in messages if not m.get("weekly")])
            db.executemany(
                "INSERT OR IGNORE INTO digest_items VALUES (?,?,?,?,?,?,NULL)",
                [(m["key"], m["recipient"], m["kind"], m.get("subject_id"), m.get("subscription"),
                  m["positions"][-1]) for m in messages if m.get("weekly")])
            added = db.total_changes - before
            for key, value in {**(meta or {}), **({"position": str(position)} if position is not None else {})}.items():
                db.execute("INSERT OR REPLACE INTO meta VALUES (?,?)", (key, value))
            db.execute("COMMIT")
            return added
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def due(self, limit: int = 50, now: str | None = None) -> list[dict]:
        """Pending messages whose next attempt has come (`now`: an ISO time, by default the present)."""
        rows = self._db().execute("SELECT * FROM messages WHERE status='pending' AND next_attempt<=? "
                                  "ORDER BY created_at, key LIMIT ?", (now or now_iso(), limit)).fetchall()
        return [self._message(r) for r in rows]

    @staticmethod
    def _message(r) -> dict:
        return {**dict(r), "positions": json.loads(r["positions"])}

    def messages(self, recipient: str | None = None, status: str | None = None) -> list[dict]:
        clauses, params = [], []
        for column, value in (("recipient", recipient), ("status", status)):
            if value:
                clauses.append(f"{column}=?")
                params.append(value)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self._db().execute(f"SELECT * FROM messages {where} ORDER BY created_at, key", params).fetchall()
        return [self._message(r) for r in rows]

    def _set(self, key: str, sql: str, params: tuple) -> None:
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        db.execute(f"UPDATE messages SET {sql} WHERE key=?", (*params, key))
        db.execute("COMMIT")

    def sent(self, key: str) -> None:
        self._set(key, "status='sent', sent_at=?, error=NULL", (now_iso(),))

    def dropped(self, key: str, reason: str) -> None:
        """Not sent, for good: no address, or the reader may no longer read what it was about."""
        self._set(key, "status='dropped', error=?", (reason,))

    def retry(self, key: str, attempts: int, error: str) -> None:
        if attempts >= MAX_ATTEMPTS:
            self._set(key, "status='failed', attempts=?, error=?", (attempts, error))
            return
        delay = RETRY_DELAYS[min(attempts - 1, len(RETRY_DELAYS) - 1)]
        later = (datetime.now(timezone.utc) + timedelta(seconds=delay)).isoformat(timespec="seconds")
        self._set(key, "attempts=?, next_attempt=?, error=?", (attempts, later.replace("+00:00", "Z"), error))

    def failed(self, key: str, error: str) -> None:
        self._set(key, "status='failed', error=?", (error,))

    def digest_items(self, recipient: str | None = None) -> list[dict]:
        """Items waiting for the next weekly digest."""
        sql = "SELECT * FROM digest_items WHERE digest IS NULL" + (" AND recipient=?" if recipient else "")
        rows = self._db().execute(sql + " ORDER BY recipient, position", (recipient,) if recipient else ()).fetchall()
        return [dict(r) for r in rows]

    def make_digests(self) -> int:
        """One digest message per recipient of the items waiting, in one transaction; returns how many."""
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            rows = db.execute("SELECT * FROM digest_items WHERE digest IS NULL ORDER BY recipient, position").fetchall()
            by_recipient: dict[str, list] = {}
            for row in rows:
                by_recipient.setdefault(row["recipient"], []).append(row)
            at = now_iso()
            for recipient, items in by_recipient.items():
                positions = sorted({item["position"] for item in items})
                key = message_key("digest", recipient, positions, ",".join(item["key"] for item in items))
                db.execute("INSERT OR IGNORE INTO messages (key, recipient, kind, subject_id, subscription, positions, "
                           "created_at, next_attempt) VALUES (?,?,?,?,?,?,?,?)",
                           (key, recipient, "digest", None, None, json.dumps(positions), at, at))
                db.executemany("UPDATE digest_items SET digest=? WHERE key=?", [(key, item["key"]) for item in items])
            db.execute("COMMIT")
            return len(by_recipient)
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def digest_of(self, key: str) -> list[dict]:
        rows = self._db().execute("SELECT * FROM digest_items WHERE digest=? ORDER BY position", (key,)).fetchall()
        return [dict(r) for r in rows]

    def recipients(self) -> set[str]:
        return {r[0] for r in self._db().execute(
            "SELECT recipient FROM messages UNION SELECT recipient FROM digest_items").fetchall()}

    def forget_recipient(self, username: str) -> list[str]:
        """Removes an erased account's messages; returns their keys (the transport deletes its copies)."""
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        keys = [r[0] for r in db.execute("SELECT key FROM messages WHERE recipient=?", (username,)).fetchall()]
        db.execute("DELETE FROM messages WHERE recipient=?", (username,))
        db.execute("DELETE FROM digest_items WHERE recipient=?", (username,))
        db.execute("COMMIT")
        return keys


def reader(subscriber: dict) -> Actor:
    return Actor(subscriber["username"], subscriber["role"], subscriber["organisation"])


class Notifier:
    """Works out the messages each event owes. `pages` is the read model (subscriptions, accounts,
    examples, meetings), caught up to at least the event; `matching(doc_id, searches)` tells which
    saved searches (`(query, filters, reader)`) a document matches, with each reader's rights (the
    search index); `index_position()` how far the index is; `forget(key)` deletes a transport's copy."""

    def __init__(self, app, pages, outbox: Outbox, matching, index_position, forget=None, batch: int = BATCH):
        self.app = app
        self.pages = pages
        self.outbox = outbox
        self.matching = matching
        self.index_position = index_position
        self.forget = forget or (lambda key: None)
        self.batch = batch

    def run_once(self) -> int:
        """Applies at most one batch of the log, up to the index's position; returns how many events."""
        position = self.outbox.position()
        stop = min(self.app.recorder.max_notification_id() or 0, self.index_position())
        if stop <= position:
            return 0
        self.pages.wait_for(stop)
        notifications = self.app.recorder.select_notifications(start=position, limit=self.batch,
                                                               inclusive_of_start=False, stop=stop)
        if not notifications:
            return 0
        messages = []
        for notification in notifications:
            name = notification.topic.rsplit(":", 1)[-1]
            handler = getattr(self, "_on_" + name.replace(".", "_"), None)
            if handler is not None:
                messages += handler(self.app.mapper.to_domain_event(notification), notification.id)
        self.outbox.record(self._one_per_key(messages), notifications[-1].id)
        return len(notifications)

    @staticmethod
    def _one_per_key(messages: list[dict]) -> list[dict]:
        """One message per reader and event: several matching subscriptions send it once, at once if
        any of them is `immediate`."""
        chosen: dict[str, dict] = {}
        for message in messages:
            if message["key"] not in chosen or (chosen[message["key"]].get("weekly") and not message.get("weekly")):
                chosen[message["key"]] = message
        return list(chosen.values())

    def catch_up(self) -> int:
        total = 0
        while count := self.run_once():
            total += count
        return total

    # ---- examples --------------------------------------------------------------------

    def _may_read(self, subscriber: dict, example: dict) -> bool:
        return can_read_example(reader(subscriber), example["status"], example["organisations"])

    def _on_LearningExample_Published(self, event, position) -> list[dict]:
        example_id = str(event.originator_id)
        subscribers = self.pages.subscribers("search", before=position)
        searches = [(s["query"], s["filters"], reader(s)) for s in subscribers]
        answers = self.matching(example_id, searches) if searches else []
        messages = [self._message("example_published", s, [position], example_id)
                    for s, matched in zip(subscribers, answers) if matched]
        return messages + self._watchers(example_id, position, "example_published")

    def _on_LearningExample_Edited(self, event, position) -> list[dict]:
        return self._watchers(str(event.originator_id), position, "example_changed")

    _on_LearningExample_Reverted = _on_LearningExample_Edited

    def _watchers(self, example_id: str, position: int, kind: str) -> list[dict]:
        example = self.pages.example_brief(example_id)
        if example is None:
            return []
        return [self._message(kind, s, [position], example_id)
                for s in self.pages.subscribers("example", example_id=example_id, before=position)
                if self._may_read(s, example)]

    # ---- meetings ----------------------------------------------------------------------

    def _meeting_readers(self, meeting_id: str, position: int) -> list[dict]:
        """`meetings` subscribers to whom the meeting belongs: everyone for a county meeting; for a
        working group's, its members' organisations and those who read everything."""
        meeting = self.pages.meeting_brief(meeting_id)
        if meeting is None:
            return []
        subscribers = self.pages.subscribers("meetings", before=position)
        if meeting["kind"] != "arbetsgruppsmote":
            return subscribers
        members = set(self.pages.group_members_on(meeting["working_group"], meeting["date"]))
        return [s for s in subscribers if reader(s).reads_everything or s["organisation"] in members]

    def _meeting_messages(self, kind: str, event, position) -> list[dict]:
        meeting_id = str(event.originator_id)
        return [self._message(kind, s, [position], meeting_id) for s in self._meeting_readers(meeting_id, position)]

    def _on_Meeting_Planned(self, event, position) -> list[dict]:
        return self._meeting_messages("meeting_planned", event, position)

    def _on_Meeting_Cancelled(self, event, position) -> list[dict]:
        return self._meeting_messages("meeting_cancelled", event, position)

    def _on_Meeting_MinutesApproved(self, event, position) -> list[dict]:
        return self._meeting_messages("minutes_approved", event, position)

    # ---- the newsletter --------------------------------------------------------------------

    def _on_Newsletter_Issued(self, event, position) -> list[dict]:
        return [{"key": message_key("newsletter", username, [position]), "recipient": username, "kind": "newsletter",
                 "subject_id": str(event.originator_id), "subscription": None, "positions": [position]}
                for username in self.pages.newsletter_readers()]

    # ---- accounts ----------------------------------------------------------------------

    def _on_Account_Erased(self, event, position) -> list[dict]:
        """The read model no longer knows the erased account's name: every recipient that is no
        account's name now is forgotten."""
        for username in self.outbox.recipients() - self.pages.usernames():
            for key in self.outbox.forget_recipient(username):
                self.forget(key)
        return []

    @staticmethod
    def _message(kind: str, subscriber: dict, positions: list[int], subject_id: str) -> dict:
        """A message now (`immediate`) or an item of the next digest (`weekly`)."""
        return {"key": message_key(kind, subscriber["username"], positions),
                "recipient": subscriber["username"], "kind": kind, "subject_id": subject_id,
                "subscription": subscriber["id"], "positions": positions,
                "weekly": subscriber["frequency"] == "weekly"}
