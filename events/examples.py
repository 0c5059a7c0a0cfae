"""The learning example (*lärande exempel*) and the slug that names it."""

import copy
from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

CONTENT_FIELDS = (
    "title", "summary", "body", "organisations", "municipalities", "violence_forms",
    "goals", "target_groups", "measure_types", "evaluation", "period", "contact", "tags",
)


_IMMUTABLE = (str, int, float, bool, type(None), UUID, datetime)


def _copied(value, memo):
    if isinstance(value, _IMMUTABLE):
        return value
    if type(value) is list and all(isinstance(item, _IMMUTABLE) for item in value):
        return list(value)
    if type(value) is dict and all(isinstance(item, _IMMUTABLE) for item in value.values()):
        return dict(value)
    return copy.deepcopy(value, memo)


class LearningExample(Aggregate):
    """A practice that organisations ran and others can learn from.

    `revision` is the contract's `version`: it counts content revisions, so
    publishing and archiving never make an editor's base version stale.
    `revision_versions[n - 1]` is the aggregate version that made revision n.

    Each revision's whole text and its comment are sealed with a key of their own:
    `text` is `{"key": key id, "sealed": ciphertext}` (see `events.revisions`). The events,
    and the snapshots that hold the current `text`, keep no readable text, so destroying
    one revision's key suppresses exactly that revision, and every other revision still
    reads on its own. The owners (`organisations`) stay readable, for the rules of who may
    do what. Revisions recorded before sealing carry `content`/`changes` and `comment` in
    the clear; their `text` is `{"plain": {...}}`.

    A draft's slug is `provisional`: it carries a suffix of its own, so that it says
    nothing about other drafts. The first publication gives the example its public slug,
    made from the title then; the provisional slug stays reserved and leads to it.
    """

    source: str | None = None  # aggregates restored from snapshots taken before version 2 have none

    def __deepcopy__(self, memo):
        """A copy as `copy.deepcopy` makes it, without walking every number of a long history
        (`revision_versions` grows with each revision; the aggregate cache copies on every load):
        immutable values are shared, lists and dicts of them copied flat, the rest deep-copied."""
        clone = object.__new__(type(self))
        memo[id(self)] = clone
        clone.__dict__.update({name: _copied(value, memo) for name, value in self.__dict__.items()})
        return clone

    class Created(Aggregate.Created):
        """Version 2 records where the example came from (`source`: "api", "page", "import", "demo");
        version 1 events, written before, are read with `source` None (`upcast_v1_v2`)."""

        class_version = 2
        slug: str
        actor: str
        text: dict | None
        organisations: list | None
        provisional: bool
        content: dict | None
        comment: str
        source: str | None

        @staticmethod
        def upcast_v1_v2(state: dict) -> None:
            state["source"] = None

    @event(Created)
    def __init__(self, slug: str, actor: str, text: dict | None = None, organisations: list | None = None,
                 provisional: bool = False, content: dict | None = None, comment: str = "",
                 source: str | None = None):
        self.source = source
        self.slug = slug
        self.provisional = provisional
        self.status = "draft"
        self.revision = 1
        self.revision_versions = [1]
        self.suppressed: list[int] = []
        self.updated_by = actor
        if content is not None:
            text, organisations = _plain(content, comment), content.get("organisations", [])
        self.text = text
        self.organisations = list(organisations or [])

    @event("Edited")
    def edit(self, actor: str, text: dict | None = None, organisations: list | None = None,
             changed: list | None = None, changes: dict | None = None, comment: str = "") -> None:
        """`changed`: the names of the fields this revision changed."""
        self._new_revision(actor, text, organisations, changes, comment)

    @event("Reverted")
    def revert(self, to_version: int, actor: str, text: dict | None = None, organisations: list | None = None,
               changed: list | None = None, changes: dict | None = None, comment: str = "") -> None:
        self._new_revision(actor, text, organisations, changes, comment)

    @event("RevisionSuppressed")
    def suppress(self, revision: int, reason: str, actor: str) -> None:
        """The revision's key is destroyed: its text and comment can never be read again."""
        self.suppressed = sorted({*self.suppressed, revision})

    @event("SubmittedForReview")
    def submit_for_review(self, actor: str) -> None:
        self.status = "in_review"
        self.updated_by = actor

    @event("Returned")
    def return_to_draft(self, actor: str, comment: str) -> None:
        self.status = "draft"
        self.updated_by = actor

    @event("Published")
    def publish(self, actor: str, slug: str | None = None, override_reason: str | None = None) -> None:
        """`override_reason`: why a coordinator published over the identification check's warnings."""
        self.status = "published"
        self.updated_by = actor
        if slug is not None:
            self.slug = slug
            self.provisional = False

    @event("Archived")
    def archive(self, actor: str) -> None:
        self.status = "archived"
        self.updated_by = actor

    @event("AttachmentAdded")
    def add_attachment(self, attachment_id: str, sha256: str, name: str, media_type: str, size: int, actor: str) -> None:
        """`name` is sealed with the file's key (`events.attachments`): destroying the file erases it."""
        self.files[attachment_id] = {"sha256": sha256, "name": name, "type": media_type, "size": size,
                                     "revision": self.revision, "removed": False, "destroyed": False}

    @event("AttachmentRemoved")
    def remove_attachment(self, attachment_id: str, actor: str) -> None:
        """The file leaves the example; older versions still list it."""
        self.files[attachment_id]["removed"] = True

    @event("AttachmentDestroyed")
    def destroy_attachment(self, attachment_id: str, reason: str, actor: str) -> None:
        """The file's bytes, text and key are destroyed (an admin, with a reason)."""
        self.files[attachment_id]["destroyed"] = True

    @property
    def files(self) -> dict:
        """The attachments by id (snapshots taken before attachments existed have none)."""
        return self.__dict__.setdefault("attachments", {})

    def _new_revision(self, actor, text, organisations, changes, comment) -> None:
        if changes is not None:  # recorded before sealing: the previous revision is plain too
            content = {**self.text["plain"]["content"], **changes}
            text, organisations = _plain(content, comment), content.get("organisations", [])
        self.text = text
        self.organisations = list(organisations or [])
        self.revision += 1
        self.revision_versions.append(self.version + 1)
        self.updated_by = actor

    def aggregate_version_of(self, revision: int) -> int:
        return self.revision_versions[revision - 1]


def _plain(content: dict, comment: str) -> dict:
    return {"plain": {"content": dict(content), "comment": comment}}


class ExampleSlug(Aggregate):
    """Reserves a slug: its id is derived from the slug, so a taken slug cannot be saved twice."""

    @event("Reserved")
    def __init__(self, slug: str, example_id: UUID):
        self.slug = slug
        self.example_id = example_id

    @staticmethod
    def create_id(slug: str, **_) -> UUID:
        return uuid5(NAMESPACE_URL, f"/slugs/examples/{slug}")
