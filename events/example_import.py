"""Importing learning examples in bulk (`flask --app wiki examples import FILE.jsonl`).

Every line is checked first (JSON, the fields of `POST /examples` plus `status`, organisations
that exist, and for a published example the identification check: a block refuses it, a warning
too unless the line gives `override_reason`); one bad line refuses the whole file and nothing is
written. Then the examples are written as the application writes them (each revision sealed
under a key of its own, a provisional slug reserved, the public slug taken at publication), many
aggregates to one transaction, the keys stored in one transaction before each batch.
"""

import json
import secrets
from dataclasses import dataclass, field

from eventsourcing.persistence import IntegrityError

from . import validation
from .errors import Conflict, DomainError, IdentifyingDetails, ValidationError
from .examples import CONTENT_FIELDS, ExampleSlug, LearningExample
from .identification import check_example
from .messages import msg
from .personal_data import new_key, seal_json
from .permissions import Actor
from .slugs import slugify

STATUSES = ("draft", "in_review", "published", "archived")
BATCH = 250
MAX_ERRORS = 50
IMPORTER = Actor("import", "admin", None)


@dataclass
class ImportRow:
    line: int
    content: dict
    comment: str
    status: str
    override_reason: str | None = None


@dataclass
class ImportCheck:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


def check_lines(lines, organisation_exists, max_errors: int = MAX_ERRORS) -> ImportCheck:
    """Every line of the file, parsed and validated; `errors` as (line number, message)."""
    result = ImportCheck()
    for number, line in enumerate(lines, start=1):
        if len(result.errors) >= max_errors:
            break
        if not line.strip():
            continue
        try:
            result.rows.append(_row(number, line, organisation_exists))
        except DomainError as error:
            message = error.message if isinstance(error.message, str) else str(error.message)
            result.errors.append((number, f"{message} {_findings(error)}".strip()))
        except ValueError as error:
            result.errors.append((number, f"ogiltig JSON: {error}"))
    return result


def _findings(error: DomainError) -> str:
    findings = error.details.get("findings") or []
    return ", ".join(f"{f['kind']} i {f['field']}" for f in findings)


def _row(number: int, line: str, organisation_exists) -> ImportRow:
    data = json.loads(line)
    if not isinstance(data, dict):
        raise ValidationError(msg("Skicka ett JSON-objekt."))
    validation.reject_unknown(data, set(CONTENT_FIELDS) | {"comment", "status", "override_reason"})
    if not data.get("title"):
        raise ValidationError(msg("title: får inte vara tomt."), "title")
    content = {**validation.EMPTY_CONTENT, **validation.content_fields(data, organisation_exists)}
    if not content["organisations"]:
        raise ValidationError(msg("%(field)s: får inte vara tomt.", field="organisations"), "organisations")
    comment = validation.text(data.get("comment"), "comment", max_length=validation.COMMENT_MAX) or "Importerad"
    status = data.get("status", "draft")
    if status not in STATUSES:
        raise ValidationError(msg("status: okänt värde."), "status")
    reason = validation.text(data.get("override_reason"), "override_reason", max_length=validation.COMMENT_MAX)
    if status == "published":
        findings = check_example(content, comment)
        if any(f.severity == "block" for f in findings) or (findings and not reason):
            raise IdentifyingDetails(
                msg("Exemplet innehåller uppgifter som kan identifiera en person och kan inte publiceras."),
                [f.as_dict() for f in findings])
    return ImportRow(number, content, comment, status, reason or None)


class ExampleImporter:
    """Writes checked rows into the log of `wiki`, a batch of examples per transaction."""

    def __init__(self, wiki, actor: Actor = IMPORTER):
        self.wiki = wiki
        self.actor = actor
        self._actor_ref = wiki.actor_ref(actor)
        self._public: set[str] = set()
        self._next: dict[str, int] = {}

    def write(self, rows: list[ImportRow], progress=None) -> int:
        written = 0
        for start in range(0, len(rows), BATCH):
            batch = rows[start:start + BATCH]
            self._write_batch(batch)
            written += len(batch)
            if progress:
                progress(len(batch))
        return written

    def _write_batch(self, batch: list[ImportRow]) -> None:
        keys, aggregates = [], []
        for row in batch:
            keys.append(self._example(row, aggregates))
        self.wiki.person_keys.store_many(keys)
        try:
            self.wiki.save(*aggregates)
        except IntegrityError:  # a slug taken meanwhile: write this batch one example at a time
            self.wiki.person_keys.destroy_many([key_id for key_id, _ in keys])
            for row in batch:
                self._write_one(row)

    def _write_one(self, row: ImportRow) -> None:
        for _ in range(8):
            aggregates = []
            key = self._example(row, aggregates)
            self.wiki.person_keys.store_many([key])
            try:
                self.wiki.save(*aggregates)
                return
            except IntegrityError:
                self.wiki.person_keys.destroy_many([key[0]])
                self._public.clear()
        raise Conflict(msg("Kunde inte hitta en ledig adress för titeln."))

    def _example(self, row: ImportRow, aggregates: list) -> tuple[str, bytes]:
        """Appends the example's aggregates to `aggregates`; returns its revision key (id, key)."""
        actor = self._actor_ref
        key_id, key = f"revision:{secrets.token_hex(16)}", new_key()
        text = {"key": key_id, "sealed": seal_json(key, key_id, {"content": row.content, "comment": row.comment})}
        slug = f"{slugify(row.content['title'])}-{secrets.token_hex(3)}"
        example = LearningExample(slug=slug, actor=actor, text=text, organisations=row.content["organisations"],
                                  provisional=True, source="import")
        aggregates += [example, ExampleSlug(slug=slug, example_id=example.id)]
        if row.status == "in_review":
            example.submit_for_review(actor=actor)
        elif row.status == "published":
            public = self._public_slug(slugify(row.content["title"]))
            example.publish(actor=actor, slug=public, override_reason=row.override_reason)
            aggregates.append(ExampleSlug(slug=public, example_id=example.id))
        elif row.status == "archived":
            example.archive(actor=actor)
        return key_id, key

    def _public_slug(self, base: str) -> str:
        """The title's slug, or with -2, -3 … after those taken before or earlier in this import."""
        for attempt in range(self._next.get(base, 1), 100_000):
            public = base if attempt == 1 else f"{base}-{attempt}"
            if public not in self._public and ExampleSlug.create_id(public) not in self.wiki.repository:
                self._public.add(public)
                self._next[base] = attempt + 1
                return public
        raise Conflict(msg("Kunde inte hitta en ledig adress för titeln."))
