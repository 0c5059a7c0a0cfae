"""People named in the membership register. Their personal data lives here and nowhere
else, and only sealed (see `personal_data`): membership events refer to a person by id,
and erasing a person destroys the key, so history stays and the data is gone."""

from eventsourcing.domain import Aggregate, event


class Person(Aggregate):
    @event("Registered")
    def __init__(self, id, sealed: str, actor: str):  # noqa: A002 - the id the seal is bound to
        self.sealed = sealed
        self.erased = False

    @event("Erased")
    def erase(self, actor: str) -> None:
        """Records that the person's key was destroyed; the event holds no personal data."""
        self.sealed = ""
        self.erased = True
