"""Working groups, meetings, attendance, minutes and tasks as read-model tables.

Mixed into `ReadModel` like `RegisterView`. Attendance rows name people by id; queries join
the register's `people` table, so an erased person reads "raderad person". The minutes are
opened from their sealed text when applied; every version is kept for the history.
"""

import json
from datetime import timezone

from .meetings import ATTENDED, day_before
from .rendering import render_markdown

MEETING_SCHEMA = """
CREATE TABLE IF NOT EXISTS working_groups (
    id TEXT PRIMARY KEY, slug TEXT UNIQUE NOT NULL, name TEXT NOT NULL, mandate TEXT NOT NULL,
    mandate_html TEXT NOT NULL, convenor TEXT NOT NULL, start TEXT NOT NULL, end TEXT, status TEXT NOT NULL,
    created_at TEXT NOT NULL, created_by TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS working_group_members (
    group_slug TEXT NOT NULL, organisation TEXT NOT NULL, start TEXT NOT NULL, end TEXT,
    PRIMARY KEY (group_slug, organisation, start));
CREATE TABLE IF NOT EXISTS meetings (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, kind TEXT NOT NULL, working_group TEXT, date TEXT NOT NULL,
    starts_at TEXT NOT NULL, ends_at TEXT NOT NULL, place TEXT NOT NULL, agenda TEXT NOT NULL,
    number TEXT NOT NULL, status TEXT NOT NULL, cancel_reason TEXT, minutes TEXT,
    minutes_version INTEGER NOT NULL DEFAULT 0, minutes_by TEXT, minutes_at TEXT, approved_by TEXT,
    approved_at TEXT, created_by TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS meetings_date ON meetings (date, starts_at);
CREATE INDEX IF NOT EXISTS meetings_group ON meetings (working_group, date);
CREATE TABLE IF NOT EXISTS attendance (
    meeting_id TEXT NOT NULL, organisation TEXT NOT NULL, status TEXT NOT NULL, person_id TEXT,
    PRIMARY KEY (meeting_id, organisation));
CREATE INDEX IF NOT EXISTS attendance_person ON attendance (person_id);
CREATE TABLE IF NOT EXISTS minutes_versions (
    meeting_id TEXT NOT NULL, version INTEGER NOT NULL, items TEXT NOT NULL, at TEXT NOT NULL, by TEXT NOT NULL,
    change TEXT NOT NULL, reason TEXT NOT NULL, PRIMARY KEY (meeting_id, version));
CREATE TABLE IF NOT EXISTS tasks (
    id TEXT PRIMARY KEY, meeting_id TEXT NOT NULL, agenda_index INTEGER NOT NULL, n INTEGER NOT NULL,
    title TEXT NOT NULL, organisation TEXT NOT NULL, due TEXT NOT NULL, status TEXT NOT NULL,
    present INTEGER NOT NULL DEFAULT 1);
CREATE INDEX IF NOT EXISTS tasks_organisation ON tasks (organisation, status, due);
CREATE TABLE IF NOT EXISTS task_followups (
    position INTEGER PRIMARY KEY, task_id TEXT NOT NULL, status TEXT NOT NULL, note TEXT NOT NULL,
    at_meeting TEXT, at TEXT NOT NULL, by TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS task_followups_task ON task_followups (task_id, position);
CREATE TABLE IF NOT EXISTS meeting_history (
    position INTEGER PRIMARY KEY, meeting_id TEXT NOT NULL, at TEXT NOT NULL, by TEXT NOT NULL,
    change TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS meeting_history_meeting ON meeting_history (meeting_id, position);
"""

MEETING_TABLES = ("working_groups", "working_group_members", "meetings", "attendance", "minutes_versions", "tasks",
                  "task_followups", "meeting_history")
MEETING_ACTOR_COLUMNS = (  # (table, column) holding an actor's name
    ("working_groups", "created_by"), ("meetings", "minutes_by"), ("meetings", "approved_by"),
    ("meetings", "created_by"), ("minutes_versions", "by"), ("task_followups", "by"), ("meeting_history", "by"))


def _iso(moment) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def numbered(number: str, items: list[dict]) -> list[dict]:
    """The minutes' items with each decision numbered "2027:1 §4", counting through the minutes."""
    paragraph = 0
    result = []
    for item in items:
        decisions = []
        for decision in item.get("decisions") or []:
            paragraph += 1
            decisions.append({**decision, "number": f"{number} §{paragraph}"})
        result.append({**item, "decisions": decisions})
    return result


