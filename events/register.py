"""The membership register's commands, mixed into the `Wiki` application."""

import re
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from . import validation
from .errors import Conflict, NotAllowed, NotFound, NotSignedIn, ValidationError
from .membership import ROLES, MembershipRequest, Roster, RuleBroken
from .messages import msg
from .people import Person
from .personal_data import new_key, seal, seal_note
from .permissions import Actor

MAX_CHANGES = 10
SAVE_ATTEMPTS = 8


class RuleConflict(Conflict):
    code = "rule_violation"


class ErasedPerson(Conflict):
    code = "erased"


def _uuid(value, field: str) -> UUID:
    try:
        return UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        raise ValidationError(msg("%(field)s: ogiltigt id.", field=field), field) from None


def _already_decided(status: str):
    if status == "approved":
        return msg("Blanketten är redan godkänd.")
    return msg("Blanketten är redan avslagen.")


class RegisterCommands:
    """Forms, approvals and people; `self` is the `Wiki` application."""

    # ---- people --------------------------------------------------------------------

    def person_data(self, data, field: str = "person") -> dict:
        """A new person's fields, checked; errors name them under `field` (e.g. changes[0].person)."""
        if not isinstance(data, dict):
            raise ValidationError(msg("%(field)s: ange name, email, phone, title.", field=field), field)
        validation.reject_unknown(data, {"name", "email", "phone", "title"})
        names = {key: f"{field}.{key}" for key in ("name", "email", "phone", "title")}
        name = validation.text(data.get("name"), names["name"], max_length=120, required=True)
        email = validation.text(data.get("email"), names["email"], max_length=200)
        if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            raise ValidationError(msg("%(field)s: ogiltig e-postadress.", field=names["email"]), names["email"])
        phone = validation.text(data.get("phone"), names["phone"], max_length=40)
        if phone and not re.fullmatch(r"[0-9+()\- ]{5,40}", phone):
            raise ValidationError(msg("%(field)s: ogiltigt telefonnummer.", field=names["phone"]), names["phone"])
        title = validation.text(data.get("title"), names["title"], max_length=120)
        return {"name": name, "email": email, "phone": phone, "title": title}

    def get_person(self, person_id) -> Person:
        try:
            person = self.repository.get(_uuid(person_id, "person_id"))
        except (AggregateNotFoundError, ValidationError):
            raise NotFound(msg("Personen finns inte.")) from None
        if not isinstance(person, Person):
            raise NotFound(msg("Personen finns inte."))
        return person

    # ---- forms ---------------------------------------------------------------------

    def submit_membership_request(self, actor: Actor, data: dict) -> tuple[str, int]:
        if not actor.signed_in:
            raise NotSignedIn(msg("Logga in för att skicka en blankett."))
        if not isinstance(data, dict):
            raise ValidationError(msg("Skicka ett JSON-objekt."))
        validation.reject_unknown(data, {"organisation", "note", "changes"})
        slug = data.get("organisation")
        if not isinstance(slug, str) or not self.organisation_exists(slug):
            raise ValidationError(msg("organisation: okänd organisation."), "organisation")
        if not (actor.curates or (actor.role == "member" and actor.organisation == slug)):
            raise NotAllowed(msg("Bara organisationens egna medlemmar och samordnaren skickar blanketter."))
        note = validation.text(data.get("note"), "note", max_length=1000, multiline=True)
        raw_changes = data.get("changes")
        if not isinstance(raw_changes, list) or not 1 <= len(raw_changes) <= MAX_CHANGES:
            raise ValidationError(msg("changes: 1–%(max)s ändringar.", max=MAX_CHANGES), "changes")
        people: list[tuple[Person, bytes]] = []
        changes = [self._change(index, change, actor, people) for index, change in enumerate(raw_changes)]
        organisation = self.get_organisation(slug)
        self._simulate(organisation, changes)
        request_id = uuid4()
        note = self._sealed_note(note, str(request_id), changes, {str(p.id): key for p, key in people})
        request = MembershipRequest(id=request_id, organisation=slug, note=note, changes=changes,
                                    actor=self.actor_ref(actor))
        for person, key in people:
            self.person_keys.store(str(person.id), key)
        try:
            recordings = self.save(*(person for person, _ in people), request)
        except BaseException:
            for person, _ in people:  # nothing was recorded: their new keys go too
                self.person_keys.destroy(str(person.id))
            raise
        return str(request.id), recordings[-1].notification.id

    def _sealed_note(self, note: str, request_id: str, changes: list, new_keys: dict) -> str | dict:
        """The note sealed with the key of every person the form names, so erasing any of them
        erases it; an empty note stays empty. A note can't name someone already erased."""
        named = list(dict.fromkeys(change["person_id"] for change in changes))
        if not note or not named:
            return note
        keys = [(person_id, new_keys.get(person_id) or self.person_keys.get(person_id)) for person_id in named]
        if any(key is None for _, key in keys):
            raise ValidationError(msg("note: blanketten gäller en raderad person; skicka den utan meddelande."),
                                  "note")
        return seal_note(note, request_id, keys)

    @staticmethod
    def _sealed_person(data: dict, actor: str) -> tuple[Person, bytes]:
        """A new person whose data is sealed with a new key of their own, and that key."""
        person_id = uuid4()
        key = new_key()
        return Person(id=person_id, sealed=seal(key, str(person_id), data), actor=actor), key

    def new_person(self, data: dict, actor: str) -> Person:
        """A new person, their key already stored: save the person next."""
        person, key = self._sealed_person(data, actor)
        self.person_keys.store(str(person.id), key)
        return person

    def erase_person(self, actor: Actor, person_id) -> int:
        """Destroys the person's key after recording `Person.Erased`; admins only."""
        if not actor.signed_in:
            raise NotSignedIn(msg("Logga in för att radera personuppgifter."))
        if actor.role != "admin":
            raise NotAllowed(msg("Bara administratörer raderar personuppgifter."))
        person = self.get_person(person_id)
        if person.erased:
            raise ErasedPerson(msg("Personen är redan raderad."))
        person.erase(actor=self.actor_ref(actor))
        try:
            recordings = self.save(person)
        except IntegrityError:
            raise ErasedPerson(msg("Personen är redan raderad.")) from None
        self.person_keys.destroy(str(person.id))
        return recordings[-1].notification.id

    def _change(self, index: int, change, actor: Actor, people: list) -> dict:
        field = f"changes[{index}]"
        if not isinstance(change, dict):
            raise ValidationError(msg("%(field)s: måste vara ett objekt.", field=field), field)
        action = change.get("action")
        role = change.get("role")
        if role not in ROLES:
            raise ValidationError(msg("%(field)s.role: representative eller substitute.", field=field), f"{field}.role")
        if action == "appoint":
            validation.reject_unknown(change, {"action", "role", "person", "person_id", "from"})
            if ("person" in change) == ("person_id" in change):
                raise ValidationError(msg("%(field)s: ange antingen person eller person_id.", field=field), field)
            if "person" in change:
                person, key = self._sealed_person(self.person_data(change["person"], f"{field}.person"),
                                                  self.actor_ref(actor))
                people.append((person, key))
                person_id = str(person.id)
            else:
                existing = self.get_person(change["person_id"])
                if existing.erased:
                    raise ErasedPerson(msg("Personen är raderad och kan inte utses."))
                person_id = str(existing.id)
            start = validation.iso_date(change.get("from"), f"{field}.from")
            return {"action": "appoint", "role": role, "person_id": person_id, "from": start}
        if action == "end":
            validation.reject_unknown(change, {"action", "role", "person_id", "on"})
            person_id = str(self.get_person(change.get("person_id")).id)
            on = validation.iso_date(change.get("on"), f"{field}.on")
            return {"action": "end", "role": role, "person_id": person_id, "on": on}
        raise ValidationError(msg("%(field)s.action: appoint eller end.", field=field), f"{field}.action")

    def _roster(self, slug: str, actor: str = "") -> Roster:
        try:
            return self.repository.get(Roster.create_id(slug))
        except AggregateNotFoundError:
            return Roster(organisation=slug, actor=actor)

    def _apply_changes(self, roster: Roster, organisation, changes: list, request_id: str, actor: str = "") -> None:
        for change in changes:
            if change["action"] == "appoint":
                if not organisation.is_member_on(change["from"]):
                    raise RuleBroken(msg("%(name)s är inte medlem i länsgruppen den %(day)s.",
                                         name=organisation.name, day=change["from"]))
                roster.check_appoint(change["role"], change["person_id"], change["from"])
                roster.appoint(role=change["role"], person_id=change["person_id"], start=change["from"],
                               request_id=request_id, actor=actor)
            else:
                roster.check_end(change["role"], change["person_id"], change["on"])
                roster.end(role=change["role"], person_id=change["person_id"], on=change["on"],
                           request_id=request_id, actor=actor)

    def _simulate(self, organisation, changes: list) -> None:
        try:
            self._apply_changes(self._roster(organisation.slug), organisation, changes, "preview")
        except RuleBroken as broken:
            raise ValidationError(broken.args[0], "changes") from None

    def get_membership_request(self, request_id) -> MembershipRequest:
        try:
            request = self.repository.get(_uuid(request_id, "id"))
        except (AggregateNotFoundError, ValidationError):
            raise NotFound(msg("Blanketten finns inte.")) from None
        if not isinstance(request, MembershipRequest):
            raise NotFound(msg("Blanketten finns inte."))
        return request

    def approve_membership_request(self, actor: Actor, request_id) -> int:
        self._may_decide(actor)
        for _ in range(SAVE_ATTEMPTS):
            request = self.get_membership_request(request_id)
            if request.status != "submitted":
                raise Conflict(_already_decided(request.status))
            if any(change["action"] == "appoint" and self.get_person(change["person_id"]).erased
                   for change in request.changes):
                raise ErasedPerson(msg("Blanketten utser en person som har raderats."))
            organisation = self.get_organisation(request.organisation)
            roster = self._roster(request.organisation, self.actor_ref(actor))
            try:
                self._apply_changes(roster, organisation, request.changes, str(request.id), self.actor_ref(actor))
            except RuleBroken as broken:
                raise RuleConflict(msg("Blanketten kan inte godkännas: %(reason)s", reason=broken.args[0])) from None
            request.approve(actor=self.actor_ref(actor))
            try:
                return self.save(request, roster)[-1].notification.id
            except IntegrityError:
                continue
        raise Conflict(msg("Registret ändrades samtidigt; försök igen."))

    def reject_membership_request(self, actor: Actor, request_id, data: dict) -> int:
        self._may_decide(actor)
        if not isinstance(data, dict):
            raise ValidationError(msg("Skicka ett JSON-objekt."))
        validation.reject_unknown(data, {"reason"})
        reason = validation.text(data.get("reason"), "reason", max_length=1000, required=True, multiline=True)
        request = self.get_membership_request(request_id)
        if request.status != "submitted":
            raise Conflict(_already_decided(request.status))
        request.reject(reason=reason, actor=self.actor_ref(actor))
        try:
            return self.save(request)[-1].notification.id
        except IntegrityError:
            raise Conflict(msg("Blanketten avgjordes samtidigt av någon annan.")) from None

    def end_terms_on_leaving(self, slug: str, on: str, actor: str) -> list:
        """The roster with every term still running after `on` ended that day (when an organisation leaves)."""
        if Roster.create_id(slug) not in self.repository:
            return []
        roster = self.repository.get(Roster.create_id(slug))
        for term in roster.open_terms(on):
            if term["start"] > on:
                continue
            roster.end(role=term["role"], person_id=term["person_id"], on=on, request_id="", actor=actor)
        return [roster] if roster.pending_events else []

    @staticmethod
    def _may_decide(actor: Actor) -> None:
        if not actor.signed_in:
            raise NotSignedIn(msg("Logga in först."))
        if not actor.curates:
            raise NotAllowed(msg("Bara samordnaren godkänner eller avslår blanketter."))
