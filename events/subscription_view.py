"""Accounts' subscriptions and mail settings as read-model tables (mixed into `ReadModel`).

The e-mail address itself is never copied here: it stays sealed in the account's events and
is opened when a message is sent. The table only says whether an account has one.
"""

import json

SUBSCRIPTION_SCHEMA = """
CREATE TABLE IF NOT EXISTS subscriptions (
    id TEXT PRIMARY KEY, username TEXT NOT NULL, kind TEXT NOT NULL, query TEXT NOT NULL, filters TEXT NOT NULL,
    example_id TEXT, frequency TEXT NOT NULL, created_at TEXT NOT NULL, position INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS subscriptions_username ON subscriptions (username);
CREATE INDEX IF NOT EXISTS subscriptions_kind ON subscriptions (kind, frequency);
CREATE INDEX IF NOT EXISTS subscriptions_example ON subscriptions (example_id);
CREATE TABLE IF NOT EXISTS mail_settings (
    username TEXT PRIMARY KEY, has_email INTEGER NOT NULL DEFAULT 0, language TEXT NOT NULL DEFAULT 'sv',
    newsletter INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS calendar_feeds (feed_hash TEXT PRIMARY KEY, username TEXT UNIQUE NOT NULL);
CREATE TABLE IF NOT EXISTS newsletters (
    number INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, introduction TEXT NOT NULL, examples TEXT NOT NULL,
    decisions TEXT NOT NULL, at TEXT NOT NULL, by TEXT NOT NULL);
"""

SUBSCRIPTION_TABLES = ("subscriptions", "mail_settings", "calendar_feeds", "newsletters")
SUBSCRIPTION_ACTOR_COLUMNS = (("newsletters", "by"),)  # (table, column) holding an actor's name
SUBSCRIPTION_ACCOUNT_TABLES = ("subscriptions", "mail_settings", "calendar_feeds")  # keyed by username


