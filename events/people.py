"""People named in the membership register. Their personal data lives here and nowhere
else: membership events refer to a person by id only, so erasure can be built later
without rewriting history."""

from eventsourcing.domain import Aggregate, event


class Person(Aggregate):
    @event("Registered")
    def __init__(self, name: str, email: str, phone: str, title: str, actor: str):
        self.name = name
        self.email = email
        self.phone = phone
        self.title = title
