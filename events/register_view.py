"""The membership register as read-model tables: people, forms and role terms.

Mixed into `ReadModel`; the `_on_…` methods project events, the others answer queries.
Terms are kept as rows with start and end dates, indexed, so the roster on any date is a
single indexed query however long the history.
"""

import json
from datetime import date, timedelta

from .personal_data import ERASED_NOTE, erased_fields, unseal, unseal_note

REGISTER_SCHEMA = """
CREATE TABLE IF NOT EXISTS people (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, phone TEXT NOT NULL, title TEXT NOT NULL,
    created_at TEXT NOT NULL, erased INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS requests (
    id TEXT PRIMARY KEY, organisation TEXT NOT NULL, status TEXT NOT NULL, note TEXT NOT NULL,
    changes TEXT NOT NULL, submitted_by TEXT NOT NULL, submitted_at TEXT NOT NULL,
    decided_by TEXT, decided_at TEXT, reason TEXT, position INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS requests_status ON requests (status, submitted_at);
CREATE TABLE IF NOT EXISTS request_people (
    person_id TEXT NOT NULL, request_id TEXT NOT NULL, PRIMARY KEY (person_id, request_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rosters (id TEXT PRIMARY KEY, organisation TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS terms (
    organisation TEXT NOT NULL, role TEXT NOT NULL, person_id TEXT NOT NULL, start TEXT NOT NULL,
    end TEXT, request_id TEXT NOT NULL, ended_by TEXT, PRIMARY KEY (organisation, role, start));
CREATE INDEX IF NOT EXISTS terms_person ON terms (person_id, start);
CREATE INDEX IF NOT EXISTS terms_dates ON terms (organisation, role, start, end);
"""

REGISTER_TABLES = ("people", "requests", "request_people", "rosters", "terms")
REGISTER_ACTOR_COLUMNS = (("requests", "submitted_by"), ("requests", "decided_by"))  # (table, column): actor names


def _day_before(day: str) -> str:
    return (date.fromisoformat(day) - timedelta(days=1)).isoformat()


