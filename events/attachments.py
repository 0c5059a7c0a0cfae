"""Attachments: the files behind learning examples, stored once by their SHA-256 and sealed.

A file's bytes never enter the log. The log records, on the example, the file's SHA-256, its
name (sealed with the file's key), its type as read from the content and its size; and on
`StoredFile`, one aggregate per SHA-256, which examples use it and whether it was destroyed.
The bytes live in the blob store (`events.blobs`), encrypted under a key per file in the key
table, with their thumbnail and extracted text beside them. Destroying a file records why,
then deletes its bytes, text and key: its name can never be read again, and the log's hashes
still verify, because the events keep only ciphertext and digests.
"""

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError

from . import validation
from .blobs import BlobMissing, file_key
from .errors import Conflict, DomainError, NotAllowed, NotFound, NotSignedIn, ValidationError
from .file_text import Extracted, Extractor
from .file_types import IMAGE_TYPES, FileRefused, clean_name, sanitise_image, sniff, thumbnail
from .messages import msg
from .permissions import Actor, can_edit_example, can_suppress_revisions
from .personal_data import seal_json, unseal_json

MAX_FILES = 40
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
SAVE_ATTEMPTS = 8


class TooLarge(DomainError):
    """The file is larger than the configured limit (HTTP 413)."""

    code = "too_large"


class FileRefusedError(ValidationError):
    """The content is not a type the wiki takes, or does not match its name (HTTP 400)."""

    def __init__(self, refused: FileRefused):
        super().__init__(refused.message, "file")
        self.code = refused.code


class StoredFile(Aggregate):
    """One file's content, named by its SHA-256: the examples and meetings that attach it, and its
    destruction."""

    @event("Stored")
    def __init__(self, sha256: str, media_type: str, size: int):
        self.sha256 = sha256
        self.media_type = media_type
        self.size = size
        self.uses: list[list[str]] = []
        self.destroyed = False

    @staticmethod
    def create_id(sha256: str, **_) -> UUID:
        return uuid5(NAMESPACE_URL, f"/files/{sha256}")

    @event("Attached")
    def attach(self, owner_id: str, attachment_id: str) -> None:
        """`owner_id`: the example or meeting the file is attached to."""
        self.uses.append([owner_id, attachment_id])

    @event("Destroyed")
    def destroy(self, reason: str, actor: str) -> None:
        self.destroyed = True


@dataclass(frozen=True)
class AttachmentWritten:
    id: str
    sha256: str
    name: str
    type: str
    size: int
    position: int
    created: bool = True

    def as_dict(self) -> dict:
        return {"id": self.id, "sha256": self.sha256, "name": self.name, "type": self.type, "size": self.size,
                "position": self.position}


def name_context(attachment_id: str) -> str:
    return f"attachment:{attachment_id}"


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def is_sha256(value: str) -> bool:
    return isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)


