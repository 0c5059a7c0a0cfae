"""Membership forms (*blanketter*) and the register of role terms they change.

A `MembershipRequest` is a form: submitted, then approved or rejected once. Only an
approved form changes an organisation's `Roster`, in the same save as the approval.
Its note is sealed with the keys of the people it names (`personal_data.seal_note`); notes
recorded before that, and notes of forms naming nobody, are a plain `str`.
"""

from datetime import date, timedelta
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from .messages import msg

ROLES = ("representative", "substitute")


class RuleBroken(Exception):
    """A change the register's rules do not allow."""


def day_before(day: str) -> str:
    return (date.fromisoformat(day) - timedelta(days=1)).isoformat()


class MembershipRequest(Aggregate):
    @event("Submitted")
    def __init__(self, id, organisation: str, note: str | dict, changes: list, actor: str):  # noqa: A002 - sealed to it
        self.organisation = organisation
        self.note = note
        self.changes = changes
        self.submitted_by = actor
        self.status = "submitted"
        self.decided_by: str | None = None
        self.reason: str | None = None

    @event("Approved")
    def approve(self, actor: str) -> None:
        self.status = "approved"
        self.decided_by = actor

    @event("Rejected")
    def reject(self, reason: str, actor: str) -> None:
        self.status = "rejected"
        self.decided_by = actor
        self.reason = reason


class Roster(Aggregate):
    """An organisation's role terms: who held which role from when to when, by which form."""

    @event("Opened")
    def __init__(self, organisation: str, actor: str = ""):
        self.organisation = organisation
        self.terms: list[dict] = []

    @staticmethod
    def create_id(organisation: str, **_) -> UUID:
        return uuid5(NAMESPACE_URL, f"/rosters/{organisation}")

    @event("Appointed")
    def appoint(self, role: str, person_id: str, start: str, request_id: str, actor: str = "") -> None:
        latest = self.latest_term(role)
        if latest is not None and (latest["end"] is None or latest["end"] >= start):
            latest["end"] = day_before(start)
            latest["ended_by"] = request_id
        self.terms.append({"role": role, "person_id": person_id, "start": start, "end": None,
                           "request_id": request_id, "ended_by": None})

    @event("Ended")
    def end(self, role: str, person_id: str, on: str, request_id: str, actor: str = "") -> None:
        term = self.term_held(role, person_id, on)
        term["end"] = on
        term["ended_by"] = request_id or None

    def latest_term(self, role: str) -> dict | None:
        terms = [t for t in self.terms if t["role"] == role]
        return max(terms, key=lambda t: t["start"]) if terms else None

    def open_terms(self, on: str) -> list[dict]:
        """Terms still running after `on`."""
        return [t for t in self.terms if t["end"] is None or t["end"] > on]

    def term_held(self, role: str, person_id: str, on: str) -> dict | None:
        for term in self.terms:
            if (term["role"] == role and term["person_id"] == person_id and term["start"] <= on
                    and (term["end"] is None or on <= term["end"])):
                return term
        return None

    def check_appoint(self, role: str, person_id: str, start: str) -> None:
        latest = self.latest_term(role)
        if latest is not None and latest["start"] >= start:
            if role == "representative":
                raise RuleBroken(msg("Det finns redan en ordinarie representant från %(start)s; en ny kan utses "
                                     "tidigast dagen efter.", start=latest["start"]))
            raise RuleBroken(msg("Det finns redan en ersättare från %(start)s; en ny kan utses tidigast dagen efter.",
                                 start=latest["start"]))
        if latest is not None and latest["person_id"] == person_id and (latest["end"] is None or latest["end"] >= start):
            raise RuleBroken(msg("Personen har redan rollen det datumet."))

    def check_end(self, role: str, person_id: str, on: str) -> None:
        term = self.term_held(role, person_id, on)
        if term is None:
            if role == "representative":
                raise RuleBroken(msg("Personen är inte ordinarie representant den %(day)s.", day=on))
            raise RuleBroken(msg("Personen är inte ersättare den %(day)s.", day=on))
        if on < term["start"]:
            raise RuleBroken(msg("Ett slut måste komma efter starten."))
