"""The wiki application: the only way commands enter the event log."""

import base64
import os
import re
import secrets
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, unquote, urlparse
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, PersistenceError
from eventsourcing.postgres import PostgresDatastore

from . import validation
from .accounts import Account
from .errors import (
    Conflict, EditConflict, IdentifyingDetails, RevisionSuppressed, NotAllowed, NotFound, NotSignedIn, ValidationError,
)
from .examples import CONTENT_FIELDS, ExampleSlug, LearningExample
from .messages import msg
from .organisations import Organisation
from .account_commands import AccountCommands, account_key_id, check_password_rules
from .register import RegisterCommands
from .meeting_commands import MeetingCommands
from .subscriptions import SubscriptionCommands
from .newsletters import NewsletterCommands
from .attachments import DEFAULT_MAX_BYTES, AttachmentCommands
from .blobs import open_blob_store
from .erasure_ledger import ErasureLedger
from .snapshots import CheckedSnapshotStore, SealedSnapshotMapper
from .meetings import Meeting, WorkingGroup
from .passwords import hash_password, new_token, token_hash, verify_password
from .local_sqlite import LocalSQLite
from .personal_data import PostgresPersonKeys, SQLitePersonKeys
from .revisions import RevisionTexts
from .permissions import (
    Actor, can_archive_example, can_change_organisations, can_create_example, can_edit_example,
    can_manage_organisations, can_publish_example, can_suppress_revisions, can_read_example, can_review_example, can_submit_for_review,
    can_unarchive_example,
)
from .slugs import is_slug, slugify
from .vocabulary import MUNICIPALITIES, ORGANISATION_KINDS, ROLES

TOKEN_LIFETIME = timedelta(hours=12)
SAVE_ATTEMPTS = 8
SAVED_KEPT = 256  # events this process saved last, kept by position for its read model


@dataclass(frozen=True)
class ExampleWritten:
    slug: str
    version: int
    status: str
    position: int
    changed: bool = True


POSTGRES_SCHEMA_PATTERN = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def is_postgres(event_store: str) -> bool:
    return urlparse(event_store or "").scheme in ("postgresql", "postgres")