class AttachmentCommands:
    """Adding, removing and destroying attachments, mixed into `Wiki` (which sets `blobs`,
    `person_keys` and `attachment_max_bytes`)."""

    def add_attachment(self, actor: Actor, slug: str, path: str, name: str) -> AttachmentWritten:
        """Attaches the uploaded file at `path` (a temporary file the caller owns) to the example.
        Its type is read from the content; an image is stored without its metadata. The same
        content attached again to the same example gives the attachment it already has. A file
        for a published example is public at once, so it is read and checked first."""
        load = lambda: self._example_for_writing(actor, slug, can_edit_example)  # noqa: E731
        public = load().status == "published"
        return self._add_file(actor, load, path, name, check=public)

    def add_meeting_attachment(self, actor: Actor, meeting_id: str, path: str, name: str) -> AttachmentWritten:
        """A file with a meeting's minutes (coordinators and admins; signed-in readers read it)."""
        def load():
            if not actor.signed_in:
                raise NotSignedIn(msg("Logga in först."))
            meeting = self.get_meeting(meeting_id)
            if not actor.curates:
                raise NotAllowed(msg("Bara samordnaren planerar möten och skriver protokoll."))
            return meeting
        load()
        return self._add_file(actor, load, path, name, check=False)

    def _add_file(self, actor: Actor, load, path: str, name: str, check: bool) -> AttachmentWritten:
        size = os.path.getsize(path)
        if size > self.attachment_max_bytes:
            raise TooLarge(msg("Filen är större än %(limit)s MB.", limit=self.attachment_max_bytes // (1024 * 1024)))
        try:
            media_type = sniff(path)
            name = clean_name(name if isinstance(name, str) else "", media_type)
        except FileRefused as refused:
            raise FileRefusedError(refused) from None
        if media_type not in IMAGE_TYPES:
            return self._attach(actor, load, path, name, media_type, None, check)
        with _temporary(path) as clean, _temporary(path) as small:
            try:
                sanitise_image(path, media_type, clean)
                thumbnail(clean, small)
            except FileRefused as refused:
                raise FileRefusedError(refused) from None
            with open(small, "rb") as handle:
                thumb = handle.read()
            return self._attach(actor, load, clean, name, media_type, thumb, check)

    def _attach(self, actor: Actor, load, path: str, name: str, media_type: str,
                thumb: bytes | None, check: bool) -> AttachmentWritten:
        sha = sha256_of(path)
        size = os.path.getsize(path)
        stored = self._stored_file(sha)
        if stored is not None and stored.destroyed:
            raise ValidationError(msg("Filen har förstörts och kan inte laddas upp igen."), "file")
        key = file_key(self.person_keys, sha)
        with open(path, "rb") as handle:
            self.blobs.put(sha, handle, key)
        if thumb is not None:
            self.blobs.put_derived(sha, "thumb", thumb, key)
        if check:
            self._check_public_file(actor, sha, media_type, name)
        for _ in range(SAVE_ATTEMPTS):
            owner = load()
            for attachment_id, file in owner.files.items():
                if file["sha256"] == sha and not file["removed"] and not file["destroyed"]:
                    return AttachmentWritten(attachment_id, sha, self.attachment_name(attachment_id, file) or name,
                                             media_type, size, self._position(), created=False)
            if sum(1 for f in owner.files.values() if not f["removed"]) >= MAX_FILES:
                raise ValidationError(msg("Ett exempel kan ha högst %(max)s bilagor.", max=MAX_FILES), "file")
            stored = self._stored_file(sha)
            if stored is None:
                stored = StoredFile(sha256=sha, media_type=media_type, size=size)
            elif stored.destroyed:  # destroyed while this upload was being stored: erase what it put back
                self.erase_file(sha)
                raise ValidationError(msg("Filen har förstörts och kan inte laddas upp igen."), "file")
            attachment_id = str(uuid4())
            stored.attach(owner_id=str(owner.id), attachment_id=attachment_id)
            owner.add_attachment(attachment_id=attachment_id, sha256=sha,
                                 name=seal_json(key, name_context(attachment_id), name),
                                 media_type=media_type, size=size, actor=self.actor_ref(actor))
            try:
                recordings = self.save(owner, stored)
            except IntegrityError:
                continue
            return AttachmentWritten(attachment_id, sha, name, media_type, size, recordings[-1].notification.id)
        raise Conflict(msg("Exemplet ändras av många samtidigt; försök igen."))

    def remove_meeting_attachment(self, actor: Actor, meeting_id: str, attachment_id: str) -> int:
        """Takes a file off the meeting (an event; its history keeps it)."""
        for _ in range(SAVE_ATTEMPTS):
            if not actor.signed_in:
                raise NotSignedIn(msg("Logga in först."))
            meeting = self.get_meeting(meeting_id)
            if not actor.curates:
                raise NotAllowed(msg("Bara samordnaren planerar möten och skriver protokoll."))
            file = meeting.files.get(attachment_id) if isinstance(attachment_id, str) else None
            if file is None:
                raise NotFound(msg("Bilagan finns inte."))
            if file["removed"] or file["destroyed"]:
                return self._position()
            meeting.remove_attachment(attachment_id=attachment_id, actor=self.actor_ref(actor))
            try:
                return self.save(meeting)[-1].notification.id
            except IntegrityError:
                continue
        raise Conflict(msg("Mötet ändras av många samtidigt; försök igen."))

    def remove_attachment(self, actor: Actor, slug: str, attachment_id: str) -> int:
        """Takes the file off the example (an event: older versions still list it); the position."""
        def change(example):
            file = example.files.get(attachment_id) if isinstance(attachment_id, str) else None
            if file is None:
                raise NotFound(msg("Bilagan finns inte."))
            if file["removed"] or file["destroyed"]:
                return None
            example.remove_attachment(attachment_id=attachment_id, actor=self.actor_ref(actor))
            return [example]
        return self._change_example(actor, slug, can_edit_example, change).position

    def destroy_file(self, actor: Actor, sha: str, data: dict) -> int:
        """Destroys a file for good (an admin, with a reason): every example and meeting that attached
        it records the destruction, then the bytes, the text, the thumbnail and the key are deleted."""
        if not actor.signed_in:
            raise NotSignedIn(msg("Logga in för att förstöra filer."))
        if not can_suppress_revisions(actor):
            raise NotAllowed(msg("Bara administratören förstör filer."))
        if not isinstance(data, dict):
            raise ValidationError(msg("Skicka ett JSON-objekt."))
        validation.reject_unknown(data, {"reason"})
        reason = validation.text(data.get("reason"), "reason", max_length=validation.COMMENT_MAX, required=True)
        from .application import _refuse_identifying_reason
        _refuse_identifying_reason("reason", reason)
        position = None
        for _ in range(SAVE_ATTEMPTS):
            stored = self._stored_file(sha) if is_sha256(sha) else None
            if stored is None:
                raise NotFound(msg("Bilagan finns inte."))
            if stored.destroyed:
                position = self._position()
                break
            stored.destroy(reason=reason, actor=self.actor_ref(actor))
            examples = {}
            for owner_id, attachment_id in stored.uses:  # examples and meetings
                owner = examples.get(owner_id) or self.repository.get(UUID(owner_id))
                examples[owner_id] = owner
                if not owner.files[attachment_id]["destroyed"]:
                    owner.destroy_attachment(attachment_id=attachment_id, reason=reason, actor=self.actor_ref(actor))
            try:
                recordings = self.save(stored, *examples.values())
            except IntegrityError:
                continue
            position = recordings[-1].notification.id
            break
        if position is None:
            raise Conflict(msg("Exemplet ändras av många samtidigt; försök igen."))
        self.erase_file(sha)
        return position

    def erase_file(self, sha: str) -> None:
        """Deletes a destroyed file's bytes, derived objects and then its key; a file whose key is gone
        was erased before (the read model calls this again, to finish an erasure a crash cut short)."""
        if file_key(self.person_keys, sha, create=False) is None:
            return
        self.blobs.destroy(sha)
        self.person_keys.destroy(f"file:{sha}")

    def _stored_file(self, sha: str) -> StoredFile | None:
        try:
            return self.repository.get(StoredFile.create_id(sha))
        except AggregateNotFoundError:
            return None

    # ---- reading -------------------------------------------------------------------------

    def attachment_name(self, attachment_id: str, file: dict) -> str | None:
        """The file's name, or None once the file is destroyed."""
        key = file_key(self.person_keys, file["sha256"], create=False)
        return unseal_json(key, name_context(attachment_id), file["name"])

    def open_file(self, sha: str):
        """A seekable reader of the file's bytes; NotFound once destroyed."""
        key = file_key(self.person_keys, sha, create=False)
        if key is None:
            raise NotFound(msg("Bilagan finns inte."))
        try:
            return self.blobs.open(sha, key)
        except BlobMissing:
            raise NotFound(msg("Bilagan finns inte.")) from None

    def file_thumbnail(self, sha: str) -> bytes | None:
        key = file_key(self.person_keys, sha, create=False)
        return self.blobs.get_derived(sha, "thumb", key) if key else None

    def file_text(self, sha: str) -> Extracted | None:
        """What the extraction found in the file, or None while it has not been read."""
        key = file_key(self.person_keys, sha, create=False)
        raw = self.blobs.get_derived(sha, "text", key) if key else None
        return Extracted.from_dict(json.loads(raw)) if raw else None

    def attachment_plain_text(self, sha: str) -> str:
        extracted = self.file_text(sha)
        return extracted.text if extracted is not None else ""

    @property
    def extractor(self):
        """The text extractor's worker process, started on first use."""
        extractor = getattr(self, "_extractor", None)
        if extractor is None:
            extractor = self._extractor = Extractor(timeout=float(self.env.get("ATTACHMENT_EXTRACT_SECONDS") or 20))
        return extractor

    def close_extractor(self) -> None:
        extractor = getattr(self, "_extractor", None)
        if extractor is not None:
            extractor.close()
            self._extractor = None

    def read_file_text(self, sha: str, media_type: str, extractor) -> Extracted | None:
        """The file's text, extracted now by `extractor` (bounded, in its own process) unless it was
        before; None once the file is destroyed. The plaintext is written to a private temporary
        file for the extractor and removed at once."""
        found = self.file_text(sha)
        if found is not None:
            return found
        key = file_key(self.person_keys, sha, create=False)
        if key is None:
            return None
        try:
            reader = self.blobs.open(sha, key)
        except BlobMissing:
            return None
        handle, path = tempfile.mkstemp(suffix=".part")
        try:
            with os.fdopen(handle, "wb") as out, reader:
                for chunk in iter(lambda: reader.read(1 << 20), b""):
                    out.write(chunk)
            extracted = extractor.extract(path, media_type)
        finally:
            os.unlink(path)
        self.blobs.put_derived(sha, "text", json.dumps(extracted.as_dict(), ensure_ascii=False).encode(), key)
        return extracted

    def attachment_findings(self, example) -> list:
        """The identification check over each current attachment's text and its author metadata
        (field `attachment:<name>`); a file that could not be read is a warning of its own. A file
        the index follower has not read yet is read now."""
        findings = []
        for attachment_id, file in current_files(example):
            name = self.attachment_name(attachment_id, file) or ""
            extracted = self.read_file_text(file["sha256"], file["type"], self.extractor)
            if extracted is not None:
                findings += file_findings(name, extracted)
        return findings

    def _check_public_file(self, actor: Actor, sha: str, media_type: str, name: str) -> None:
        """A file attached to a published example is public at once, so its text is read and checked
        now: a block stops it, and a warning unless a coordinator or admin attaches it."""
        from .errors import IdentifyingDetails
        extracted = self.read_file_text(sha, media_type, self.extractor)
        findings = file_findings(name, extracted) if extracted is not None else []
        stopping = [f for f in findings if f.severity == "block" or not actor.curates]
        if stopping:
            if self._stored_file(sha) is None:
                self.erase_file(sha)
            raise IdentifyingDetails(
                msg("Exemplet är publicerat, och bilagan skulle genast visa uppgifter som kan identifiera en "
                    "person. Ta bort dem ur filen, eller be samordnaren."),
                [f.as_dict() for f in stopping])


def file_findings(name: str, extracted: Extracted) -> list:
    """What the identification check finds in a file's text and in the names its metadata gives."""
    from .identification import Finding, check_text
    field = f"attachment:{name}"
    if extracted.status != "ok":
        return [Finding(field, 0, 0, "unreadable", "warn", "")]
    return check_text(field, "\n".join([extracted.text, *extracted.meta.values()]))


def current_files(example) -> list[tuple[str, dict]]:
    """The example's attachments that are neither removed nor destroyed, in the order added."""
    return [(i, f) for i, f in example.files.items() if not f["removed"] and not f["destroyed"]]


class _temporary:
    """A temporary file's path beside `near` (removed on exit)."""

    def __init__(self, near: str):
        self.near = os.path.dirname(os.path.abspath(near))

    def __enter__(self) -> str:
        handle, self.path = tempfile.mkstemp(dir=self.near, suffix=".part")
        os.close(handle)
        return self.path

    def __exit__(self, *_):
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass
