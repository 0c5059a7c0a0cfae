"""Readable pages as a projection: SQLite tables kept from the event log.

The read model follows the application's notification log and applies each event
together with its position in one SQLite transaction, so it is always a prefix of the
log. Any process may call `catch_up()`; `BEGIN IMMEDIATE` makes one apply at a time.
Delete the file (or call `rebuild()`) and it is built again from the log.
"""

import json
import logging
import os
import re
import sqlite3
import threading
import time
from datetime import datetime, timezone
from typing import Iterable

from .errors import RevisionSuppressed
from .examples import CONTENT_FIELDS
from .local_sqlite import LocalSQLite
from .messages import msg
from .permissions import Actor
from .accounts import account_id_of
from .attachment_view import ATTACHMENT_ACTOR_COLUMNS, ATTACHMENT_SCHEMA, ATTACHMENT_TABLES, AttachmentView
from .meeting_view import MEETING_ACTOR_COLUMNS, MEETING_SCHEMA, MEETING_TABLES, MeetingView
from .register_view import REGISTER_ACTOR_COLUMNS, REGISTER_SCHEMA, REGISTER_TABLES, RegisterView
from .subscription_view import (SUBSCRIPTION_ACCOUNT_TABLES, SUBSCRIPTION_ACTOR_COLUMNS, SUBSCRIPTION_SCHEMA,
                                SUBSCRIPTION_TABLES, SubscriptionView)
from .rendering import mark_missing_links, render_markdown

SCHEMA_VERSION = 16
logger = logging.getLogger(__name__)
BATCH = 500
GROUP_AUTHOR = "Länsgruppen"  # anonymous readers' name for an account of no organisation
ERASED_ACCOUNT = "raderat konto"  # the actor of what an erased account did (no username has a space)

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS examples (
    id TEXT PRIMARY KEY, slug TEXT UNIQUE NOT NULL, title TEXT NOT NULL, summary TEXT NOT NULL,
    status TEXT NOT NULL, version INTEGER NOT NULL, card TEXT NOT NULL, text_version INTEGER NOT NULL,
    created_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL, published_at TEXT, created_org TEXT, updated_org TEXT);