def store_environment(data_dir: str, event_store: str = "sqlite", create_tables: bool | None = None) -> dict:
    """The library's settings for the configured event store (`WIKI_EVENT_STORE`).

    The embedded SQLite store creates its tables on first use. PostgreSQL tables are
    created once by `db init`: server processes creating them concurrently fail, so they
    don't unless `create_tables` says so. `postgresql://…/db?schema=NAME` keeps the wiki's
    tables in their own schema.
    """
    if event_store in ("", "sqlite"):
        return {"CREATE_TABLE": "n" if create_tables is False else "y",
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": f"{data_dir}/events.sqlite", "SQLITE_LOCK_TIMEOUT": "30"}
    url = urlparse(event_store)
    if not is_postgres(event_store) or not url.path.strip("/"):
        raise ValueError("WIKI_EVENT_STORE must be 'sqlite' or postgresql://user:pw@host:port/db")
    options = parse_qs(url.query)
    unknown = set(options) - {"schema", "pool_size"}
    if unknown:
        raise ValueError(f"WIKI_EVENT_STORE: unknown option {sorted(unknown)[0]!r}")
    schema = options.get("schema", [""])[-1]
    if schema and not POSTGRES_SCHEMA_PATTERN.fullmatch(schema):
        raise ValueError("WIKI_EVENT_STORE: schema must be lower-case letters, digits and _")
    pool_size = options.get("pool_size", ["5"])[-1]
    if not pool_size.isdigit() or not 1 <= int(pool_size) <= 100:
        raise ValueError("WIKI_EVENT_STORE: pool_size must be 1-100")
    return {
        "CREATE_TABLE": "y" if create_tables else "n",
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": unquote(url.path.strip("/")),
        "POSTGRES_HOST": url.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(url.port or 5432),
        "POSTGRES_USER": unquote(url.username or ""),
        "POSTGRES_PASSWORD": unquote(url.password or ""),
        "POSTGRES_SCHEMA": schema,
        "POSTGRES_POOL_SIZE": pool_size,
        "POSTGRES_MAX_OVERFLOW": "10",
        "POSTGRES_CONNECT_TIMEOUT": "10",
        "POSTGRES_LOCK_TIMEOUT": "10",
    }


def _found_text(content: dict, comment: str, finding) -> str:
    """The text a finding covers, from its field (`body`, `tags[1]`, `comment`)."""
    name, _, index = finding.field.partition("[")
    value = comment if name == "comment" else content.get(name)
    if index:
        value = (value or [])[int(index.rstrip("]"))]
    return (value or "")[finding.start:finding.end]


def _refuse_identifying_reason(field: str, reason: str | None) -> None:
    """A reason that the history shows to everyone must not repeat the details it is about."""
    from .identification import check_text
    findings = check_text(field, reason) if reason else []
    if findings:
        raise IdentifyingDetails(
            msg("Skälet syns i historiken och får inte själv innehålla uppgifter som kan identifiera en person."),
            [f.as_dict() for f in findings])


def provisional_slug(base: str) -> str:
    """A draft's address: the title's slug and a random suffix, so it depends on no other example."""
    return f"{base}-{secrets.token_hex(3)}"


def check_organisations_change(actor: Actor, before: list[str], after: list[str]) -> None:
    """Only the owner's members and the curators change an example's owner and partners."""
    if actor.curates:
        return
    if not can_change_organisations(actor, before):
        raise NotAllowed(msg("Bara ägarorganisationens medlemmar och samordnaren ändrar organisationerna."))
    if actor.organisation not in after:
        raise NotAllowed(msg("Din egen organisation måste stå kvar bland organisationerna."))


class Wiki(AccountCommands, RegisterCommands, MeetingCommands, SubscriptionCommands, NewsletterCommands,
           AttachmentCommands, Application):
    name = "Wiki"
    snapshotting_intervals = {LearningExample: 20, Account: 50, Meeting: 20, WorkingGroup: 20}

    AGGREGATE_CACHE_SIZE = "2000"  # aggregates kept per process; each get fast-forwards from the log

    def __init__(self, *args, **kwargs):
        env = dict(kwargs.pop("env", None) or {})
        env.setdefault("AGGREGATE_CACHE_MAXSIZE", self.AGGREGATE_CACHE_SIZE)
        super().__init__(*args, env=env, **kwargs)
        self._slug_ids: dict[str, UUID] = {}
        self.person_keys = self._open_person_keys()
        if self.env.get("ERASURE_LEDGER"):
            self.person_keys.ledger = ErasureLedger(self.env.get("ERASURE_LEDGER"))
        self.revisions = RevisionTexts(self.person_keys)
        self._head = self._open_head_reader()
        self._saved: dict[int, object] = {}
        self._saved_lock = threading.Lock()
        self.blobs = self._open_blobs()
        self.attachment_max_bytes = int(self.env.get("ATTACHMENT_MAX_BYTES") or DEFAULT_MAX_BYTES)

    def construct_snapshot_store(self):
        """Snapshots sealed under `SNAPSHOT_KEY` (derived from the signing key) when it is set
        (`events.snapshots`); otherwise plain ones. Either way, one that does not open is passed over."""
        key = self.env.get("SNAPSHOT_KEY")
        recorder = self.factory.aggregate_recorder(purpose="snapshots")
        if not key:
            return CheckedSnapshotStore(mapper=self.mapper, recorder=recorder)
        mapper = SealedSnapshotMapper(self.construct_transcoder(), base64.b64decode(key))
        return CheckedSnapshotStore(mapper=mapper, recorder=recorder)

    def _take_snapshots(self, processing_event) -> None:
        """Takes each snapshot due from the aggregate just saved when it is at the snapshot's
        version (the library would read it back from the store); else as the library does."""
        if not (self.snapshots and self.snapshotting_intervals):
            return
        for event in processing_event.events:
            aggregate = processing_event.aggregates.get(event.originator_id)
            interval = self.snapshotting_intervals.get(type(aggregate))
            if aggregate is None or interval is None or event.originator_version % interval:
                continue
            if aggregate.version == event.originator_version:
                snapshot_class = getattr(type(aggregate), "Snapshot", type(self).snapshot_class)
                self.snapshots.put([snapshot_class.take(aggregate)])
            else:
                self.take_snapshot(event.originator_id, event.originator_version)

    def _notify(self, recordings) -> None:
        """Keeps the events just saved by their position in the log, so this process's read model
        applies them without reading them back (`saved_event`)."""
        with self._saved_lock:
            for recording in recordings:
                self._saved[recording.notification.id] = recording.domain_event
            while len(self._saved) > SAVED_KEPT:
                del self._saved[next(iter(self._saved))]

    def saved_event(self, position: int):
        """The event at `position` in the log if this process saved it lately, else None."""
        return self._saved.get(position)

    def _open_head_reader(self) -> LocalSQLite | None:
        """On SQLite, a connection of each thread's own for asking the log's head: every request
        asks, and the recorder's transaction costs five times the query. None on PostgreSQL."""
        if isinstance(getattr(self.recorder, "datastore", None), PostgresDatastore):
            return None
        return LocalSQLite(os.path.abspath(self.env.get("SQLITE_DBNAME")))

    def log_head(self) -> int:
        """The position of the newest event in the log (0 for an empty log)."""
        if self._head is not None:
            try:
                return self._head.connection().execute(
                    self.recorder.select_max_notification_id_statement).fetchone()[0] or 0
            except sqlite3.Error:  # no tables yet, a lock, the disk: answered (or raised) as the recorder does
                pass
        return self.recorder.max_notification_id() or 0

    def _open_blobs(self):
        """Files beside the store: PostgreSQL's schema (shared by every node), or `blobs/` in the data folder."""
        datastore = getattr(self.recorder, "datastore", None)
        if isinstance(datastore, PostgresDatastore):
            blobs = open_blob_store(datastore, None)
            if self.env.get("CREATE_TABLE", "y").lower() in ("y", "yes", "true", "1"):
                blobs.create_tables()
            return blobs
        return open_blob_store(None, os.path.dirname(os.path.abspath(self.env.get("SQLITE_DBNAME"))))

    def _open_person_keys(self):
        """The key table beside the store: PostgreSQL's schema, or `keys.sqlite` in the data folder."""
        datastore = getattr(self.recorder, "datastore", None)
        if isinstance(datastore, PostgresDatastore):
            keys = PostgresPersonKeys(datastore)
            if self.env.get("CREATE_TABLE", "y").lower() in ("y", "yes", "true", "1"):
                keys.create_tables()
            return keys
        folder = os.path.dirname(os.path.abspath(self.env.get("SQLITE_DBNAME")))
        return SQLitePersonKeys(os.path.join(folder, "keys.sqlite"))

    def close(self) -> None:
        self.close_extractor()
        self.person_keys.close()
        if self._head is not None:
            self._head.close()
        super().close()

    # ---- learning examples -------------------------------------------------------------

    def create_example(self, actor: Actor, data: dict, source: str = "api") -> ExampleWritten:
        """`source`: where the example came from ("api", "page", "demo"), kept in its `Created` event."""
        if not actor.signed_in:
            raise NotSignedIn(msg("Logga in för att skriva exempel."))
        if not can_create_example(actor):
            raise NotAllowed(msg("Din roll får inte skriva exempel."))
        if not isinstance(data, dict):
            raise ValidationError(msg("Skicka ett JSON-objekt."))
        validation.reject_unknown(data, set(CONTENT_FIELDS) | {"comment"})
        if "title" not in data:
            raise ValidationError(msg("title: får inte vara tomt."), "title")
        content = {**validation.EMPTY_CONTENT, **validation.content_fields(data, self.organisation_exists)}
        comment = validation.text(data.get("comment"), "comment", max_length=validation.COMMENT_MAX)
        if actor.role == "member":
            if not content["organisations"]:
                content["organisations"] = [actor.organisation]
            elif content["organisations"][0] != actor.organisation:
                raise NotAllowed(msg("Som medlem skriver du exempel som din egen organisation äger: "
                                     "ange den först bland organisationerna."))
        base = slugify(content["title"])
        for _ in range(SAVE_ATTEMPTS):
            slug = provisional_slug(base)
            if ExampleSlug.create_id(slug) in self.repository:
                continue
            text = self.revisions.seal(content, comment)
            example = LearningExample(slug=slug, actor=self.actor_ref(actor), text=text,
                                      organisations=content["organisations"], provisional=True, source=source)
            reservation = ExampleSlug(slug=slug, example_id=example.id)
            try:
                recordings = self.save(example, reservation)
            except IntegrityError:
                self.revisions.destroy(text)
                continue
            return ExampleWritten(slug, 1, "draft", recordings[-1].notification.id)
        raise Conflict(msg("Kunde inte hitta en ledig adress för titeln."))

    def edit_example(self, actor: Actor, slug: str, data: dict) -> ExampleWritten:
        if not isinstance(data, dict):
            raise ValidationError(msg("Skicka ett JSON-objekt."))
        example = self._example_for_writing(actor, slug, can_edit_example)
        validation.reject_unknown(data, set(CONTENT_FIELDS) | {"comment", "base_version"})
        if "base_version" not in data:
            raise ValidationError(msg("base_version: ange vilken version du utgick från."), "base_version")
        base_version = validation.positive_int(data["base_version"], "base_version")
        changes = validation.content_fields(data, self.organisation_exists)
        comment = validation.text(data.get("comment"), "comment", max_length=validation.COMMENT_MAX)
        for attempt in range(SAVE_ATTEMPTS):
            if attempt:  # the first attempt edits the example loaded for the permission check
                example = self._example_for_writing(actor, slug, can_edit_example)
            current = self.content_of(example)
            changed = self._merge_edit(example, current, base_version, changes)
            if "organisations" in changed:
                check_organisations_change(actor, example.organisations, changed["organisations"])
            if not changed:
                return ExampleWritten(slug, example.revision, example.status, self._position(), changed=False)
            self._check_public_change(actor, example, current, {**current, **changed}, comment)
            try:
                recordings = self._record_revision(example, actor, {**current, **changed}, comment, sorted(changed))
            except IntegrityError:
                continue
            return ExampleWritten(slug, example.revision, example.status, recordings[-1].notification.id)
        raise Conflict(msg("Exemplet ändras av många samtidigt; försök igen."))

    def _record_revision(self, example: LearningExample, actor: Actor, content: dict, comment: str,
                         changed: list[str], reverts_to: int | None = None):
        """Records a new revision with its text sealed under a key of its own (destroyed again
        if the save loses a race)."""
        text = self.revisions.seal(content, comment)
        if reverts_to is None:
            example.edit(actor=self.actor_ref(actor), text=text, organisations=content["organisations"],
                         changed=changed)
        else:
            example.revert(to_version=reverts_to, actor=self.actor_ref(actor), text=text,
                           organisations=content["organisations"], changed=changed)
        try:
            return self.save(example)
        except IntegrityError:
            self.revisions.destroy(text)
            raise

    @staticmethod
    def _check_public_change(actor: Actor, example: LearningExample, before: dict, after: dict, comment: str) -> None:
        """A change to a published example is public at once, without review. So it may bring no
        block, and a member's change no warning that the published text did not already have;
        coordinators and admins, who review, may."""
        from .identification import check_example
        if example.status != "published":
            return
        findings = check_example(after, comment)
        if not findings:
            return
        known = {(f.kind, _found_text(before, "", f)) for f in check_example(before)}
        stopping = [f for f in findings if f.severity == "block"
                    or (not actor.curates and (f.kind, _found_text(after, comment, f)) not in known)]
        if stopping:
            raise IdentifyingDetails(
                msg("Exemplet är publicerat, och ändringen skulle genast visa uppgifter som kan identifiera en "
                    "person. Ta bort dem, eller be samordnaren."),
                [f.as_dict() for f in stopping])

    def content_of(self, example: LearningExample) -> dict:
        """The content of the revision `example` is at (the current one is never suppressed)."""
        text = self.revisions.open(example.text)
        if text is None:
            raise RevisionSuppressed(msg("Version %(version)s är dold.", version=example.revision))
        return {**validation.EMPTY_CONTENT, **text.get("content", {})}

    def _merge_edit(self, example: LearningExample, current: dict, base_version: int, changes: dict) -> dict:
        """The changes to record: a three-way merge of the saver's base version, the current one and
        what was sent. Only the fields the saver changed from their base count; a field that someone
        else changed since then to another value is a conflict, every other field merges."""
        if base_version > example.revision:
            raise ValidationError(msg("Version %(version)s finns inte.", version=base_version), "base_version")
        base = current
        if base_version != example.revision:
            try:
                base = self.content_of(
                    self.repository.get(example.id, version=example.aggregate_version_of(base_version)))
            except RevisionSuppressed:  # nothing to merge from: every field sent that differs conflicts
                base = {k: None for k in changes}
        touched = {k: v for k, v in changes.items() if base.get(k) != v}
        conflicts = [k for k, v in touched.items()
                     if current.get(k) != base.get(k) and current.get(k) != v]
        if conflicts:
            raise EditConflict(
                msg("Exemplet har ändrats sedan version %(base)s; nu är det version %(current)s.",
                    base=base_version, current=example.revision),
                current_version=example.revision, fields=conflicts)
        return {k: v for k, v in touched.items() if current.get(k) != v}

    def revert_example(self, actor: Actor, slug: str, data: dict) -> ExampleWritten:
        if not isinstance(data, dict):
            raise ValidationError(msg("Skicka ett JSON-objekt."))
        self._example_for_writing(actor, slug, can_edit_example)
        validation.reject_unknown(data, {"to_version", "comment", "base_version"})
        if "to_version" not in data:
            raise ValidationError(msg("to_version: ange vilken version som ska återställas."), "to_version")
        to_version = validation.positive_int(data["to_version"], "to_version")
        base_version = None
        if data.get("base_version") is not None:
            base_version = validation.positive_int(data["base_version"], "base_version")
        comment = validation.text(data.get("comment"), "comment", max_length=validation.COMMENT_MAX)
        for _ in range(SAVE_ATTEMPTS):
            example = self._example_for_writing(actor, slug, can_edit_example)
            if to_version > example.revision:
                raise ValidationError(msg("to_version: version %(version)s finns inte.", version=to_version),
                                      "to_version")
            if base_version is not None and base_version != example.revision:
                raise EditConflict(
                    msg("Exemplet har ändrats sedan version %(base)s; nu är det version %(current)s.",
                        base=base_version, current=example.revision),
                    current_version=example.revision)
            old = self.content_of(self.repository.get(example.id, version=example.aggregate_version_of(to_version)))
            current = self.content_of(example)
            changed = {k: v for k, v in old.items() if current.get(k) != v}
            if "organisations" in changed:
                check_organisations_change(actor, example.organisations, changed["organisations"])
            self._check_public_change(actor, example, current, old, comment)
            try:
                recordings = self._record_revision(example, actor, old,
                                                   comment or f"Återställd till version {to_version}",
                                                   sorted(changed), reverts_to=to_version)
            except IntegrityError:
                continue
            return ExampleWritten(slug, example.revision, example.status, recordings[-1].notification.id)
        raise Conflict(msg("Exemplet ändras av många samtidigt; försök igen."))

    def check_example(self, actor: Actor, slug: str) -> list:
        """What the identification check finds in the example now (those who may edit it)."""
        from .identification import check_example
        example = self._example_for_writing(actor, slug, can_edit_example)
        return check_example(self.content_of(example))

    def submit_for_review(self, actor: Actor, slug: str) -> ExampleWritten:
        """A member sends their organisation's draft to the coordinators, who publish it or return it."""
        def change(example):
            if example.status == "in_review":
                return None
            if example.status != "draft":
                raise Conflict(msg("Bara utkast skickas till granskning."))
            example.submit_for_review(actor=self.actor_ref(actor))
            return [example]
        return self._change_example(actor, slug, can_submit_for_review, change)

    def return_example(self, actor: Actor, slug: str, data: dict) -> ExampleWritten:
        """A coordinator sends an example under review back to its organisation, with a comment."""
        if not isinstance(data, dict):
            raise ValidationError(msg("Skicka ett JSON-objekt."))
        self._example_for_writing(actor, slug, lambda who, _organisations: can_review_example(who))
        validation.reject_unknown(data, {"comment"})
        comment = validation.text(data.get("comment"), "comment", max_length=validation.COMMENT_MAX, required=True)
        def change(example):
            if example.status != "in_review":
                raise Conflict(msg("Bara exempel som granskas kan skickas tillbaka."))
            example.return_to_draft(actor=self.actor_ref(actor), comment=comment)
            return [example]
        return self._change_example(actor, slug, lambda who, _organisations: can_review_example(who), change)

    def publish_example(self, actor: Actor, slug: str, data: dict | None = None) -> ExampleWritten:
        """Coordinators and admins publish. Details that may identify a person stop it: a block always,
        a warning unless the coordinator gives `override_reason`, which the event records."""
        data = {} if data is None else data
        if not isinstance(data, dict):
            raise ValidationError(msg("Skicka ett JSON-objekt."))
        self._example_for_writing(actor, slug, can_publish_example)
        validation.reject_unknown(data, {"override_reason"})
        reason = validation.text(data.get("override_reason"), "override_reason", max_length=validation.COMMENT_MAX)
        _refuse_identifying_reason("override_reason", reason)
        def change(example):
            if example.status == "published":
                return None
            if example.status == "archived" and not can_unarchive_example(actor):
                raise NotAllowed(msg("Bara samordnaren publicerar ett arkiverat exempel igen."))
            from .identification import check_example
            findings = check_example(self.content_of(example)) + self.attachment_findings(example)
            if any(f.severity == "block" for f in findings):
                raise IdentifyingDetails(
                    msg("Exemplet innehåller uppgifter som kan identifiera en person och kan inte publiceras."),
                    [f.as_dict() for f in findings])
            if findings and not reason:
                raise IdentifyingDetails(
                    msg("Exemplet kan innehålla uppgifter som identifierar en person. Ta bort dem, eller ange "
                        "override_reason för att publicera ändå."),
                    [f.as_dict() for f in findings])
            return self._publish(example, actor, reason if findings else None)
        return self._change_example(actor, slug, can_publish_example, change)

    def archive_example(self, actor: Actor, slug: str) -> ExampleWritten:
        def change(example):
            if example.status == "archived":
                return None
            example.archive(actor=self.actor_ref(actor))
            return [example]
        return self._change_example(actor, slug, lambda who, _organisations: can_archive_example(who), change)

    def suppress_revision(self, actor: Actor, slug: str, revision: int, data: dict) -> ExampleWritten:
        """Destroys one earlier revision's text and comment for good (an admin, with a reason).

        The event records who and why; then the revision's key is destroyed, so the text is
        unreadable in the log, its snapshots and every projection rebuilt from them. The
        current revision cannot be suppressed: edit the text away first.
        """
        if not isinstance(data, dict):
            raise ValidationError(msg("Skicka ett JSON-objekt."))
        self._example_for_writing(actor, slug, lambda who, _organisations: can_suppress_revisions(who))
        validation.reject_unknown(data, {"reason"})
        reason = validation.text(data.get("reason"), "reason", max_length=validation.COMMENT_MAX, required=True)
        _refuse_identifying_reason("reason", reason)
        texts = []

        def change(example):
            if not 1 <= revision <= example.revision:
                raise NotFound(msg("Version %(version)s finns inte.", version=revision))
            if revision == example.revision:
                raise Conflict(msg("Den nuvarande versionen kan inte döljas: ändra texten först och dölj sedan "
                                   "den gamla versionen."))
            texts[:] = [self.repository.get(example.id, version=example.aggregate_version_of(revision)).text]
            if revision in example.suppressed:  # recorded already: destroy the key again, in case it survived
                return None
            if not self.revisions.is_sealed(texts[0]):
                raise Conflict(msg("Versionen sparades innan versioner förseglades och kan inte döljas."))
            example.suppress(revision=revision, reason=reason, actor=self.actor_ref(actor))
            return [example]
        written = self._change_example(actor, slug, lambda who, _organisations: can_suppress_revisions(who), change)
        self.revisions.destroy(texts[0])
        return written

    def _change_example(self, actor: Actor, slug: str, allowed, change) -> ExampleWritten:
        """Loads the example for `actor`, lets `change(example)` record events and return what to
        save (None: nothing to change), and saves it; a writer that got there first makes it load
        the example again and retry."""
        for _ in range(SAVE_ATTEMPTS):
            example = self._example_for_writing(actor, slug, allowed)
            pending = change(example)
            if pending is None:
                return ExampleWritten(example.slug, example.revision, example.status, self._position(), changed=False)
            try:
                recordings = self.save(*pending)
            except IntegrityError:
                continue
            return ExampleWritten(example.slug, example.revision, example.status, recordings[-1].notification.id)
        raise Conflict(msg("Exemplet ändras av många samtidigt; försök igen."))

    def _publish(self, example: LearningExample, actor: Actor, override_reason: str | None) -> list:
        """Publishes the example; a draft with a provisional slug takes its public slug now, from
        the title it has then, with -2, -3 … only after slugs that published examples took."""
        if not getattr(example, "provisional", False):
            example.publish(actor=self.actor_ref(actor), override_reason=override_reason)
            return [example]
        base = slugify(self.content_of(example)["title"])
        for attempt in range(1, 200):
            public = base if attempt == 1 else f"{base}-{attempt}"
            reservation_id = ExampleSlug.create_id(public)
            if reservation_id in self.repository:
                if self.repository.get(reservation_id).example_id != example.id:
                    continue
                example.publish(actor=self.actor_ref(actor), slug=public, override_reason=override_reason)
                return [example]
            example.publish(actor=self.actor_ref(actor), slug=public, override_reason=override_reason)
            return [example, ExampleSlug(slug=public, example_id=example.id)]
        raise Conflict(msg("Kunde inte hitta en ledig adress för titeln."))

    def example_id(self, slug: str) -> UUID:
        """The example a slug is reserved for (a reservation never changes, so it is kept once found)."""
        found = self._slug_ids.get(slug)
        if found is not None:
            return found
        if not is_slug(slug):
            raise NotFound(msg("Exemplet finns inte."))
        try:
            reservation = self.repository.get(ExampleSlug.create_id(slug))
        except AggregateNotFoundError:
            raise NotFound(msg("Exemplet finns inte.")) from None
        if len(self._slug_ids) > 50_000:
            self._slug_ids.clear()
        self._slug_ids[slug] = reservation.example_id
        return reservation.example_id

    def get_example(self, slug: str, revision: int | None = None) -> LearningExample:
        example = self.repository.get(self.example_id(slug))
        if revision is not None and revision != example.revision:
            if not 1 <= revision <= example.revision:
                raise NotFound(msg("Version %(version)s finns inte.", version=revision))
            example = self.repository.get(example.id, version=example.aggregate_version_of(revision))
        return example

    def _example_for_writing(self, actor: Actor, slug: str, allowed) -> LearningExample:
        if not actor.signed_in:
            raise NotSignedIn(msg("Logga in för att ändra exempel."))
        example = self.get_example(slug)
        if not can_read_example(actor, example.status, example.organisations):
            raise NotFound(msg("Exemplet finns inte."))
        if not allowed(actor, example.organisations):
            raise NotAllowed(msg("Din roll får inte göra detta med exemplet."))
        return example

    # ---- organisations -----------------------------------------------------------------

    def organisation_exists(self, slug: str) -> bool:
        return is_slug(slug) and Organisation.create_id(slug) in self.repository

    def get_organisation(self, slug: str) -> Organisation:
        if not is_slug(slug):
            raise NotFound(msg("Organisationen finns inte."))
        try:
            return self.repository.get(Organisation.create_id(slug))
        except AggregateNotFoundError:
            raise NotFound(msg("Organisationen finns inte.")) from None

    def register_organisation(self, actor: Actor, data: dict) -> tuple[str, int]:
        if not actor.signed_in:
            raise NotSignedIn(msg("Logga in för att registrera organisationer."))
        if not can_manage_organisations(actor):
            raise NotAllowed(msg("Bara samordnaren registrerar organisationer."))
        if not isinstance(data, dict):
            raise ValidationError(msg("Skicka ett JSON-objekt."))
        validation.reject_unknown(data, {"name", "kind", "municipality", "joined_on", "slug"})
        name = validation.text(data.get("name"), "name", max_length=120, required=True)
        kind = data.get("kind")
        if not isinstance(kind, str) or kind not in ORGANISATION_KINDS:
            raise ValidationError(msg("kind: okänd typ av organisation."), "kind", allowed=sorted(ORGANISATION_KINDS))
        municipality = data.get("municipality") or None
        if municipality is not None and (not isinstance(municipality, str) or municipality not in MUNICIPALITIES):
            raise ValidationError(msg("municipality: okänd kommun."), "municipality")
        joined_on = data.get("joined_on")
        joined_on = (validation.iso_date(joined_on, "joined_on") if joined_on is not None
                     else datetime.now(timezone.utc).date().isoformat())
        slug = data.get("slug") or slugify(name, fallback="")
        if not is_slug(slug):
            raise ValidationError(msg("slug: ogiltig adress."), "slug")
        organisation = Organisation(slug=slug, name=name, kind=kind, municipality=municipality,
                                    joined_on=joined_on, actor=self.actor_ref(actor))
        try:
            recordings = self.save(organisation)
        except IntegrityError:
            raise Conflict(msg("Organisationen %(slug)s finns redan.", slug=slug)) from None
        return slug, recordings[-1].notification.id

    def leave_organisation(self, actor: Actor, slug: str, data: dict) -> int:
        if not actor.signed_in:
            raise NotSignedIn(msg("Logga in först."))
        if not can_manage_organisations(actor):
            raise NotAllowed(msg("Bara samordnaren registrerar att en organisation lämnar gruppen."))
        organisation = self.get_organisation(slug)
        if not isinstance(data, dict):
            raise ValidationError(msg("Skicka ett JSON-objekt."))
        validation.reject_unknown(data, {"on", "reason"})
        on = validation.iso_date(data.get("on"), "on")
        reason = validation.text(data.get("reason"), "reason", max_length=500)
        if organisation.left_on is not None:
            raise Conflict(msg("Organisationen har redan lämnat gruppen."))
        if on < organisation.joined_on:
            raise ValidationError(msg("on: kan inte lämna före inträdet."), "on")
        organisation.leave(on=on, reason=reason, actor=self.actor_ref(actor))
        rosters = self.end_terms_on_leaving(slug, on, self.actor_ref(actor))
        try:
            return self.save(organisation, *rosters)[-1].notification.id
        except IntegrityError:
            raise Conflict(msg("Organisationen ändrades samtidigt; försök igen.")) from None

    # ---- accounts and tokens -----------------------------------------------------------

    def create_account(self, username: str, role: str, organisation: str | None, password: str,
                       actor: str = "system") -> int:
        username = (username or "").strip()
        if not re.fullmatch(r"[a-z0-9][a-z0-9._-]{1,39}", username):
            raise ValidationError(msg("Användarnamn: 2–40 tecken, a–z, 0–9, punkt, bindestreck."), "username")
        if not isinstance(role, str) or role not in ROLES:
            raise ValidationError(msg("Okänd roll."), "role")
        if role == "member":
            if not organisation:
                raise ValidationError(msg("En medlem måste höra till en organisation (--organisation)."),
                                      "organisation")
        if organisation is not None and not self.organisation_exists(organisation):
            raise ValidationError(msg("Organisationen %(slug)s finns inte.", slug=organisation), "organisation")
        check_password_rules(password)
        account, reservation = self.new_account(username, role, organisation, hash_password(password), actor)
        try:
            return self.save(account, reservation)[-1].notification.id
        except IntegrityError:
            self.person_keys.destroy(account_key_id(account.id))
            raise Conflict(msg("Kontot %(username)s finns redan.", username=username)) from None

    def check_password(self, username: str, password: str) -> Account | None:
        """The account if the password is right; None for a wrong password or unknown user alike."""
        account = None
        if isinstance(username, str) and 0 < len(username) <= 40 and validation.is_valid_text(username):
            account_id = self.account_id_for(username)
            account = self.repository.get(account_id) if account_id else None
        if not isinstance(password, str) or len(password) > 200 or not validation.is_valid_text(password):
            password = ""
        ok = verify_password(password, account.password_hash if account else None)
        if not ok or account is None or account.disabled:
            return None
        return account

    def issue_token(self, account: Account) -> tuple[str, str, int]:
        token = new_token()
        expires_at = (datetime.now(timezone.utc) + TOKEN_LIFETIME).replace(microsecond=0)
        expires = expires_at.isoformat().replace("+00:00", "Z")
        for _ in range(SAVE_ATTEMPTS):
            current = self.repository.get(account.id)
            if current.password_hash != account.password_hash or current.disabled:  # changed since the check
                raise NotSignedIn(msg("Fel användarnamn eller lösenord."))
            current.issue_token(token_hash=token_hash(token), expires_at=expires, actor=str(current.id))
            try:
                return token, expires, self.save(current)[-1].notification.id
            except IntegrityError:
                continue
        raise Conflict(msg("Försök igen."))

    def revoke_token(self, username: str, token: str) -> int:
        for _ in range(SAVE_ATTEMPTS):
            account = self.get_account(username)
            account.revoke_token(token_hash=token_hash(token), actor=str(account.id))
            try:
                return self.save(account)[-1].notification.id
            except IntegrityError:
                continue
        raise Conflict(msg("Försök igen."))

    # ---- the log -----------------------------------------------------------------------

    def _position(self) -> int:
        return self.log_head()

    def position(self) -> int:
        return self._position()

    def store_ready(self) -> bool:
        """Whether the store's tables exist (PostgreSQL needs `db init` once)."""
        try:
            self.recorder.max_notification_id()
        except PersistenceError:
            return False
        datastore = getattr(self.recorder, "datastore", None)
        if hasattr(datastore, "register_type_adapters"):
            datastore.register_type_adapters()  # types created since this process started
        return True


TABLE_CREATION_LOCK = 0x6C616E73  # one PostgreSQL advisory lock key for the wiki's table creation


def _connect(env: dict):
    import psycopg
    return psycopg.connect(dbname=env["POSTGRES_DBNAME"], host=env["POSTGRES_HOST"],
                           port=env["POSTGRES_PORT"], user=env["POSTGRES_USER"],
                           password=env["POSTGRES_PASSWORD"], autocommit=True)


@contextmanager
def table_creation_lock(env: dict):
    """Serialises table creation between processes that start together on PostgreSQL.

    Concurrent `CREATE TABLE IF NOT EXISTS` statements fail there ("tuple concurrently
    updated"), so processes that create tables take one advisory lock first.
    """
    creates = env.get("CREATE_TABLE", "y").lower() in ("y", "yes", "true", "1")
    if env.get("PERSISTENCE_MODULE") != "eventsourcing.postgres" or not creates:
        yield
        return
    with _connect(env) as connection:
        connection.execute("SELECT pg_advisory_lock(%s)", (TABLE_CREATION_LOCK,))
        try:
            yield
        finally:
            connection.execute("SELECT pg_advisory_unlock(%s)", (TABLE_CREATION_LOCK,))


def init_store(data_dir: str, event_store: str) -> None:
    """Creates the store's schema (PostgreSQL) and tables; safe to run again."""
    if is_postgres(event_store):
        env = store_environment(data_dir, event_store, create_tables=False)
        from psycopg import sql
        with _connect(env) as connection:
            if env["POSTGRES_SCHEMA"]:
                connection.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(
                    sql.Identifier(env["POSTGRES_SCHEMA"])))
    env = store_environment(data_dir, event_store, create_tables=True)
    with table_creation_lock(env):
        Wiki(env=env).close()
