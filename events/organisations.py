"""Member organisations of the county group."""

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


class Organisation(Aggregate):
    @event("Registered")
    def __init__(self, slug: str, name: str, kind: str, municipality: str | None,
                 joined_on: str, actor: str):
        self.slug = slug
        self.name = name
        self.kind = kind
        self.municipality = municipality
        self.joined_on = joined_on
        self.left_on: str | None = None

    @staticmethod
    def create_id(slug: str, **_) -> UUID:
        return uuid5(NAMESPACE_URL, f"/organisations/{slug}")

    @event("Left")
    def leave(self, on: str, reason: str, actor: str) -> None:
        self.left_on = on

    def is_member_on(self, day: str) -> bool:
        return self.joined_on <= day and (self.left_on is None or day <= self.left_on)
