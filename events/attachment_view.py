"""The attachments of examples and meetings as a read-model table, mixed into `ReadModel`.

A row per attachment keeps its name (opened with the file's key when applied), its type, size,
the example version it was added at and the one it was removed at, so that each version lists
the files it had. An attachment is `public` once it was attached while the example was
published; those who may read only the published example see only public ones. A meeting's
files (`kind` "meeting", `example_id` the meeting's id) are for signed-in readers, like the
meeting. Destroying the file empties its name here and in the history, and finishes deleting
its bytes and key.
"""

import json

from .messages import N_

ATTACHMENT_SCHEMA = """
CREATE TABLE IF NOT EXISTS attachments (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, example_id TEXT NOT NULL, sha256 TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
    size INTEGER NOT NULL, added_version INTEGER NOT NULL, removed_version INTEGER, state TEXT NOT NULL,
    public INTEGER NOT NULL, added_at TEXT NOT NULL, added_by TEXT NOT NULL, added_position INTEGER NOT NULL,
    removed_position INTEGER, destroyed_reason TEXT);
CREATE INDEX IF NOT EXISTS attachments_example ON attachments (example_id, added_position);
CREATE INDEX IF NOT EXISTS attachments_sha ON attachments (sha256);
"""

ATTACHMENT_TABLES = ("attachments",)
ATTACHMENT_ACTOR_COLUMNS = (("attachments", "added_by"),)  # (table, column) holding an actor's name
DESTROYED_NAME = N_("bilaga förstörd")