class RegisterView:
    # ---- projecting ----------------------------------------------------------------

    def _on_Person_Registered(self, db, e, position):
        person_id = str(e.originator_id)
        fields = unseal(self.app.person_keys.get(person_id), person_id, e.sealed)
        erased = fields is None
        fields = fields or erased_fields()
        db.execute("INSERT INTO people VALUES (?,?,?,?,?,?,?)",
                   (person_id, fields["name"], fields["email"], fields["phone"], fields["title"],
                    self._iso(e.timestamp), int(erased)))

    def _on_Person_Erased(self, db, e, position):
        """Overwrites the person's row and the notes of the forms naming them (the file has
        `secure_delete`); `catch_up` then checkpoints the WAL so no older copy of the pages stays
        on disk. A key that is still there (restored from a backup taken before the erasure) is
        destroyed again."""
        person_id = str(e.originator_id)
        if self.app.person_keys.get(person_id) is not None:  # e.g. keys restored from an older backup
            self.app.person_keys.destroy(person_id)
        fields = erased_fields()
        db.execute("UPDATE people SET name=?, email=?, phone=?, title=?, erased=1 WHERE id=?",
                   (fields["name"], fields["email"], fields["phone"], fields["title"], person_id))
        db.execute("UPDATE requests SET note=? WHERE note<>'' AND id IN "
                   "(SELECT request_id FROM request_people WHERE person_id=?)", (ERASED_NOTE, person_id))
        self.purge_pending = True

    def _on_MembershipRequest_Submitted(self, db, e, position):
        """The note opened with the keys of the people the form names. It reads as erased when one
        of them is: a sealed note's key is gone, or an old plain note names an erased person."""
        request_id = str(e.originator_id)
        named = list(dict.fromkeys(change["person_id"] for change in e.changes))
        note = unseal_note(e.note, request_id, self.app.person_keys.get)
        erased = db.execute(f"SELECT 1 FROM people WHERE erased=1 AND id IN ({','.join('?' * len(named))})",
                            named).fetchone() if named else None
        if note is None or (note and erased):
            note = ERASED_NOTE
        db.execute("INSERT INTO requests VALUES (?,?,?,?,?,?,?,NULL,NULL,NULL,?)",
                   (request_id, e.organisation, "submitted", note,
                    json.dumps(e.changes, ensure_ascii=False), self._by(db, e), self._iso(e.timestamp), position))
        db.executemany("INSERT OR IGNORE INTO request_people VALUES (?,?)",
                       [(person_id, request_id) for person_id in named])

    def _on_MembershipRequest_Approved(self, db, e, position):
        db.execute("UPDATE requests SET status='approved', decided_by=?, decided_at=? WHERE id=?",
                   (self._by(db, e), self._iso(e.timestamp), str(e.originator_id)))

    def _on_MembershipRequest_Rejected(self, db, e, position):
        db.execute("UPDATE requests SET status='rejected', decided_by=?, decided_at=?, reason=? WHERE id=?",
                   (self._by(db, e), self._iso(e.timestamp), e.reason, str(e.originator_id)))

    def _on_Roster_Opened(self, db, e, position):
        db.execute("INSERT INTO rosters VALUES (?,?)", (str(e.originator_id), e.organisation))

    def _roster_slug(self, db, e) -> str:
        return db.execute("SELECT organisation FROM rosters WHERE id=?", (str(e.originator_id),)).fetchone()[0]

    def _on_Roster_Appointed(self, db, e, position):
        slug = self._roster_slug(db, e)
        db.execute(
            "UPDATE terms SET end=?, ended_by=? WHERE organisation=? AND role=? AND start=("
            "SELECT max(start) FROM terms WHERE organisation=? AND role=?) AND (end IS NULL OR end>=?)",
            (_day_before(e.start), e.request_id, slug, e.role, slug, e.role, e.start))
        db.execute("INSERT INTO terms VALUES (?,?,?,?,NULL,?,NULL)", (slug, e.role, e.person_id, e.start, e.request_id))

    def _on_Roster_Ended(self, db, e, position):
        slug = self._roster_slug(db, e)
        db.execute("UPDATE terms SET end=?, ended_by=? WHERE organisation=? AND role=? AND person_id=? "
                   "AND start<=? AND (end IS NULL OR end>=?)",
                   (e.on, e.request_id or None, slug, e.role, e.person_id, e.on, e.on))

    # ---- queries -------------------------------------------------------------------

    def person(self, person_id: str) -> dict | None:
        row = self._db().execute("SELECT * FROM people WHERE id=?", (person_id,)).fetchone()
        return dict(row) if row else None

    @staticmethod
    def _person_json(row, prefix: str) -> dict | None:
        if row[f"{prefix}_person"] is None:
            return None
        return {"person_id": row[f"{prefix}_person"], "name": row[f"{prefix}_name"], "email": row[f"{prefix}_email"],
                "phone": row[f"{prefix}_phone"], "title": row[f"{prefix}_title"], "from": row[f"{prefix}_start"],
                "to": row[f"{prefix}_end"]}

    def roster(self, at: str, organisation: str | None = None) -> list[dict]:
        """Every organisation that was a member on `at`, with its representative and substitute then."""
        role_join = """LEFT JOIN terms {p}t ON {p}t.organisation=o.slug AND {p}t.role='{role}' AND {p}t.start<=:at
                       AND ({p}t.end IS NULL OR {p}t.end>=:at)
                       LEFT JOIN people {p}p ON {p}p.id={p}t.person_id"""
        columns = ", ".join(f"{p}t.person_id AS {p}_person, {p}p.name AS {p}_name, {p}p.email AS {p}_email, "
                            f"{p}p.phone AS {p}_phone, {p}p.title AS {p}_title, {p}t.start AS {p}_start, "
                            f"{p}t.end AS {p}_end" for p in ("r", "s"))
        sql = (f"SELECT o.slug, o.name, {columns} FROM organisations o "
               f"{role_join.format(p='r', role='representative')} {role_join.format(p='s', role='substitute')} "
               "WHERE o.joined_on<=:at AND (o.left_on IS NULL OR o.left_on>=:at)"
               + (" AND o.slug=:organisation" if organisation else "") + " ORDER BY o.name COLLATE NOCASE")
        rows = self._db().execute(sql, {"at": at, "organisation": organisation}).fetchall()
        return [{"organisation": {"slug": r["slug"], "name": r["name"]},
                 "representative": self._person_json(r, "r"), "substitute": self._person_json(r, "s")}
                for r in rows]

    _TERM_SQL = """
        SELECT t.*, p.name, p.email, p.phone, p.title, o.name AS organisation_name,
               r.submitted_by, r.submitted_at, r.decided_by AS approved_by, r.decided_at AS approved_at,
               e.submitted_by AS end_submitted_by, e.submitted_at AS end_submitted_at,
               e.decided_by AS end_approved_by, e.decided_at AS end_approved_at
        FROM terms t JOIN people p ON p.id=t.person_id
        LEFT JOIN organisations o ON o.slug=t.organisation
        LEFT JOIN requests r ON r.id=t.request_id
        LEFT JOIN requests e ON e.id=t.ended_by"""

    @staticmethod
    def _term(row, personal: bool = True) -> dict:
        item = {
            "organisation": {"slug": row["organisation"], "name": row["organisation_name"]},
            "role": row["role"], "person_id": row["person_id"], "from": row["start"], "to": row["end"],
            "appointed_by_form": {"id": row["request_id"], "submitted_by": row["submitted_by"],
                                  "submitted_at": row["submitted_at"], "approved_by": row["approved_by"],
                                  "approved_at": row["approved_at"]},
            "ended_by_form": None if row["ended_by"] is None else {
                "id": row["ended_by"], "submitted_by": row["end_submitted_by"],
                "submitted_at": row["end_submitted_at"], "approved_by": row["end_approved_by"],
                "approved_at": row["end_approved_at"]},
        }
        if personal:
            item["person"] = {"person_id": row["person_id"], "name": row["name"], "email": row["email"],
                              "phone": row["phone"], "title": row["title"]}
        return item

    def organisation_terms(self, slug: str) -> list[dict]:
        rows = self._db().execute(self._TERM_SQL + " WHERE t.organisation=? ORDER BY t.start, t.role",
                                  (slug,)).fetchall()
        return [self._term(r) for r in rows]

    def person_terms(self, person_id: str) -> list[dict]:
        rows = self._db().execute(self._TERM_SQL + " WHERE t.person_id=? ORDER BY t.start", (person_id,)).fetchall()
        return [self._term(r) for r in rows]

    def all_terms(self) -> list[dict]:
        rows = self._db().execute(self._TERM_SQL + " ORDER BY t.organisation, t.start, t.role").fetchall()
        return [self._term(r) for r in rows]

    def requests(self, status: str | None = None, organisation: str | None = None, limit: int = 200) -> list[dict]:
        clauses, params = [], []
        if status:
            clauses.append("status=?")
            params.append(status)
        if organisation:
            clauses.append("organisation=?")
            params.append(organisation)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self._db().execute(f"SELECT * FROM requests {where} ORDER BY submitted_at DESC LIMIT ?",
                                  params + [limit]).fetchall()
        return [self._request(r) for r in rows]

    def request(self, request_id: str) -> dict | None:
        row = self._db().execute("SELECT * FROM requests WHERE id=?", (request_id,)).fetchone()
        return self._request(row) if row else None

    def _request(self, r) -> dict:
        changes = json.loads(r["changes"])
        names = {}
        for change in changes:
            person = self.person(change["person_id"])
            names[change["person_id"]] = person["name"] if person else None
        return {"id": r["id"], "organisation": r["organisation"], "status": r["status"], "note": r["note"],
                "changes": [{**c, "person_name": names.get(c["person_id"])} for c in changes],
                "submitted_by": r["submitted_by"], "submitted_at": r["submitted_at"],
                "decided_by": r["decided_by"], "decided_at": r["decided_at"], "reason": r["reason"]}
