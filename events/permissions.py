"""Who may do what: one place for the role rules, used by the API and the pages alike."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """The person behind a command or a read; `role` is None for anonymous readers.
    `account_id` is what events record as the actor (resolved from the name when not given)."""

    username: str | None = None
    role: str | None = None
    organisation: str | None = None
    account_id: str | None = None

    @property
    def signed_in(self) -> bool:
        return self.role is not None

    @property
    def curates(self) -> bool:
        """Coordinator and admin edit, publish and archive any example."""
        return self.role in ("coordinator", "admin")

    @property
    def reads_everything(self) -> bool:
        return self.role in ("coordinator", "admin", "auditor")

    @property
    def writes(self) -> bool:
        return self.role in ("member", "coordinator", "admin")


ANONYMOUS = Actor()


def shares_organisation(actor: Actor, organisations: list[str]) -> bool:
    return actor.role == "member" and actor.organisation is not None and actor.organisation in organisations


def can_read_example(actor: Actor, status: str, organisations: list[str]) -> bool:
    return status == "published" or actor.reads_everything or shares_organisation(actor, organisations)


def can_create_example(actor: Actor) -> bool:
    return actor.writes


def can_edit_example(actor: Actor, organisations: list[str]) -> bool:
    return actor.curates or shares_organisation(actor, organisations)


def owns(actor: Actor, organisations: list[str]) -> bool:
    """A member of the example's owner, the first of its organisations."""
    return actor.role == "member" and bool(organisations) and actor.organisation == organisations[0]


def can_change_organisations(actor: Actor, organisations: list[str]) -> bool:
    return actor.curates or owns(actor, organisations)


def can_submit_for_review(actor: Actor, organisations: list[str]) -> bool:
    """The owner's members send an example for review; partners edit but do not."""
    return actor.curates or owns(actor, organisations)


def can_publish_example(actor: Actor, organisations: list[str] | None = None) -> bool:
    """Only coordinators and admins publish, after review or their own examples directly."""
    return actor.curates


def can_review_example(actor: Actor) -> bool:
    return actor.curates


def can_unarchive_example(actor: Actor) -> bool:
    return actor.curates


def can_archive_example(actor: Actor) -> bool:
    return actor.curates


def can_manage_organisations(actor: Actor) -> bool:
    return actor.curates


def can_suppress_revisions(actor: Actor) -> bool:
    """Only an admin destroys a revision's text, as only an admin erases a person."""
    return actor.role == "admin"