CREATE INDEX IF NOT EXISTS examples_updated ON examples (updated_at DESC, slug);
CREATE INDEX IF NOT EXISTS examples_status_updated ON examples (status, updated_at DESC, slug);
CREATE TABLE IF NOT EXISTS example_counts (status TEXT PRIMARY KEY, n INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS example_terms (
    example_id TEXT NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS example_terms_lookup ON example_terms (facet, value, example_id);
CREATE INDEX IF NOT EXISTS example_terms_example ON example_terms (example_id);
CREATE TABLE IF NOT EXISTS example_versions (
    example_id TEXT NOT NULL, version INTEGER NOT NULL, content TEXT NOT NULL, html TEXT NOT NULL,
    at TEXT NOT NULL, by TEXT NOT NULL, public INTEGER NOT NULL DEFAULT 0, by_organisation TEXT,
    suppressed INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (example_id, version));
CREATE TABLE IF NOT EXISTS example_history (
    position INTEGER PRIMARY KEY, example_id TEXT NOT NULL, slug TEXT NOT NULL,
    version INTEGER NOT NULL, at TEXT NOT NULL, by TEXT NOT NULL, comment TEXT NOT NULL,
    change TEXT NOT NULL, fields TEXT NOT NULL, to_version INTEGER, public INTEGER NOT NULL,
    by_organisation TEXT, suppressed INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS example_aliases (slug TEXT PRIMARY KEY, example_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS example_history_example ON example_history (example_id, position);
CREATE TABLE IF NOT EXISTS links (source_id TEXT NOT NULL, target_slug TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS links_target ON links (target_slug);
CREATE INDEX IF NOT EXISTS links_source ON links (source_id);
CREATE TABLE IF NOT EXISTS organisations (
    id TEXT PRIMARY KEY, slug TEXT UNIQUE NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL,
    municipality TEXT, joined_on TEXT NOT NULL, left_on TEXT, leave_reason TEXT);
CREATE TABLE IF NOT EXISTS organisation_history (
    position INTEGER PRIMARY KEY, organisation_id TEXT NOT NULL, at TEXT NOT NULL, by TEXT NOT NULL,
    change TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (
    id TEXT PRIMARY KEY, username TEXT UNIQUE, role TEXT NOT NULL, organisation TEXT,
    disabled INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
    token_hash TEXT PRIMARY KEY, username TEXT NOT NULL, expires_at TEXT NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS tokens_username ON tokens (username);
CREATE TABLE IF NOT EXISTS sessions (
    session_hash TEXT PRIMARY KEY, username TEXT NOT NULL, expires_at TEXT NOT NULL,
    ended INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS sessions_username ON sessions (username);
"""

TABLES = ("examples", "example_counts", "example_terms", "example_versions", "example_history", "example_aliases", "links",
          "organisations", "organisation_history", "accounts", "tokens", "sessions", *REGISTER_TABLES,
          *MEETING_TABLES, *SUBSCRIPTION_TABLES, *ATTACHMENT_TABLES)

ACTOR_COLUMNS = (  # every column that holds an actor's name
    ("examples", "created_by"), ("examples", "updated_by"), ("example_versions", "by"), ("example_history", "by"),
    ("organisation_history", "by"), *REGISTER_ACTOR_COLUMNS, *MEETING_ACTOR_COLUMNS, *ATTACHMENT_ACTOR_COLUMNS,
    *SUBSCRIPTION_ACTOR_COLUMNS)
ACCOUNT_TABLES = ("tokens", "sessions", *SUBSCRIPTION_ACCOUNT_TABLES)  # rows kept under an account's name

CARD_FIELDS = ("organisations", "municipalities", "violence_forms", "goals")  # what a list shows of each example

FACET_FIELDS = {
    "organisation": "organisations", "violence_form": "violence_forms", "goal": "goals",
    "municipality": "municipalities", "target_group": "target_groups", "measure_type": "measure_types",
    "tag": "tags",
}
INDEXED_FIELDS = frozenset(FACET_FIELDS.values()) | {"period", "body"}  # an edit of others keeps terms and links


def _card(content: dict) -> str:
    return json.dumps({field: content.get(field) or [] for field in CARD_FIELDS}, ensure_ascii=False)


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def now_iso() -> str:
    return iso(datetime.now(timezone.utc))


class Behind(Exception):
    """The read model has not reached a requested position in time."""


class ReadModel(RegisterView, MeetingView, SubscriptionView, AttachmentView):
    def __init__(self, path: str, app, check: bool = True):
        """`check`: the file is read through (`set_aside_if_broken`) first; a gunicorn worker, whose
        master read it through when the server started, only checks that SQLite opens it."""
        self.path = path
        self.app = app
        set_aside_if_broken(path, thorough=check)
        self._sqlite = LocalSQLite(path, row_factory=sqlite3.Row, secure_delete=True)
        self.purge_pending = False
        self._actors: dict = {}  # the actors of the event being applied
        self._apply_lock = threading.Lock()
        self._db().executescript(SCHEMA + REGISTER_SCHEMA + MEETING_SCHEMA + SUBSCRIPTION_SCHEMA + ATTACHMENT_SCHEMA)
        with self._connection() as db:
            row = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            if row is None or int(row[0]) != SCHEMA_VERSION:  # start again from the log
                for table in TABLES:
                    db.execute(f"DROP TABLE IF EXISTS {table}")
                for statement in (SCHEMA + REGISTER_SCHEMA + MEETING_SCHEMA + SUBSCRIPTION_SCHEMA + ATTACHMENT_SCHEMA).split(";"):
                    if statement.strip():
                        db.execute(statement)
                self._clear(db)

    # ---- connections -------------------------------------------------------------------

    def _db(self) -> sqlite3.Connection:
        return self._sqlite.connection()

    def _connection(self):
        return _Transaction(self._db())

    def close(self) -> None:
        self._sqlite.close()

    # ---- following the log -------------------------------------------------------------

    def position(self) -> int:
        row = self._db().execute("SELECT value FROM meta WHERE key='position'").fetchone()
        return int(row[0]) if row else 0

    def catch_up(self, progress=None, head: int | None = None, wait: bool = True) -> int:
        """Applies every event the log has and this model lacks; returns the new position.
        `progress(n)` is told of each batch of n events applied; `head` is the log's head when
        the caller already asked for it. With `wait` False (a request that only reads), when
        another thread or process is applying already, it returns at once with the position the
        model has, so reads never queue behind a long catch-up."""
        if head is None:
            head = self.app.log_head()
        reached = self.position()
        if reached >= head:
            if self.purge_pending:
                self.purge()
            return reached
        if not self._apply_lock.acquire(blocking=wait):
            return self.position()
        try:
            db = self._db()
            if not _begin(db, wait):
                return self.position()
            with _Committed(db):
                reached = self._apply_all(db, progress, head)
        except sqlite3.OperationalError as error:  # the disk full or read-only: reads go on from what it has
            if wait:
                raise
            logger.error("read model cannot catch up: %s", error)
            return self.position()
        finally:
            self._apply_lock.release()
        if self.purge_pending:
            self.purge()
        return reached

    def _apply_all(self, db, progress, head: int | None = None) -> int:
        """Applies the log after the model's position, in batches, inside the caller's transaction
        (up to `head` at least, when known); returns the position reached."""
        position = self.position()
        while head is None or position < head:
            saved = self.app.saved_event(position + 1)  # this process saved it: no need to read it back
            if saved is not None:
                position += 1
                self._apply(db, saved, position)
                if progress:
                    progress(1)
                continue
            notifications = self.app.recorder.select_notifications(
                start=position, limit=BATCH, inclusive_of_start=False)
            if not notifications:
                break
            for notification in notifications:
                self._apply(db, self.app.mapper.to_domain_event(notification), notification.id)
            position = notifications[-1].id
            if progress:
                progress(len(notifications))
        db.execute("INSERT OR REPLACE INTO meta VALUES ('position', ?)", (str(position),))
        return position

    def purge(self) -> None:
        """Moves every committed page into the file and empties the WAL, so overwritten
        personal data leaves no older page image behind (the file has `secure_delete`)."""
        if self._sqlite.checkpoint():
            self.purge_pending = False  # else another process is reading; the next catch-up tries again

    def wait_for(self, position: int, timeout: float = 5.0) -> int:
        deadline = time.monotonic() + timeout
        delay = 0.02
        while True:
            reached = self.catch_up(wait=False)
            if reached >= position:
                return reached
            if time.monotonic() >= deadline:
                raise Behind(f"position {reached} < {position}")
            time.sleep(delay)
            delay = min(delay * 2, 0.25)

    def rebuild(self, progress=None) -> int:
        with self._apply_lock, self._connection() as db:
            self._clear(db)
        return self.catch_up(progress)

    def _clear(self, db: sqlite3.Connection) -> None:
        for table in TABLES:
            db.execute(f"DELETE FROM {table}")
        db.execute("DELETE FROM meta")
        db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

    # ---- projecting events -------------------------------------------------------------

    _iso = staticmethod(iso)

    def _apply(self, db: sqlite3.Connection, event, position: int) -> None:
        name = type(event).__qualname__
        handler = getattr(self, "_on_" + name.replace(".", "_"), None)
        if handler is not None:
            self._actors = {}
            handler(db, event, position)

    def _actor(self, db, actor: str | None) -> tuple[str | None, str | None]:
        """(name, organisation) of an event's actor, looked up once per event. The name is the
        account's username, "raderat konto" once it is erased, or as recorded when it names no
        account (the demo loader, the command line); the organisation is the one the account
        belonged to when it acted."""
        found = self._actors.get(actor)
        if found is None:
            row = db.execute("SELECT username, organisation FROM accounts WHERE id=?",
                             (account_id_of(actor),)).fetchone() if actor else None
            if row is None:
                found = (actor, None)
            else:
                found = (ERASED_ACCOUNT if row[0] is None else row[0], row[1])
            self._actors[actor] = found
        return found

    def _actor_organisation(self, db, actor: str | None) -> str | None:
        return self._actor(db, actor)[1]

    def _by(self, db, e) -> str | None:
        """The name of the event's actor."""
        return self._actor(db, e.actor)[0]

    def _erase_actor(self, db, username: str) -> None:
        """What an erased account did is shown as done by "raderat konto"; rows kept under its
        name (tokens, sessions, mail settings, subscriptions) go."""
        for table, column in ACTOR_COLUMNS:
            db.execute(f"UPDATE {table} SET {column}=? WHERE {column}=?", (ERASED_ACCOUNT, username))
        for table in ACCOUNT_TABLES:
            db.execute(f"DELETE FROM {table} WHERE username=?", (username,))

    def _on_LearningExample_Created(self, db, e, position):
        text = self.app.revisions.open_event(e)
        content = {**dict.fromkeys(CONTENT_FIELDS), **((text or {}).get("content") or {})}
        content["title"] = content["title"] or ""
        at = iso(e.timestamp)
        rendered = render_markdown(content.get("body") or "")
        organisation, by = self._actor_organisation(db, e.actor), self._by(db, e)
        db.execute(
            "INSERT INTO examples VALUES (?,?,?,?,?,?,?,?,?,?,?,?,NULL,?,?)",
            (str(e.originator_id), e.slug, content["title"], content.get("summary") or "", "draft", 1,
             _card(content), 1, at, by, at, by, organisation, organisation))
        self._counted(db, "draft", 1)
        self._index_example(db, str(e.originator_id), content, rendered.links)
        self._version(db, str(e.originator_id), 1, content if text else None, rendered.html, at, by, False,
                      organisation)
        changed = [f for f in CONTENT_FIELDS if content.get(f) not in (None, "", [])]
        self._history(db, e, position, 1, "created", (text or {}).get("comment"), changed, None, public=False,
                      suppressed=text is None)

    def _on_LearningExample_Edited(self, db, e, position):
        self._content_changed(db, e, position, "edited", None)

    def _on_LearningExample_Reverted(self, db, e, position):
        self._content_changed(db, e, position, "reverted", e.to_version)

    def _content_changed(self, db, e, position, change, to_version):
        """A new revision. Its text is the whole content (or, recorded before sealing, the changed
        fields); a revision whose key is gone leaves the example's current text as it was (the
        example's `text_version` names the version whose text is current)."""
        example_id = str(e.originator_id)
        row = db.execute("SELECT version, status, text_version, slug FROM examples WHERE id=?", (example_id,)).fetchone()
        text = self.app.revisions.open_event(e)
        version = row["version"] + 1
        at = iso(e.timestamp)
        organisation, by = self._actor_organisation(db, e.actor), self._by(db, e)
        public = row["status"] == "published"
        fields = sorted(e.changed) if getattr(e, "changed", None) is not None else sorted((text or {}).get("changes", {}))
        if text is None:
            db.execute("UPDATE examples SET version=?, updated_at=?, updated_by=?, updated_org=? WHERE id=?",
                       (version, at, by, organisation, example_id))
            self._version(db, example_id, version, None, "", at, by, public, organisation)
            self._history(db, e, position, version, change, "", fields, to_version, public=public, suppressed=True)
            return
        if "content" in text:  # the whole content
            content = {**dict.fromkeys(CONTENT_FIELDS), **text["content"]}
        else:  # recorded before sealing: the changed fields, on the current text
            current = db.execute("SELECT content FROM example_versions WHERE example_id=? AND version=?",
                                 (example_id, row["text_version"])).fetchone()
            content = {**dict.fromkeys(CONTENT_FIELDS), **json.loads(current["content"]), **text["changes"]}
        content["title"] = content["title"] or ""
        rendered = render_markdown(content.get("body") or "")
        db.execute(
            "UPDATE examples SET title=?, summary=?, version=?, card=?, text_version=?, updated_at=?, updated_by=?, "
            "updated_org=? WHERE id=?",
            (content["title"], content.get("summary") or "", version, _card(content), version, at, by, organisation,
             example_id))
        if row["text_version"] != version - 1 or getattr(e, "changed", None) is None or set(fields) & INDEXED_FIELDS:
            self._index_example(db, example_id, content, rendered.links)
        self._version(db, example_id, version, content, rendered.html, at, by, public, organisation)
        self._history(db, e, position, version, change, text.get("comment"), fields, to_version, public=public,
                      slug=row["slug"])

    @staticmethod
    def _version(db, example_id, version, content, html, at, by, public, organisation) -> None:
        """A revision's row; `content` None: suppressed, so no text is kept."""
        db.execute("INSERT INTO example_versions VALUES (?,?,?,?,?,?,?,?,?)",
                   (example_id, version, json.dumps(content if content is not None else {}, ensure_ascii=False),
                    html if content is not None else "", at, by, int(public), organisation, int(content is None)))

    def _on_LearningExample_RevisionSuppressed(self, db, e, position):
        """The revision's text and comment leave every table; its history line says who hid it and why."""
        example_id = str(e.originator_id)
        db.execute("UPDATE example_versions SET content='{}', html='', suppressed=1 WHERE example_id=? AND version=?",
                   (example_id, e.revision))
        db.execute("UPDATE example_history SET comment='', suppressed=1 WHERE example_id=? AND version=? "
                   "AND change IN ('created', 'edited', 'reverted')", (example_id, e.revision))
        row = db.execute("SELECT public FROM example_versions WHERE example_id=? AND version=?",
                         (example_id, e.revision)).fetchone()
        self._history(db, e, position, e.revision, "suppressed", e.reason, [], None,
                      public=bool(row and row["public"]))
        self.purge_pending = True

    def _on_LearningExample_Published(self, db, e, position):
        example_id = str(e.originator_id)
        slug = getattr(e, "slug", None)
        if slug is not None:
            old = db.execute("SELECT slug FROM examples WHERE id=?", (example_id,)).fetchone()[0]
            if old != slug:
                db.execute("INSERT OR REPLACE INTO example_aliases VALUES (?,?)", (old, example_id))
                db.execute("UPDATE examples SET slug=? WHERE id=?", (slug, example_id))
                db.execute("UPDATE example_history SET slug=? WHERE example_id=?", (slug, example_id))
        db.execute("UPDATE example_versions SET public=1 WHERE example_id=? AND version="
                   "(SELECT version FROM examples WHERE id=?)", (example_id, example_id))
        self._attachments_published(db, example_id)
        self._status_changed(db, e, position, "published", comment=getattr(e, "override_reason", None) or "")

    def _on_LearningExample_Archived(self, db, e, position):
        self._status_changed(db, e, position, "archived")

    def _on_LearningExample_SubmittedForReview(self, db, e, position):
        self._status_changed(db, e, position, "in_review", public=False)

    def _on_LearningExample_Returned(self, db, e, position):
        self._status_changed(db, e, position, "draft", change="returned", comment=e.comment, public=False)

    @staticmethod
    def _counted(db, status: str, change: int) -> None:
        """Kept counts of examples per status, so a list's total costs the same at any size."""
        db.execute("INSERT INTO example_counts VALUES (?, ?) ON CONFLICT (status) DO UPDATE SET n = n + excluded.n",
                   (status, change))

    def _status_changed(self, db, e, position, status, *, change=None, comment="", public=True):
        example_id = str(e.originator_id)
        at = iso(e.timestamp)
        old = db.execute("SELECT status FROM examples WHERE id=?", (example_id,)).fetchone()[0]
        if old != status:
            self._counted(db, old, -1)
            self._counted(db, status, 1)
        db.execute(
            "UPDATE examples SET status=?, updated_at=?, updated_by=?, updated_org=?, "
            "published_at=CASE WHEN ?='published' AND published_at IS NULL THEN ? ELSE published_at END "
            "WHERE id=?", (status, at, self._by(db, e), self._actor_organisation(db, e.actor), status, at, example_id))
        version = db.execute("SELECT version FROM examples WHERE id=?", (example_id,)).fetchone()[0]
        self._history(db, e, position, version, change or status, comment, [], None, public=public)

    def _history(self, db, e, position, version, change, comment, fields, to_version, public, suppressed=False,
                 slug=None):
        if slug is None:
            slug = db.execute("SELECT slug FROM examples WHERE id=?", (str(e.originator_id),)).fetchone()[0]
        db.execute("INSERT INTO example_history VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   (position, str(e.originator_id), slug, version, iso(e.timestamp), self._by(db, e), comment or "",
                    change, json.dumps(fields), to_version, int(public), self._actor_organisation(db, e.actor),
                    int(suppressed)))

    def _index_example(self, db, example_id: str, content: dict, links: Iterable[str]) -> None:
        db.execute("DELETE FROM example_terms WHERE example_id=?", (example_id,))
        rows = []
        for facet, field in FACET_FIELDS.items():
            for value in content.get(field) or []:
                rows.append((example_id, facet, value.casefold() if facet in ("target_group", "tag") else value))
        period = content.get("period")
        if period:
            end = period.get("end_year") or datetime.now(timezone.utc).year
            for year in range(period["start_year"], max(end, period["start_year"]) + 1):
                rows.append((example_id, "year", str(year)))
        db.executemany("INSERT INTO example_terms VALUES (?,?,?)", rows)
        db.execute("DELETE FROM links WHERE source_id=?", (example_id,))
        db.executemany("INSERT INTO links VALUES (?,?)", [(example_id, slug) for slug in links])

    def _on_Organisation_Registered(self, db, e, position):
        db.execute("INSERT INTO organisations VALUES (?,?,?,?,?,?,NULL,NULL)",
                   (str(e.originator_id), e.slug, e.name, e.kind, e.municipality, e.joined_on))
        self._organisation_history(db, e, position, "registered",
                                   {"name": e.name, "kind": e.kind, "municipality": e.municipality,
                                    "joined_on": e.joined_on})

    def _on_Organisation_Left(self, db, e, position):
        db.execute("UPDATE organisations SET left_on=?, leave_reason=? WHERE id=?",
                   (e.on, e.reason, str(e.originator_id)))
        self._organisation_history(db, e, position, "left", {"on": e.on, "reason": e.reason})

    def _organisation_history(self, db, e, position, change, data):
        db.execute("INSERT INTO organisation_history VALUES (?,?,?,?,?,?)",
                   (position, str(e.originator_id), iso(e.timestamp), self._by(db, e), change,
                    json.dumps(data, ensure_ascii=False)))

    def _on_Account_Created(self, db, e, position):
        """The name opened from the event (None when the account's key is destroyed)."""
        db.execute("INSERT INTO accounts VALUES (?,?,?,?,0,?)",
                   (str(e.originator_id), self.app.open_account_name(e.username), e.role, e.organisation,
                    iso(e.timestamp)))

    def _on_Account_RoleChanged(self, db, e, position):
        db.execute("UPDATE accounts SET role=?, organisation=? WHERE id=?",
                   (e.role, e.organisation, str(e.originator_id)))

    def _on_Account_OrganisationChanged(self, db, e, position):
        db.execute("UPDATE accounts SET organisation=? WHERE id=?", (e.organisation, str(e.originator_id)))

    @staticmethod
    def _username(db, e) -> str | None:
        """The account's name; None once it is erased (nothing is then kept under it)."""
        return db.execute("SELECT username FROM accounts WHERE id=?", (str(e.originator_id),)).fetchone()[0]

    def _on_Account_Disabled(self, db, e, position):
        db.execute("UPDATE accounts SET disabled=1 WHERE id=?", (str(e.originator_id),))
        username = self._username(db, e)
        db.execute("UPDATE tokens SET revoked=1 WHERE username=?", (username,))
        db.execute("UPDATE sessions SET ended=1 WHERE username=?", (username,))
        db.execute("DELETE FROM calendar_feeds WHERE username=?", (username,))  # re-enabled: a new address

    def _on_Account_Enabled(self, db, e, position):
        db.execute("UPDATE accounts SET disabled=0 WHERE id=?", (str(e.originator_id),))

    def _on_Account_PasswordChanged(self, db, e, position):
        """Every token and session of the account ends, except the one that made the change."""
        username, keep = self._username(db, e), getattr(e, "keep", None) or ""
        db.execute("UPDATE tokens SET revoked=1 WHERE username=? AND token_hash<>?", (username, keep))
        db.execute("UPDATE sessions SET ended=1 WHERE username=? AND session_hash<>?", (username, keep))

    def _on_Account_TokenIssued(self, db, e, position):
        username = self._username(db, e)
        if username is None:
            return
        db.execute("DELETE FROM tokens WHERE username=? AND expires_at<?", (username, iso(e.timestamp)[:19] + "Z"))
        db.execute("INSERT OR REPLACE INTO tokens VALUES (?,?,?,0)", (e.token_hash, username, e.expires_at))

    def _on_Account_TokenRevoked(self, db, e, position):
        db.execute("UPDATE tokens SET revoked=1 WHERE token_hash=?", (e.token_hash,))

    def _on_Account_SessionStarted(self, db, e, position):
        username = self._username(db, e)
        if username is None:
            return
        db.execute("DELETE FROM sessions WHERE username=? AND expires_at<?", (username, iso(e.timestamp)[:19] + "Z"))
        db.execute("INSERT OR REPLACE INTO sessions VALUES (?,?,?,0)", (e.session_hash, username, e.expires_at))

    def _on_Account_SessionEnded(self, db, e, position):
        db.execute("UPDATE sessions SET ended=1 WHERE session_hash=?", (e.session_hash,))

    # ---- queries: examples -------------------------------------------------------------

    @staticmethod
    def _visibility(actor: Actor) -> tuple[str, list]:
        if actor.reads_everything:
            return "1", []
        if actor.role == "member" and actor.organisation:
            return ("(e.status='published' OR EXISTS (SELECT 1 FROM example_terms t WHERE t.example_id=e.id "
                    "AND t.facet='organisation' AND t.value=?))", [actor.organisation])
        return "e.status='published'", []

    @staticmethod
    def _draft_visibility(actor: Actor) -> tuple[str, list]:
        """Whether the reader could read the example as a draft: then its whole history is theirs.
        Others see the public history only, which starts at publication."""
        if actor.reads_everything:
            return "1", []
        if actor.role == "member" and actor.organisation:
            return ("EXISTS (SELECT 1 FROM example_terms t WHERE t.example_id=e.id "
                    "AND t.facet='organisation' AND t.value=?)", [actor.organisation])
        return "0", []

    def reads_drafts_of(self, actor: Actor, example_id: str) -> bool:
        where, params = self._draft_visibility(actor)
        row = self._db().execute(f"SELECT {where} FROM examples e WHERE e.id=?", params + [example_id]).fetchone()
        return bool(row and row[0])

    def _author(self, actor: Actor, username: str, organisation: str | None) -> str:
        """The acting account for signed-in readers; for anonymous readers its organisation."""
        if actor.signed_in:
            return username
        name = self.organisation_name(organisation) if organisation else None
        return name or GROUP_AUTHOR

    def organisation_name(self, slug: str) -> str | None:
        row = self._db().execute("SELECT name FROM organisations WHERE slug=?", (slug,)).fetchone()
        return row[0] if row else None

    def list_examples(self, actor: Actor, *, status=None, filters: dict | None = None,
                      page: int = 1, per_page: int = 20, total: bool = True) -> tuple[int | None, list[dict]]:
        """A page of the examples the reader may see, newest first, and how many there are in all
        (None when `total` is False: the start page and an organisation's page show no total)."""
        where, params = self._visibility(actor)
        clauses = [where]
        if status:
            clauses.append("e.status=?")
            params.append(status)
        for facet, value in (filters or {}).items():
            clauses.append("EXISTS (SELECT 1 FROM example_terms t WHERE t.example_id=e.id AND t.facet=? AND t.value=?)")
            params += [facet, value]
        sql_where = " AND ".join(clauses)
        db = self._db()
        if total:
            total = self._kept_total(db, actor, status) if not filters else None
            if total is None:
                total = db.execute(f"SELECT count(*) FROM examples e WHERE {sql_where}", params).fetchone()[0]
        else:
            total = None
        rows = db.execute(
            f"SELECT * FROM examples e WHERE {sql_where} ORDER BY e.updated_at DESC, e.slug LIMIT ? OFFSET ?",
            params + [per_page, (page - 1) * per_page]).fetchall()
        return total, [self._summary(actor, row) for row in rows]

    @staticmethod
    def _kept_total(db, actor: Actor, status: str | None) -> int | None:
        """How many examples of `status` (any, if None) the reader sees, from the kept counts: the
        published ones, every one for those who read everything, and for a member also the
        unpublished ones of their organisation (counted from its terms)."""
        counts = dict(db.execute("SELECT status, n FROM example_counts").fetchall())
        if actor.reads_everything:
            return counts.get(status, 0) if status else sum(counts.values())
        published = counts.get("published", 0) if status in (None, "published") else 0
        if actor.role != "member" or not actor.organisation or status == "published":
            return published
        own = db.execute(
            "SELECT count(*) FROM example_terms t JOIN examples e ON e.id=t.example_id WHERE t.facet='organisation' "
            "AND t.value=? AND e.status<>'published'" + (" AND e.status=?" if status else ""),
            [actor.organisation] + ([status] if status else [])).fetchone()[0]
        return published + own

    def _summary(self, actor: Actor, row: sqlite3.Row) -> dict:
        content = json.loads(row["card"])
        return {
            "slug": row["slug"], "title": row["title"], "summary": row["summary"], "status": row["status"],
            "version": row["version"], "organisations": content.get("organisations") or [],
            "municipalities": content.get("municipalities") or [],
            "violence_forms": content.get("violence_forms") or [], "goals": content.get("goals") or [],
            "created_at": row["created_at"], "updated_at": row["updated_at"],
            "updated_by": self._author(actor, row["updated_by"], row["updated_org"]),
        }

    def example_titles(self) -> set[str]:
        return {r[0] for r in self._db().execute("SELECT title FROM examples")}

    def example_row(self, slug: str):
        return self._db().execute("SELECT * FROM examples WHERE slug=?", (slug,)).fetchone()

    def readable(self, actor: Actor, slug: str):
        where, params = self._visibility(actor)
        return self._db().execute(f"SELECT * FROM examples e WHERE e.slug=? AND {where}",
                                  [slug] + params).fetchone()

    def canonical_slug(self, actor: Actor, slug: str) -> str | None:
        """The slug an example has now, when `slug` is the draft address it had and the reader may read it."""
        where, params = self._visibility(actor)
        row = self._db().execute(
            f"SELECT e.slug FROM example_aliases a JOIN examples e ON e.id=a.example_id WHERE a.slug=? AND {where}",
            [slug] + params).fetchone()
        return row[0] if row else None

    def example(self, actor: Actor, slug: str, version: int | None = None) -> dict | None:
        """Every field of a readable example (at `version` if given and the reader may see it), or None."""
        row = self.readable(actor, slug)
        if row is None:
            return None
        current = self._db().execute("SELECT content, html FROM example_versions WHERE example_id=? AND version=?",
                                     (row["id"], row["text_version"])).fetchone()
        content, html = json.loads(current["content"]), current["html"]
        updated_at = row["updated_at"]
        updated_by = self._author(actor, row["updated_by"], row["updated_org"])
        shown = row["version"]
        if version is not None and version != row["version"]:
            old = self._version_row(actor, row["id"], version)
            if old is None:
                return {"missing_version": True}
            content, html, updated_at, updated_by, shown = (
                json.loads(old["content"]), old["html"], old["at"],
                self._author(actor, old["by"], old["by_organisation"]), version)
        html = self._canonical_links(actor, mark_missing_links(html, self.readable_titles(actor, self._link_targets(html))))
        return {
            "slug": row["slug"], **{f: content.get(f) for f in CONTENT_FIELDS}, "html": html,
            "version": shown, "current_version": row["version"], "status": row["status"],
            "created_at": row["created_at"], "created_by": self._author(actor, row["created_by"], row["created_org"]),
            "updated_at": updated_at, "updated_by": updated_by,
        }

    def return_comment(self, actor: Actor, example: dict) -> dict | None:
        """The coordinator's comment when the example was last sent back to its organisation, while it
        is a draft because of that; only for those who could read the draft."""
        row = self.example_row(example["slug"])
        if row is None or row["status"] != "draft" or not self.reads_drafts_of(actor, row["id"]):
            return None
        last = self._db().execute(
            "SELECT * FROM example_history WHERE example_id=? AND change IN ('returned', 'in_review', 'published', "
            "'archived') ORDER BY position DESC LIMIT 1", (row["id"],)).fetchone()
        if last is None or last["change"] != "returned":
            return None
        return self._history_item(actor, last)

    def _version_row(self, actor: Actor, example_id: str, version: int):
        """The version's row if the reader may see it; RevisionSuppressed if its text is gone."""
        public_only = "" if self.reads_drafts_of(actor, example_id) else " AND public=1"
        row = self._db().execute(
            f"SELECT * FROM example_versions WHERE example_id=? AND version=?{public_only}",
            (example_id, version)).fetchone()
        if row is not None and row["suppressed"]:
            raise RevisionSuppressed(msg("Version %(version)s är dold.", version=version))
        return row

    def _canonical_links(self, actor: Actor, html: str) -> str:
        """Links written to an example's draft address lead to its public slug."""
        for slug in self._link_targets(html):
            canonical = self.canonical_slug(actor, slug)
            if canonical:
                html = html.replace(f'class="wikilink" href="/exempel/{slug}"',
                                    f'class="wikilink" href="/exempel/{canonical}"')
        return html

    @staticmethod
    def _link_targets(html: str) -> list[str]:
        return re.findall(r'<a class="wikilink" href="/exempel/([a-z0-9-]+)"', html)

    def readable_titles(self, actor: Actor, slugs: list[str]) -> dict[str, str]:
        if not slugs:
            return {}
        where, params = self._visibility(actor)
        marks = ",".join("?" * len(slugs))
        rows = self._db().execute(
            f"SELECT e.slug, e.title FROM examples e WHERE e.slug IN ({marks}) AND {where} "
            f"UNION ALL SELECT a.slug, e.title FROM example_aliases a JOIN examples e ON e.id=a.example_id "
            f"WHERE a.slug IN ({marks}) AND {where}",
            list(slugs) + params + list(slugs) + params).fetchall()
        return {r[0]: r[1] for r in rows}

    def version_content(self, example_id: str, version: int, actor: Actor) -> dict | None:
        """A version's content, if the reader may see that version (RevisionSuppressed if it is hidden)."""
        row = self._version_row(actor, example_id, version)
        return json.loads(row["content"]) if row else None

    def versions(self, example_id: str, actor: Actor) -> list[int]:
        """The versions the reader may see and compare (not suppressed ones), oldest first."""
        public_only = "" if self.reads_drafts_of(actor, example_id) else " AND public=1"
        return [r[0] for r in self._db().execute(
            f"SELECT version FROM example_versions WHERE example_id=? AND suppressed=0{public_only} ORDER BY version",
            (example_id,)).fetchall()]

    def history(self, example_id: str, actor: Actor) -> list[dict]:
        """The example's history as the reader may see it: the whole of it for those who could read
        the draft, otherwise only what happened while it was public."""
        public_only = "" if self.reads_drafts_of(actor, example_id) else " AND public=1"
        rows = self._db().execute(
            f"SELECT * FROM example_history WHERE example_id=?{public_only} ORDER BY position DESC",
            (example_id,)).fetchall()
        return [self._history_item(actor, r) for r in rows]

    def _history_item(self, actor: Actor, r: sqlite3.Row) -> dict:
        item = {"version": r["version"], "at": r["at"], "by": self._author(actor, r["by"], r["by_organisation"]),
                "comment": r["comment"], "change": r["change"], "fields": json.loads(r["fields"]),
                "position": r["position"]}
        if r["suppressed"]:
            item["suppressed"] = True
        if r["to_version"] is not None:
            item["to_version"] = r["to_version"]
        return item

    def backlinks(self, actor: Actor, slug: str) -> list[dict]:
        where, params = self._visibility(actor)
        rows = self._db().execute(
            f"SELECT DISTINCT e.* FROM examples e JOIN links l ON l.source_id=e.id WHERE {where} AND "
            "l.target_slug IN (SELECT ? UNION SELECT a.slug FROM example_aliases a JOIN examples t "
            "ON t.id=a.example_id WHERE t.slug=?) ORDER BY e.title", params + [slug, slug]).fetchall()
        return [self._summary(actor, r) for r in rows]

    def recent_changes(self, actor: Actor, limit: int = 50, public_only: bool = False) -> list[dict]:
        where, params = self._visibility(actor)
        drafts, draft_params = self._draft_visibility(actor)
        if public_only:
            extra, draft_params = " AND h.public=1 AND e.status='published'", []
        else:
            extra = f" AND (h.public=1 OR {drafts})"
        rows = self._db().execute(
            f"SELECT h.*, e.title, e.status FROM example_history h JOIN examples e ON e.id=h.example_id "
            f"WHERE {where}{extra} ORDER BY h.position DESC LIMIT ?", params + draft_params + [limit]).fetchall()
        return [{**self._history_item(actor, r), "slug": r["slug"], "title": r["title"], "status": r["status"],
                 "example_id": r["example_id"]} for r in rows]

    # ---- queries: organisations and accounts -------------------------------------------

    def organisations(self) -> list[dict]:
        rows = self._db().execute("SELECT * FROM organisations ORDER BY name COLLATE NOCASE").fetchall()
        return [self._organisation(r) for r in rows]

    def organisation(self, slug: str) -> dict | None:
        row = self._db().execute("SELECT * FROM organisations WHERE slug=?", (slug,)).fetchone()
        return self._organisation(row) if row else None

    @staticmethod
    def _organisation(r: sqlite3.Row) -> dict:
        return {"slug": r["slug"], "name": r["name"], "kind": r["kind"], "municipality": r["municipality"],
                "joined_on": r["joined_on"], "left_on": r["left_on"], "id": r["id"]}

    def organisation_history(self, organisation_id: str) -> list[dict]:
        rows = self._db().execute("SELECT * FROM organisation_history WHERE organisation_id=? ORDER BY position",
                                  (organisation_id,)).fetchall()
        return [{"position": r["position"], "at": r["at"], "by": r["by"], "change": r["change"],
                 **json.loads(r["data"])} for r in rows]

    def accounts(self) -> list[dict]:
        """Every account, erased ones (no name left: `erased`) last."""
        return [dict(r) for r in self._db().execute(
            "SELECT *, username IS NULL AS erased FROM accounts ORDER BY username IS NULL, username, created_at")]

    def account(self, username: str) -> dict | None:
        row = self._db().execute("SELECT * FROM accounts WHERE username=?", (username,)).fetchone()
        return dict(row) if row else None

    def token_account(self, token_hash: str) -> dict | None:
        row = self._db().execute(
            "SELECT a.*, t.expires_at FROM tokens t JOIN accounts a ON a.username=t.username "
            "WHERE t.token_hash=? AND t.revoked=0 AND a.disabled=0", (token_hash,)).fetchone()
        if row is None or row["expires_at"] <= now_iso()[:19] + "Z":
            return None
        return dict(row)

    def session_account(self, session_hash: str) -> dict | None:
        """The account of a live page session (not ended, not expired, account enabled)."""
        row = self._db().execute(
            "SELECT a.*, s.expires_at FROM sessions s JOIN accounts a ON a.username=s.username "
            "WHERE s.session_hash=? AND s.ended=0 AND a.disabled=0", (session_hash,)).fetchone()
        if row is None or row["expires_at"] <= now_iso()[:19] + "Z":
            return None
        return dict(row)


def set_aside_if_broken(path: str, thorough: bool = True) -> None:
    """A read model file that SQLite cannot read, or whose quick check fails, is renamed
    `pages.sqlite.broken-<time>` (with its WAL) so that a new one is built from the log: a
    projection is never served wrong."""
    if not os.path.exists(path):
        return
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            if thorough:
                verdict = db.execute("PRAGMA quick_check").fetchone()[0]
            else:  # reads the header and the schema only
                db.execute("SELECT count(*) FROM sqlite_master").fetchone()
                verdict = "ok"
        finally:
            db.close()
    except sqlite3.DatabaseError as error:
        verdict = str(error)
    if verdict == "ok":
        return
    logger.error("read model %s is broken (%s): set aside and rebuilt from the log", path, verdict)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.replace(path + suffix, f"{path}.broken-{stamp}{suffix}")


def _begin(db: sqlite3.Connection, wait: bool) -> bool:
    """`BEGIN IMMEDIATE`; without `wait`, False at once when another connection holds the write lock."""
    if wait:
        db.execute("BEGIN IMMEDIATE")
        return True
    db.execute("PRAGMA busy_timeout=20")
    try:
        db.execute("BEGIN IMMEDIATE")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        db.execute("PRAGMA busy_timeout=30000")


class _Committed:
    """Commits the transaction begun, or rolls it back on error."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        return self.db

    def __exit__(self, exc_type, exc, tb):
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")
        return False


class _Transaction:
    """`BEGIN IMMEDIATE … COMMIT`, rolled back on error."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type, exc, tb):
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")
        return False