class AttachmentView:
    def _on_LearningExample_AttachmentAdded(self, db, e, position):
        example_id = str(e.originator_id)
        row = db.execute("SELECT version, status FROM examples WHERE id=?", (example_id,)).fetchone()
        name = self.app.attachment_name(e.attachment_id, {"sha256": e.sha256, "name": e.name}) or ""
        public = row["status"] == "published"
        db.execute("INSERT OR REPLACE INTO attachments VALUES (?,'example',?,?,?,?,?,?,NULL,'current',?,?,?,?,NULL,NULL)",
                   (e.attachment_id, example_id, e.sha256, name, e.media_type, e.size, row["version"], int(public),
                    self._iso(e.timestamp), self._by(db, e), position))
        self._history(db, e, position, row["version"], "attachment_added", name, [], None, public=public)

    def _on_LearningExample_AttachmentRemoved(self, db, e, position):
        example_id = str(e.originator_id)
        row = db.execute("SELECT version, status FROM examples WHERE id=?", (example_id,)).fetchone()
        file = db.execute("SELECT name, public FROM attachments WHERE id=?", (e.attachment_id,)).fetchone()
        db.execute("UPDATE attachments SET state='removed', removed_version=?, removed_position=? WHERE id=?",
                   (row["version"], position, e.attachment_id))
        self._history(db, e, position, row["version"], "attachment_removed", file["name"] if file else "", [], None,
                      public=bool(file and file["public"]))

    def _on_LearningExample_AttachmentDestroyed(self, db, e, position):
        example_id = str(e.originator_id)
        file = self._file_destroyed(db, e)
        if file is not None:
            db.execute("UPDATE example_history SET comment='' WHERE position IN (?, ?)",
                       (file["added_position"], file["removed_position"] or -1))
        version = db.execute("SELECT version FROM examples WHERE id=?", (example_id,)).fetchone()[0]
        self._history(db, e, position, version, "attachment_destroyed", e.reason, [], None,
                      public=bool(file and file["public"]))

    def _file_destroyed(self, db, e):
        """Blanks the file's name, finishes erasing its bytes and key, and has the WAL purged."""
        file = db.execute("SELECT * FROM attachments WHERE id=?", (e.attachment_id,)).fetchone()
        db.execute("UPDATE attachments SET name='', state='destroyed', destroyed_reason=? WHERE id=?",
                   (e.reason, e.attachment_id))
        if file is not None:
            self.app.erase_file(file["sha256"])
        self.purge_pending = True
        return file

    def _on_Meeting_AttachmentAdded(self, db, e, position):
        name = self.app.attachment_name(e.attachment_id, {"sha256": e.sha256, "name": e.name}) or ""
        db.execute("INSERT OR REPLACE INTO attachments VALUES (?,'meeting',?,?,?,?,?,0,NULL,'current',1,?,?,?,NULL,NULL)",
                   (e.attachment_id, str(e.originator_id), e.sha256, name, e.media_type, e.size,
                    self._iso(e.timestamp), self._by(db, e), position))
        self._meeting_history(db, e, position, "attachment_added", {"attachment": e.attachment_id, "name": name})

    def _on_Meeting_AttachmentRemoved(self, db, e, position):
        file = db.execute("SELECT name FROM attachments WHERE id=?", (e.attachment_id,)).fetchone()
        db.execute("UPDATE attachments SET state='removed', removed_position=? WHERE id=?", (position, e.attachment_id))
        self._meeting_history(db, e, position, "attachment_removed",
                              {"attachment": e.attachment_id, "name": file["name"] if file else ""})

    def _on_Meeting_AttachmentDestroyed(self, db, e, position):
        file = self._file_destroyed(db, e)
        if file is not None:
            blank = json.dumps({"attachment": e.attachment_id, "name": ""})
            db.execute("UPDATE meeting_history SET data=? WHERE position IN (?, ?)",
                       (blank, file["added_position"], file["removed_position"] or -1))
        self._meeting_history(db, e, position, "attachment_destroyed",
                              {"attachment": e.attachment_id, "reason": e.reason})

    def _attachments_published(self, db, example_id: str) -> None:
        """Publishing makes the example's current attachments public."""
        db.execute("UPDATE attachments SET public=1 WHERE example_id=? AND state='current'", (example_id,))

    # ---- queries ---------------------------------------------------------------------------

    def attachments(self, actor, example_id: str, version: int | None = None) -> list[dict]:
        """The attachments the reader may see: the current ones (and destroyed ones, as such), or
        those the example had at `version`."""
        public_only = "" if self.reads_drafts_of(actor, example_id) else " AND public=1"
        if version is None:
            rows = self._db().execute(
                f"SELECT * FROM attachments WHERE example_id=? AND state!='removed'{public_only} "
                "ORDER BY added_position", (example_id,)).fetchall()
        else:
            rows = self._db().execute(
                f"SELECT * FROM attachments WHERE example_id=? AND added_version<=? "
                f"AND (removed_version IS NULL OR removed_version>=?){public_only} ORDER BY added_position",
                (example_id, version, version)).fetchall()
        return [self._attachment(r) for r in rows]

    @staticmethod
    def _attachment(r) -> dict:
        return {"id": r["id"], "sha256": r["sha256"], "name": r["name"], "type": r["type"], "size": r["size"],
                "position": r["added_position"], "added_at": r["added_at"], "state": r["state"],
                "destroyed": r["state"] == "destroyed"}

    def meeting_attachments(self, meeting_id: str) -> list[dict]:
        """A meeting's current files (and destroyed ones, as such), for signed-in readers."""
        rows = self._db().execute("SELECT * FROM attachments WHERE kind='meeting' AND example_id=? "
                                  "AND state!='removed' ORDER BY added_position", (meeting_id,)).fetchall()
        return [self._attachment(r) for r in rows]

    def readable_attachment(self, actor, attachment_id: str) -> tuple[dict, dict] | None:
        """`(attachment, owner)` when the reader may read the attachment, by its id or its SHA-256 (then
        any attachment of that content the reader may read); else None. The owner is `{"kind",
        "id", "slug"}`: an example the reader may read (its draft-time files only if they could
        read the draft), or a meeting (signed-in readers)."""
        column = "sha256" if len(attachment_id) == 64 else "id"
        db = self._db()
        rows = db.execute(f"SELECT * FROM attachments WHERE {column}=? ORDER BY added_position",
                          (attachment_id,)).fetchall()
        where, params = self._visibility(actor)
        for row in rows:
            if row["kind"] == "meeting":
                if actor.signed_in:
                    return self._attachment(row), {"kind": "meeting", "id": row["example_id"], "slug": None}
                continue
            example = db.execute(f"SELECT e.slug FROM examples e WHERE e.id=? AND {where}",
                                 [row["example_id"]] + params).fetchone()
            if example and (row["public"] or self.reads_drafts_of(actor, row["example_id"])):
                return self._attachment(row), {"kind": "example", "id": row["example_id"], "slug": example[0]}
        return None