class SubscriptionView:
    # ---- projecting ----------------------------------------------------------------

    def _settings(self, db, username: str) -> None:
        db.execute("INSERT OR IGNORE INTO mail_settings (username) VALUES (?)", (username,))

    def _on_Account_Subscribed(self, db, e, position):
        username = self._username(db, e)
        if username is None:
            return
        db.execute("INSERT OR REPLACE INTO subscriptions VALUES (?,?,?,?,?,?,?,?,?)",
                   (e.subscription_id, username, e.kind, e.query or "", json.dumps(e.filters or {}, sort_keys=True),
                    e.example_id, e.frequency, self._iso(e.timestamp), position))

    def _on_Account_Unsubscribed(self, db, e, position):
        db.execute("DELETE FROM subscriptions WHERE id=?", (e.subscription_id,))

    def _on_Account_EmailChanged(self, db, e, position):
        username = self._username(db, e)
        if username is None:
            return
        self._settings(db, username)
        db.execute("UPDATE mail_settings SET has_email=? WHERE username=?", (int(e.email is not None), username))

    def _on_Account_MailSettingsChanged(self, db, e, position):
        username = self._username(db, e)
        if username is None:
            return
        self._settings(db, username)
        db.execute("UPDATE mail_settings SET language=?, newsletter=? WHERE username=?",
                   (e.language, int(e.newsletter), username))

    def _on_Account_CalendarFeedRenewed(self, db, e, position):
        username = self._username(db, e)
        if username is None:
            return
        db.execute("DELETE FROM calendar_feeds WHERE username=?", (username,))
        db.execute("INSERT INTO calendar_feeds VALUES (?,?)", (e.feed_hash, username))

    def _on_Account_Erased(self, db, e, position):
        """The account's name leaves the read model: what it did reads "raderat konto". A key
        that is still there (a crash before its destruction, or keys restored from an older
        backup) is destroyed here too."""
        key_id = f"account:{e.originator_id}"
        if self.app.person_keys.get(key_id) is not None:
            self.app.person_keys.destroy(key_id)
        self._on_Account_Disabled(db, e, position)
        username = self._username(db, e)
        if username is not None:
            self._erase_actor(db, username)
        db.execute("UPDATE accounts SET username=NULL WHERE id=?", (str(e.originator_id),))
        self.purge_pending = True  # the write-ahead log still holds the old rows

    def _on_Newsletter_Issued(self, db, e, position):
        db.execute("INSERT INTO newsletters VALUES (?,?,?,?,?,?,?)",
                   (e.number, str(e.originator_id), e.introduction, json.dumps(e.examples),
                    json.dumps(e.decisions), self._iso(e.timestamp), self._by(db, e)))

    # ---- queries -------------------------------------------------------------------

    @staticmethod
    def _subscription(r) -> dict:
        return {"id": r["id"], "username": r["username"], "kind": r["kind"], "query": r["query"],
                "filters": json.loads(r["filters"]), "example_id": r["example_id"], "frequency": r["frequency"],
                "created_at": r["created_at"]}

    def subscriptions_of(self, username: str) -> list[dict]:
        rows = self._db().execute("SELECT * FROM subscriptions WHERE username=? ORDER BY created_at, id",
                                  (username,)).fetchall()
        return [self._subscription(r) for r in rows]

    def subscription(self, subscription_id: str) -> dict | None:
        row = self._db().execute("SELECT * FROM subscriptions WHERE id=?", (subscription_id,)).fetchone()
        return self._subscription(row) if row else None

    def subscribers(self, kind: str, frequency: str | None = None, example_id: str | None = None,
                    before: int | None = None) -> list[dict]:
        """Subscriptions of accounts that are enabled, with each account's role and organisation;
        `before`: only those made before that position (an event tells those who subscribed before it)."""
        clauses, params = ["s.kind=?", "a.disabled=0"], [kind]
        if before is not None:
            clauses.append("s.position<?")
            params.append(before)
        if frequency:
            clauses.append("s.frequency=?")
            params.append(frequency)
        if example_id:
            clauses.append("s.example_id=?")
            params.append(example_id)
        rows = self._db().execute(
            "SELECT s.*, a.role, a.organisation FROM subscriptions s JOIN accounts a ON a.username=s.username "
            f"WHERE {' AND '.join(clauses)} ORDER BY s.id", params).fetchall()
        return [{**self._subscription(r), "role": r["role"], "organisation": r["organisation"]} for r in rows]

    def mail_settings(self, username: str) -> dict:
        row = self._db().execute("SELECT * FROM mail_settings WHERE username=?", (username,)).fetchone()
        if row is None:
            return {"has_email": False, "language": "sv", "newsletter": False}
        return {"has_email": bool(row["has_email"]), "language": row["language"], "newsletter": bool(row["newsletter"])}

    def calendar_account(self, feed_hash: str) -> dict | None:
        """The enabled account whose current calendar address has this hash."""
        row = self._db().execute("SELECT a.* FROM calendar_feeds c JOIN accounts a ON a.username=c.username "
                                 "WHERE c.feed_hash=? AND a.disabled=0", (feed_hash,)).fetchone()
        return dict(row) if row else None

    # ---- what messages are about ---------------------------------------------------------

    def example_brief(self, example_id: str) -> dict | None:
        """An example's address, title, summary, status and organisations (who may read it)."""
        row = self._db().execute("SELECT id, slug, title, summary, status FROM examples WHERE id=?",
                                 (example_id,)).fetchone()
        if row is None:
            return None
        organisations = [r[0] for r in self._db().execute(
            "SELECT value FROM example_terms WHERE example_id=? AND facet='organisation'", (example_id,))]
        return {**dict(row), "organisations": organisations}

    def meeting_brief(self, meeting_id: str) -> dict | None:
        row = self._db().execute("SELECT * FROM meetings WHERE id=?", (meeting_id,)).fetchone()
        return {**self._meeting_summary(row), "agenda": json.loads(row["agenda"])} if row else None

    def titles(self, ids: list[str]) -> dict[str, str]:
        """The titles of examples and meetings by id."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self._db().execute(f"SELECT id, title FROM examples WHERE id IN ({marks}) UNION ALL "
                                  f"SELECT id, title FROM meetings WHERE id IN ({marks})", [*ids, *ids]).fetchall()
        return {r[0]: r[1] for r in rows}

    def usernames(self) -> set[str]:
        """The names of every account not erased."""
        return {r[0] for r in self._db().execute("SELECT username FROM accounts WHERE username IS NOT NULL")}

    def newsletter_readers(self) -> list[str]:
        rows = self._db().execute(
            "SELECT m.username FROM mail_settings m JOIN accounts a ON a.username=m.username "
            "WHERE m.newsletter=1 AND m.has_email=1 AND a.disabled=0 ORDER BY m.username").fetchall()
        return [r[0] for r in rows]

    # ---- the newsletter ------------------------------------------------------------------

    def newsletters(self) -> list[dict]:
        rows = self._db().execute("SELECT number, at, by FROM newsletters ORDER BY number DESC").fetchall()
        return [dict(r) for r in rows]

    def newsletter(self, number: int | None = None, newsletter_id: str | None = None) -> dict | None:
        """An issue with its examples (published ones, as they read now) and its decisions."""
        if newsletter_id is not None:
            row = self._db().execute("SELECT * FROM newsletters WHERE id=?", (newsletter_id,)).fetchone()
        else:
            row = self._db().execute("SELECT * FROM newsletters WHERE number=?", (number,)).fetchone()
        if row is None:
            return None
        decisions = {(d["meeting_id"], d["number"]) for d in json.loads(row["decisions"])}
        return {"number": row["number"], "id": row["id"], "introduction": row["introduction"], "at": row["at"],
                "by": row["by"], "examples": self._published(json.loads(row["examples"])),
                "decisions": [d for d in self._decisions_since(None) if (d["meeting_id"], d["number"]) in decisions]}

    def _published(self, example_ids: list[str]) -> list[dict]:
        found = []
        for example_id in example_ids:
            row = self._db().execute("SELECT id, slug, title, summary FROM examples WHERE id=? AND status='published'",
                                     (example_id,)).fetchone()
            if row:
                found.append(dict(row))
        return found

    def _decisions_since(self, since: str | None) -> list[dict]:
        from .meeting_view import numbered
        rows = self._db().execute(
            "SELECT id, title, date, number, minutes FROM meetings WHERE approved_at IS NOT NULL"
            + (" AND approved_at>?" if since else "") + " ORDER BY date, id", (since,) if since else ()).fetchall()
        decisions = []
        for row in rows:
            for item in numbered(row["number"], json.loads(row["minutes"] or "[]")):
                for decision in item["decisions"]:
                    decisions.append({"meeting_id": row["id"], "meeting_title": row["title"], "date": row["date"],
                                      "number": decision["number"], "text": decision["text"]})
        return decisions

    def newsletter_candidates(self) -> dict:
        """What a new issue may hold: the examples published and the decisions approved since the last."""
        last = self._db().execute("SELECT max(at) FROM newsletters").fetchone()[0]
        rows = self._db().execute(
            "SELECT id FROM examples WHERE status='published'" + (" AND published_at>?" if last else "")
            + " ORDER BY published_at DESC", (last,) if last else ()).fetchall()
        return {"since": last, "examples": self._published([r[0] for r in rows]),
                "decisions": self._decisions_since(last)}