class MeetingView:
    # ---- projecting: working groups -------------------------------------------------

    def _on_WorkingGroup_Created(self, db, e, position):
        db.execute("INSERT INTO working_groups VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   (str(e.originator_id), e.slug, e.name, e.mandate, render_markdown(e.mandate).html, e.convenor,
                    e.start, e.end, "active", _iso(e.timestamp), self._by(db, e)))
        db.executemany("INSERT OR REPLACE INTO working_group_members VALUES (?,?,?,NULL)",
                       [(e.slug, organisation, e.start) for organisation in e.members])
        self._meeting_history(db, e, position, "group_created", {"name": e.name, "members": e.members})

    def _group_slug(self, db, e) -> str:
        return db.execute("SELECT slug FROM working_groups WHERE id=?", (str(e.originator_id),)).fetchone()[0]

    def _on_WorkingGroup_Changed(self, db, e, position):
        fields = dict(e.fields)
        if "mandate" in fields:
            fields["mandate_html"] = render_markdown(fields["mandate"]).html
        for name, value in fields.items():
            db.execute(f"UPDATE working_groups SET {name}=? WHERE id=?", (value, str(e.originator_id)))
        self._meeting_history(db, e, position, "group_changed", {k: e.fields[k] for k in e.fields if k != "mandate"})

    def _on_WorkingGroup_MemberAdded(self, db, e, position):
        db.execute("INSERT OR REPLACE INTO working_group_members VALUES (?,?,?,NULL)",
                   (self._group_slug(db, e), e.organisation, e.on))
        self._meeting_history(db, e, position, "member_added", {"organisation": e.organisation, "on": e.on})

    def _on_WorkingGroup_MemberRemoved(self, db, e, position):
        db.execute("UPDATE working_group_members SET end=? WHERE group_slug=? AND organisation=? AND end IS NULL",
                   (day_before(e.on), self._group_slug(db, e), e.organisation))
        self._meeting_history(db, e, position, "member_removed", {"organisation": e.organisation, "on": e.on})

    # ---- projecting: meetings -------------------------------------------------------

    def _on_Meeting_Planned(self, db, e, position):
        at = _iso(e.timestamp)
        db.execute("INSERT INTO meetings VALUES (?,?,?,?,?,?,?,?,?,?,'planned',NULL,NULL,0,NULL,NULL,NULL,NULL,?,?,?)",
                   (str(e.originator_id), e.title, e.kind, e.working_group, e.date, e.starts_at, e.ends_at, e.place,
                    json.dumps(e.agenda, ensure_ascii=False), e.number, self._by(db, e), at, at))
        self._meeting_history(db, e, position, "planned", {"title": e.title, "date": e.date})

    def _on_Meeting_Changed(self, db, e, position):
        for name, value in e.fields.items():
            if name == "agenda":
                value = json.dumps(value, ensure_ascii=False)
            db.execute(f"UPDATE meetings SET {name}=?, updated_at=? WHERE id=?",
                       (value, _iso(e.timestamp), str(e.originator_id)))
        self._meeting_history(db, e, position, "changed", {"fields": sorted(e.fields)})

    def _on_Meeting_Held(self, db, e, position):
        db.execute("UPDATE meetings SET status='held', updated_at=? WHERE id=?",
                   (_iso(e.timestamp), str(e.originator_id)))
        self._meeting_history(db, e, position, "held", {})

    def _on_Meeting_Cancelled(self, db, e, position):
        db.execute("UPDATE meetings SET status='cancelled', cancel_reason=?, updated_at=? WHERE id=?",
                   (e.reason, _iso(e.timestamp), str(e.originator_id)))
        self._meeting_history(db, e, position, "cancelled", {"reason": e.reason})

    def _on_Meeting_AttendanceRecorded(self, db, e, position):
        meeting_id = str(e.originator_id)
        db.executemany("INSERT OR REPLACE INTO attendance VALUES (?,?,?,?)",
                       [(meeting_id, item["organisation"], item["status"], item.get("person_id"))
                        for item in e.items])
        self._meeting_history(db, e, position, "attendance",
                              {"organisations": [item["organisation"] for item in e.items]})

    def _on_Meeting_MinutesWritten(self, db, e, position):
        self._minutes(db, e, position, "minutes_written", "")

    def _on_Meeting_MinutesCorrected(self, db, e, position):
        self._minutes(db, e, position, "minutes_corrected", e.reason)

    def _minutes(self, db, e, position, change, reason):
        """A new version of the minutes: its items (empty when its key is gone), its tasks."""
        meeting_id = str(e.originator_id)
        at = _iso(e.timestamp)
        text = self.app.revisions.open(e.text)
        items = (text or {}).get("content", {}).get("items", [])
        version = db.execute("SELECT minutes_version FROM meetings WHERE id=?", (meeting_id,)).fetchone()[0] + 1
        db.execute("UPDATE meetings SET minutes=?, minutes_version=?, minutes_by=?, minutes_at=?, updated_at=? "
                   "WHERE id=?", (json.dumps(items, ensure_ascii=False), version, self._by(db, e), at, at, meeting_id))
        db.execute("INSERT INTO minutes_versions VALUES (?,?,?,?,?,?,?)",
                   (meeting_id, version, json.dumps(items, ensure_ascii=False), at, self._by(db, e), change, reason))
        db.execute("UPDATE tasks SET present=0 WHERE meeting_id=?", (meeting_id,))
        for item in items:
            for n, task in enumerate(item.get("tasks") or []):
                db.execute(
                    "INSERT INTO tasks VALUES (?,?,?,?,?,?,?,'open',1) ON CONFLICT (id) DO UPDATE SET "
                    "agenda_index=excluded.agenda_index, n=excluded.n, title=excluded.title, "
                    "organisation=excluded.organisation, due=excluded.due, present=1",
                    (task["id"], meeting_id, item["agenda_index"], n, task["title"], task["organisation"],
                     task["due"]))
        self._meeting_history(db, e, position, change, {"version": version, "reason": reason})

    def _on_Meeting_MinutesApproved(self, db, e, position):
        db.execute("UPDATE meetings SET approved_by=?, approved_at=?, updated_at=? WHERE id=?",
                   (self._by(db, e), _iso(e.timestamp), _iso(e.timestamp), str(e.originator_id)))
        version = db.execute("SELECT minutes_version FROM meetings WHERE id=?",
                             (str(e.originator_id),)).fetchone()[0]
        self._meeting_history(db, e, position, "minutes_approved", {"version": version})

    def _on_Meeting_TaskFollowedUp(self, db, e, position):
        db.execute("UPDATE tasks SET status=? WHERE id=?", (e.status, e.task_id))
        db.execute("INSERT INTO task_followups VALUES (?,?,?,?,?,?,?)",
                   (position, e.task_id, e.status, e.note, e.meeting_id, _iso(e.timestamp), self._by(db, e)))
        self._meeting_history(db, e, position, "task_followed_up",
                              {"task": e.task_id, "status": e.status, "note": e.note, "meeting": e.meeting_id})

    def _meeting_history(self, db, e, position, change, data):
        db.execute("INSERT INTO meeting_history VALUES (?,?,?,?,?,?)",
                   (position, str(e.originator_id), _iso(e.timestamp), self._by(db, e), change,
                    json.dumps(data, ensure_ascii=False)))

    # ---- queries: working groups ----------------------------------------------------

    def working_groups(self) -> list[dict]:
        rows = self._db().execute("SELECT * FROM working_groups ORDER BY name COLLATE NOCASE").fetchall()
        return [self._group(r) for r in rows]

    def working_group(self, slug: str) -> dict | None:
        row = self._db().execute("SELECT * FROM working_groups WHERE slug=?", (slug,)).fetchone()
        if row is None:
            return None
        group = self._group(row)
        members = self._db().execute(
            "SELECT m.*, o.name FROM working_group_members m LEFT JOIN organisations o ON o.slug=m.organisation "
            "WHERE m.group_slug=? ORDER BY m.start, o.name COLLATE NOCASE", (slug,)).fetchall()
        group["members_over_time"] = [{"organisation": {"slug": m["organisation"], "name": m["name"]},
                                       "from": m["start"], "to": m["end"]} for m in members]
        group["mandate_html"] = row["mandate_html"]
        return group

    def _group(self, r) -> dict:
        members = self._db().execute(
            "SELECT organisation FROM working_group_members WHERE group_slug=? AND end IS NULL ORDER BY organisation",
            (r["slug"],)).fetchall()
        return {"slug": r["slug"], "name": r["name"], "mandate": r["mandate"], "convenor": r["convenor"],
                "members": [m[0] for m in members], "start": r["start"], "end": r["end"], "status": r["status"],
                "created_at": r["created_at"], "created_by": r["created_by"]}

    def group_members_on(self, slug: str, day: str) -> list[str]:
        rows = self._db().execute(
            "SELECT organisation FROM working_group_members WHERE group_slug=? AND start<=? AND (end IS NULL OR end>=?)",
            (slug, day, day)).fetchall()
        return [r[0] for r in rows]

    # ---- queries: meetings ----------------------------------------------------------

    def meetings(self, start: str | None = None, end: str | None = None, working_group: str | None = None,
                 limit: int = 500) -> list[dict]:
        clauses, params = [], []
        if start:
            clauses.append("date>=?")
            params.append(start)
        if end:
            clauses.append("date<=?")
            params.append(end)
        if working_group:
            clauses.append("working_group=?")
            params.append(working_group)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self._db().execute(f"SELECT * FROM meetings {where} ORDER BY date, starts_at, id LIMIT ?",
                                  params + [limit]).fetchall()
        return [self._meeting_summary(r) for r in rows]

    @staticmethod
    def _meeting_summary(r) -> dict:
        return {"id": r["id"], "title": r["title"], "kind": r["kind"], "working_group": r["working_group"],
                "date": r["date"], "starts_at": r["starts_at"], "ends_at": r["ends_at"], "place": r["place"],
                "number": r["number"], "status": r["status"], "version": r["minutes_version"],
                "approved": r["approved_by"] is not None}

    def meeting(self, meeting_id: str) -> dict | None:
        row = self._db().execute("SELECT * FROM meetings WHERE id=?", (meeting_id,)).fetchone()
        if row is None:
            return None
        meeting = self._meeting_summary(row)
        items = json.loads(row["minutes"]) if row["minutes"] is not None else None
        meeting.update({
            "agenda": json.loads(row["agenda"]),
            "cancel_reason": row["cancel_reason"],
            "minutes": None if items is None else {
                "version": row["minutes_version"], "written_by": row["minutes_by"], "written_at": row["minutes_at"],
                "approved_by": row["approved_by"], "approved_at": row["approved_at"],
                "locked": row["approved_by"] is not None, "items": self._with_task_status(numbered(row["number"], items))},
            "attendance": self.attendance_list(row),
            "created_by": row["created_by"], "created_at": row["created_at"],
        })
        return meeting

    def _with_task_status(self, items: list[dict]) -> list[dict]:
        ids = [task["id"] for item in items for task in item.get("tasks") or []]
        status = {}
        if ids:
            rows = self._db().execute(f"SELECT id, status FROM tasks WHERE id IN ({','.join('?' * len(ids))})",
                                      ids).fetchall()
            status = {r[0]: r[1] for r in rows}
        return [{**item, "tasks": [{**task, "status": status.get(task["id"], "open")} for task in item.get("tasks") or []]}
                for item in items]

    def expected_on(self, row) -> list[dict]:
        """The roster on the meeting's date: the county group's members (or the working group's), each
        with the representative and substitute of that day."""
        roster = self.roster(row["date"])
        if row["kind"] == "arbetsgruppsmote":
            members = set(self.group_members_on(row["working_group"], row["date"]))
            roster = [entry for entry in roster if entry["organisation"]["slug"] in members]
            missing = members - {entry["organisation"]["slug"] for entry in roster}
            for slug in sorted(missing):  # a group member that was not a member of the county group
                roster.extend(self.roster(row["date"], slug) or [{
                    "organisation": {"slug": slug, "name": self.organisation_name(slug) or slug},
                    "representative": None, "substitute": None}])
        return roster

    def attendance_list(self, row) -> list[dict]:
        recorded = {r["organisation"]: r for r in self._db().execute(
            "SELECT a.*, p.name AS person_name, p.erased FROM attendance a LEFT JOIN people p ON p.id=a.person_id "
            "WHERE a.meeting_id=?", (row["id"],)).fetchall()}
        result = []
        for entry in self.expected_on(row):
            slug = entry["organisation"]["slug"]
            expected = [{"person_id": person["person_id"], "name": person["name"], "role": role}
                        for role in ("representative", "substitute") if (person := entry[role])]
            result.append(self._attendance_item(entry["organisation"], expected, recorded.pop(slug, None)))
        for slug, r in sorted(recorded.items()):  # recorded for an organisation no longer listed that day
            result.append(self._attendance_item({"slug": slug, "name": self.organisation_name(slug) or slug}, [], r))
        return result

    @staticmethod
    def _attendance_item(organisation: dict, expected: list, r) -> dict:
        return {"organisation": organisation, "expected": expected,
                "status": r["status"] if r else None, "person_id": r["person_id"] if r else None,
                "person_name": r["person_name"] if r else None}

    def minutes_versions(self, meeting_id: str) -> list[dict]:
        number = self._db().execute("SELECT number FROM meetings WHERE id=?", (meeting_id,)).fetchone()
        rows = self._db().execute("SELECT * FROM minutes_versions WHERE meeting_id=? ORDER BY version",
                                  (meeting_id,)).fetchall()
        return [{"version": r["version"], "at": r["at"], "by": r["by"], "change": r["change"], "reason": r["reason"],
                 "items": numbered(number[0] if number else "", json.loads(r["items"]))} for r in rows]

    def meeting_history(self, meeting_id: str) -> list[dict]:
        rows = self._db().execute("SELECT * FROM meeting_history WHERE meeting_id=? ORDER BY position",
                                  (meeting_id,)).fetchall()
        return [{"position": r["position"], "at": r["at"], "by": r["by"], "change": r["change"],
                 **json.loads(r["data"])} for r in rows]

    # ---- queries: tasks and attendance per year --------------------------------------

    def tasks(self, organisation: str | None = None, status: str | None = None, meeting_id: str | None = None,
              working_group: str | None = None) -> list[dict]:
        clauses, params = ["t.present=1"], []
        for column, value in (("t.organisation", organisation), ("t.status", status), ("t.meeting_id", meeting_id),
                              ("m.working_group", working_group)):
            if value:
                clauses.append(f"{column}=?")
                params.append(value)
        rows = self._db().execute(
            "SELECT t.*, m.title AS meeting_title, m.date AS meeting_date, m.number, o.name AS organisation_name "
            "FROM tasks t JOIN meetings m ON m.id=t.meeting_id LEFT JOIN organisations o ON o.slug=t.organisation "
            f"WHERE {' AND '.join(clauses)} ORDER BY t.due, m.date, t.agenda_index, t.n", params).fetchall()
        return [{"id": r["id"], "title": r["title"], "organisation": r["organisation"],
                 "organisation_name": r["organisation_name"], "due": r["due"], "status": r["status"],
                 "meeting": r["meeting_id"], "meeting_title": r["meeting_title"], "meeting_date": r["meeting_date"],
                 "meeting_number": r["number"]} for r in rows]

    def task(self, task_id: str) -> dict | None:
        row = self._db().execute("SELECT meeting_id, organisation FROM tasks WHERE id=? AND present=1",
                                 (task_id,)).fetchone()
        return dict(row) if row else None

    def task_followups(self, task_id: str) -> list[dict]:
        rows = self._db().execute("SELECT * FROM task_followups WHERE task_id=? ORDER BY position",
                                  (task_id,)).fetchall()
        return [{"status": r["status"], "note": r["note"], "meeting": r["at_meeting"], "at": r["at"], "by": r["by"]}
                for r in rows]

    def attendance_year(self, year: int) -> dict:
        """Per organisation, the meetings held in `year` where it was expected and those it attended;
        and the grid (organisations × meetings) behind the picture."""
        rows = self._db().execute("SELECT * FROM meetings WHERE status='held' AND date>=? AND date<=? "
                                  "ORDER BY date, starts_at, id", (f"{year:04d}-01-01", f"{year:04d}-12-31")).fetchall()
        meetings = [self._meeting_summary(r) for r in rows]
        organisations: dict[str, dict] = {}
        grid: dict[tuple[str, str], str | None] = {}
        for row in rows:
            for entry in self.attendance_list(row):
                slug = entry["organisation"]["slug"]
                summary = organisations.setdefault(slug, {"organisation": slug, "name": entry["organisation"]["name"],
                                                          "held": 0, "attended": 0})
                summary["held"] += 1
                summary["attended"] += entry["status"] in ATTENDED
                grid[(slug, row["id"])] = entry["status"] or "unrecorded"
        items = sorted(organisations.values(), key=lambda item: (item["name"] or "").casefold())
        return {"year": year, "items": items, "meetings": meetings,
                "grid": {f"{slug}|{meeting}": status for (slug, meeting), status in grid.items()}}
