"""The learning example (*lärande exempel*) and the slug that names it."""

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

CONTENT_FIELDS = (
    "title", "summary", "body", "organisations", "municipalities", "violence_forms",
    "goals", "target_groups", "measure_types", "evaluation", "period", "contact", "tags",
)


class LearningExample(Aggregate):
    """A practice that organisations ran and others can learn from.

    `revision` is the contract's `version`: it counts content revisions, so
    publishing and archiving never make an editor's base version stale.
    `revision_versions[n - 1]` is the aggregate version that made revision n.

    A draft's slug is `provisional`: it carries a suffix of its own, so that it says
    nothing about other drafts. The first publication gives the example its public slug,
    made from the title then; the provisional slug stays reserved and leads to it.
    """

    @event("Created")
    def __init__(self, slug: str, content: dict, actor: str, comment: str = "", provisional: bool = False):
        self.slug = slug
        self.provisional = provisional
        self.content = dict(content)
        self.status = "draft"
        self.revision = 1
        self.revision_versions = [1]
        self.updated_by = actor

    @event("Edited")
    def edit(self, changes: dict, comment: str, actor: str) -> None:
        self._change_content(changes, actor)

    @event("Reverted")
    def revert(self, to_version: int, changes: dict, comment: str, actor: str) -> None:
        self._change_content(changes, actor)

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

    def _change_content(self, changes: dict, actor: str) -> None:
        self.content.update(changes)
        self.revision += 1
        self.revision_versions.append(self.version + 1)
        self.updated_by = actor

    def aggregate_version_of(self, revision: int) -> int:
        return self.revision_versions[revision - 1]


class ExampleSlug(Aggregate):
    """Reserves a slug: its id is derived from the slug, so a taken slug cannot be saved twice."""

    @event("Reserved")
    def __init__(self, slug: str, example_id: UUID):
        self.slug = slug
        self.example_id = example_id

    @staticmethod
    def create_id(slug: str, **_) -> UUID:
        return uuid5(NAMESPACE_URL, f"/slugs/examples/{slug}")
