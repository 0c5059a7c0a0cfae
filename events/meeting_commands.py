"""Commands for working groups, meetings, attendance, minutes and tasks, mixed into `Wiki`.

Signed-in users read meetings; coordinators and admins write them. A task's organisation
may also follow its task up. Attendance is checked against the register on the meeting's
date: the organisations that were members of the county group (or of the working group)
that day, and the people who held their roles then.
"""

import re
from datetime import datetime, timezone
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from . import validation
from .accounts import account_id_of
from .errors import Conflict, EditConflict, Locked, NotAllowed, NotFound, NotSignedIn, ValidationError
from .meetings import (
    ATTENDANCE_STATUSES, GROUP_STATUSES, MEETING_KINDS, TASK_STATUSES, Meeting, MeetingSeries, WorkingGroup,
    series_of, task_id,
)
from .messages import msg
from .permissions import Actor
from .slugs import is_slug, slugify

SAVE_ATTEMPTS = 8
NAME_MAX = 120
MANDATE_MAX = 20_000
PLACE_MAX = 300
AGENDA_MAX = 40
ITEM_TEXT_MAX = 50_000
DECISIONS_MAX = 40
TASKS_MAX = 40
MEMBERS_MAX = 80
TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


def today() -> str:
    return datetime.now(timezone.utc).date().isoformat()


def _object(data) -> dict:
    if not isinstance(data, dict):
        raise ValidationError(msg("Skicka ett JSON-objekt."))
    return data


def _list(value, field: str, max_items: int, required: bool = False) -> list:
    if value is None and not required:
        return []
    if not isinstance(value, list) or len(value) > max_items or (required and not value):
        raise ValidationError(msg("%(field)s: en lista med högst %(max)s delar.", field=field, max=max_items), field)
    return value


def _time(value, field: str) -> str:
    if not isinstance(value, str) or not TIME.fullmatch(value):
        raise ValidationError(msg("%(field)s: ange en tid som TT:MM.", field=field), field)
    return value


def _may_write(actor: Actor) -> None:
    if not actor.signed_in:
        raise NotSignedIn(msg("Logga in först."))
    if not actor.curates:
        raise NotAllowed(msg("Bara samordnaren planerar möten och skriver protokoll."))


class MeetingCommands:
    """`self` is the `Wiki` application."""

    # ---- working groups ------------------------------------------------------------

    def get_working_group(self, slug: str) -> WorkingGroup:
        if not isinstance(slug, str) or not is_slug(slug):
            raise NotFound(msg("Arbetsgruppen finns inte."))
        try:
            return self.repository.get(WorkingGroup.create_id(slug))
        except AggregateNotFoundError:
            raise NotFound(msg("Arbetsgruppen finns inte.")) from None

    def _organisation_slugs(self, value, field: str, required: bool = False) -> list[str]:
        slugs = _list(value, field, MEMBERS_MAX, required)
        for index, slug in enumerate(slugs):
            if not isinstance(slug, str) or not self.organisation_exists(slug):
                raise ValidationError(msg("%(field)s: okänd organisation.", field=f"{field}[{index}]"),
                                      f"{field}[{index}]")
        if len(set(slugs)) != len(slugs):
            raise ValidationError(msg("%(field)s: en organisation står två gånger.", field=field), field)
        return slugs

    def _organisation_slug(self, value, field: str) -> str:
        if not isinstance(value, str) or not self.organisation_exists(value):
            raise ValidationError(msg("%(field)s: okänd organisation.", field=field), field)
        return value

    def _county_members_on(self, slugs: list[str], day, field: str) -> None:
        """A working group's organisations must be members of the county group on the day they join."""
        for index, slug in enumerate(slugs):
            if not self.get_organisation(slug).is_member_on(day):
                raise ValidationError(msg("%(field)s: %(slug)s är inte medlem i länsgruppen den %(day)s.",
                                          field=f"{field}[{index}]", slug=slug, day=day), f"{field}[{index}]")

    def create_working_group(self, actor: Actor, data: dict) -> tuple[str, int]:
        _may_write(actor)
        data = _object(data)
        validation.reject_unknown(data, {"name", "mandate", "convenor", "members", "start", "end", "slug"})
        name = validation.text(data.get("name"), "name", max_length=NAME_MAX, required=True)
        mandate = validation.text(data.get("mandate"), "mandate", max_length=MANDATE_MAX, multiline=True)
        convenor = self._organisation_slug(data.get("convenor"), "convenor")
        members = self._organisation_slugs(data.get("members"), "members")
        if convenor not in members:
            members.insert(0, convenor)
        start = validation.iso_date(data.get("start") if data.get("start") is not None else today(), "start")
        self._county_members_on(members, start, "members")
        end = None
        if data.get("end") is not None:
            end = validation.iso_date(data["end"], "end")
            if end < start:
                raise ValidationError(msg("end: kan inte komma före start."), "end")
        slug = data.get("slug") or slugify(name, fallback="")
        if not isinstance(slug, str) or not is_slug(slug):
            raise ValidationError(msg("slug: ogiltig adress."), "slug")
        group = WorkingGroup(slug=slug, name=name, mandate=mandate, convenor=convenor, members=members,
                             start=start, end=end, actor=self.actor_ref(actor))
        try:
            recordings = self.save(group)
        except IntegrityError:
            raise Conflict(msg("Arbetsgruppen %(slug)s finns redan.", slug=slug)) from None
        return slug, recordings[-1].notification.id

    def change_working_group(self, actor: Actor, slug: str, data: dict) -> int:
        """New name, mandate, convenor, end or status, and members added or removed on `on`."""
        _may_write(actor)
        data = _object(data)
        self.get_working_group(slug)
        validation.reject_unknown(data, {"name", "mandate", "convenor", "end", "status", "members", "on"})
        fields = {}
        if "name" in data:
            fields["name"] = validation.text(data["name"], "name", max_length=NAME_MAX, required=True)
        if "mandate" in data:
            fields["mandate"] = validation.text(data["mandate"], "mandate", max_length=MANDATE_MAX, multiline=True)
        if "convenor" in data:
            fields["convenor"] = self._organisation_slug(data["convenor"], "convenor")
        if "end" in data:
            fields["end"] = None if data["end"] is None else validation.iso_date(data["end"], "end")
        if "status" in data:
            if data["status"] not in GROUP_STATUSES:
                raise ValidationError(msg("status: active eller closed."), "status")
            fields["status"] = data["status"]
        members = self._organisation_slugs(data["members"], "members") if "members" in data else None
        on = validation.iso_date(data.get("on") if data.get("on") is not None else today(), "on")
        for _ in range(SAVE_ATTEMPTS):
            group = self.get_working_group(slug)
            if fields.get("end") and fields["end"] < group.start:
                raise ValidationError(msg("end: kan inte komma före start."), "end")
            changed = {k: v for k, v in fields.items() if getattr(group, k) != v}
            if changed:
                group.change(fields=changed, actor=self.actor_ref(actor))
            if members is not None:
                current = group.current_members()
                if on <= group.start or (group.end and on > group.end):
                    raise ValidationError(msg("on: ange en dag efter gruppens start och inom dess period."), "on")
                changing = [o for o in current if o not in members] + [o for o in members if o not in current]
                if any((group.last_change(o) or "") >= on for o in changing):
                    raise ValidationError(msg("on: medlemskapet ändrades redan den dagen eller senare."), "on")
                self._county_members_on(members, on, "members")
                for organisation in current:
                    if organisation not in members:
                        group.remove_member(organisation=organisation, on=on, actor=self.actor_ref(actor))
                for organisation in members:
                    if organisation not in current:
                        group.add_member(organisation=organisation, on=on, actor=self.actor_ref(actor))
            if not group.pending_events:
                return self.position()
            try:
                return self.save(group)[-1].notification.id
            except IntegrityError:
                continue
        raise Conflict(msg("Arbetsgruppen ändras av många samtidigt; försök igen."))

    # ---- meetings ------------------------------------------------------------------

    def get_meeting(self, meeting_id) -> Meeting:
        try:
            meeting = self.repository.get(UUID(str(meeting_id)))
        except (AggregateNotFoundError, ValueError, TypeError, AttributeError):
            raise NotFound(msg("Mötet finns inte.")) from None
        if not isinstance(meeting, Meeting):
            raise NotFound(msg("Mötet finns inte."))
        return meeting

    def _agenda(self, value) -> list[dict]:
        items = _list(value, "agenda", AGENDA_MAX)
        agenda = []
        for index, item in enumerate(items):
            field = f"agenda[{index}]"
            if not isinstance(item, dict):
                raise ValidationError(msg("%(field)s: måste vara ett objekt.", field=field), field)
            validation.reject_unknown(item, {"title", "text"})
            agenda.append({"title": validation.text(item.get("title"), f"{field}.title", max_length=200, required=True),
                           "text": validation.text(item.get("text"), f"{field}.text", max_length=ITEM_TEXT_MAX,
                                                   multiline=True)})
        return agenda

    def _plan(self, data: dict, partial: bool = False, current: Meeting | None = None) -> dict:
        """The plan's fields, checked; with `partial`, only those sent (others from `current`)."""
        fields = {}
        if not partial or "title" in data:
            fields["title"] = validation.text(data.get("title"), "title", max_length=200, required=True)
        if not partial or "date" in data:
            fields["date"] = validation.iso_date(data.get("date"), "date")
        if not partial or "starts_at" in data:
            fields["starts_at"] = _time(data.get("starts_at"), "starts_at")
        if not partial or "ends_at" in data:
            fields["ends_at"] = _time(data.get("ends_at"), "ends_at")
        if not partial or "place" in data:
            fields["place"] = validation.text(data.get("place"), "place", max_length=PLACE_MAX, required=True)
        if not partial or "agenda" in data:
            fields["agenda"] = self._agenda(data.get("agenda"))
        starts = fields.get("starts_at", current.starts_at if current else None)
        ends = fields.get("ends_at", current.ends_at if current else None)
        if starts and ends and ends <= starts:
            raise ValidationError(msg("ends_at: mötet måste sluta efter att det börjar."), "ends_at")
        return fields

    def plan_meeting(self, actor: Actor, data: dict) -> tuple[str, int]:
        _may_write(actor)
        data = _object(data)
        validation.reject_unknown(data, {"title", "kind", "working_group", "date", "starts_at", "ends_at", "place",
                                         "agenda"})
        kind = data.get("kind")
        if kind not in MEETING_KINDS:
            raise ValidationError(msg("kind: lansgruppsmote eller arbetsgruppsmote."), "kind",
                                  allowed=list(MEETING_KINDS))
        group = data.get("working_group") or None
        if kind == "arbetsgruppsmote":
            if group is None:
                raise ValidationError(msg("working_group: ett arbetsgruppsmöte hör till en arbetsgrupp."),
                                      "working_group")
            try:
                self.get_working_group(group)
            except NotFound:
                raise ValidationError(msg("working_group: okänd arbetsgrupp."), "working_group") from None
        elif group is not None:
            raise ValidationError(msg("working_group: bara arbetsgruppsmöten hör till en arbetsgrupp."),
                                  "working_group")
        fields = self._plan(data)
        if group is not None:
            working_group = self.get_working_group(group)
            if fields["date"] < working_group.start or (working_group.end and fields["date"] > working_group.end):
                raise ValidationError(msg("date: arbetsgruppen arbetar inte det datumet."), "date")
        year = int(fields["date"][:4])
        for _ in range(SAVE_ATTEMPTS):
            series_id = MeetingSeries.create_id(series_of(kind, group), year)
            try:
                series = self.repository.get(series_id)
            except AggregateNotFoundError:
                series = MeetingSeries(series=series_of(kind, group), year=year)
            meeting_id = uuid4()
            series.number(meeting_id=str(meeting_id))
            meeting = Meeting(id=meeting_id, kind=kind, working_group=group, number=f"{year}:{series.count}",
                              actor=self.actor_ref(actor), **fields)
            try:
                recordings = self.save(series, meeting)
            except IntegrityError:
                continue
            return str(meeting.id), recordings[-1].notification.id
        raise Conflict(msg("Många planerar möten samtidigt; försök igen."))

    def _change_meeting(self, actor: Actor, meeting_id, change) -> int:
        """Loads the meeting, lets `change(meeting)` record events (False: nothing to record), saves."""
        _may_write(actor)
        for _ in range(SAVE_ATTEMPTS):
            meeting = self.get_meeting(meeting_id)
            if change(meeting) is False or not meeting.pending_events:
                return self.position()
            try:
                return self.save(meeting)[-1].notification.id
            except IntegrityError:
                continue
        raise Conflict(msg("Mötet ändras av många samtidigt; försök igen."))

    def change_meeting(self, actor: Actor, meeting_id, data: dict) -> int:
        _may_write(actor)
        data = _object(data)
        validation.reject_unknown(data, {"title", "date", "starts_at", "ends_at", "place", "agenda"})
        current = self.get_meeting(meeting_id)
        fields = self._plan(data, partial=True, current=current)

        def change(meeting):
            if meeting.status == "cancelled":
                raise Conflict(msg("Mötet är inställt."))
            if "date" in fields and fields["date"] != meeting.date and meeting.attendance:
                raise Conflict(msg("Närvaron är redan förd; datumet kan inte ändras."))
            if "agenda" in fields and meeting.minutes and len(fields["agenda"]) < len(meeting.agenda):
                raise Conflict(msg("Protokollet är redan skrivet; punkter kan läggas till men inte tas bort."))
            changed = {k: v for k, v in fields.items() if getattr(meeting, k) != v}
            if changed:
                meeting.change(fields=changed, actor=self.actor_ref(actor))
        return self._change_meeting(actor, meeting_id, change)

    def cancel_meeting(self, actor: Actor, meeting_id, data: dict) -> int:
        _may_write(actor)
        data = _object(data)
        validation.reject_unknown(data, {"reason"})
        reason = validation.text(data.get("reason"), "reason", max_length=500)

        def change(meeting):
            if meeting.status == "cancelled":
                return False
            if meeting.attendance or meeting.minutes:
                raise Conflict(msg("Mötet har närvaro eller protokoll och kan inte ställas in."))
            meeting.cancel(reason=reason, actor=self.actor_ref(actor))
        return self._change_meeting(actor, meeting_id, change)

    # ---- attendance ----------------------------------------------------------------

    def expected_at(self, meeting: Meeting, organisation) -> bool:
        """Whether the organisation was expected on the meeting's date: a member of the county
        group then, or of the working group."""
        if not isinstance(organisation, str) or not self.organisation_exists(organisation):
            return False
        if meeting.kind == "arbetsgruppsmote":
            return organisation in self.get_working_group(meeting.working_group).members_on(meeting.date)
        return self.get_organisation(organisation).is_member_on(meeting.date)

    def role_holder(self, organisation: str, role: str, day: str) -> str | None:
        """Who held `role` for the organisation on `day`, from its roster."""
        for term in self._roster(organisation).terms:
            if term["role"] == role and term["start"] <= day and (term["end"] is None or day <= term["end"]):
                return term["person_id"]
        return None

    def record_attendance(self, actor: Actor, meeting_id, data: dict) -> int:
        _may_write(actor)
        data = _object(data)
        validation.reject_unknown(data, {"items"})
        meeting = self.get_meeting(meeting_id)
        if meeting.status == "cancelled":
            raise Conflict(msg("Mötet är inställt."))
        items = _list(data.get("items"), "items", MEMBERS_MAX, required=True)
        checked = []
        for index, item in enumerate(items):
            checked.append(self._attendance_item(meeting, index, item))
        if len({item["organisation"] for item in checked}) != len(checked):
            raise ValidationError(msg("items: en organisation står två gånger."), "items")

        def change(meeting):
            if meeting.status == "cancelled":
                raise Conflict(msg("Mötet är inställt."))
            new = [item for item in checked if meeting.attendance.get(item["organisation"]) !=
                   {"status": item["status"], "person_id": item["person_id"]}]
            if new:
                meeting.record_attendance(items=new, actor=self.actor_ref(actor))
            if meeting.status == "planned" and meeting.date <= today() and any(
                    item["status"] != "absent_notified" for item in checked):
                meeting.mark_held(actor=self.actor_ref(actor))
        return self._change_meeting(actor, meeting_id, change)

    def _attendance_item(self, meeting: Meeting, index: int, item) -> dict:
        field = f"items[{index}]"
        if not isinstance(item, dict):
            raise ValidationError(msg("%(field)s: måste vara ett objekt.", field=field), field)
        validation.reject_unknown(item, {"organisation", "status", "person_id"})
        organisation = item.get("organisation")
        if not self.expected_at(meeting, organisation):
            raise ValidationError(msg("%(field)s.organisation: organisationen var inte medlem den %(day)s.",
                                      field=field, day=meeting.date), f"{field}.organisation")
        status = item.get("status")
        if status not in ATTENDANCE_STATUSES:
            raise ValidationError(msg("%(field)s.status: okänd närvaro.", field=field), f"{field}.status",
                                  allowed=list(ATTENDANCE_STATUSES))
        person_id = item.get("person_id")
        if status in ("absent", "absent_notified"):
            if person_id is not None:
                raise ValidationError(msg("%(field)s.person_id: den som var frånvarande anges inte.", field=field),
                                      f"{field}.person_id")
            return {"organisation": organisation, "status": status, "person_id": None}
        if person_id is None and status in ("representative", "substitute"):
            person_id = self.role_holder(organisation, status, meeting.date)
            if person_id is None:
                raise ValidationError(msg("%(field)s.status: organisationen hade ingen sådan den %(day)s.",
                                          field=field, day=meeting.date), f"{field}.status")
        if person_id is None:
            raise ValidationError(msg("%(field)s.person_id: ange vem som deltog.", field=field), f"{field}.person_id")
        try:
            person = self.get_person(person_id)
        except NotFound:
            raise ValidationError(msg("%(field)s.person_id: personen finns inte i registret.", field=field),
                                  f"{field}.person_id") from None
        if person.erased:
            raise ValidationError(msg("%(field)s.person_id: personen är raderad.", field=field), f"{field}.person_id")
        return {"organisation": organisation, "status": status, "person_id": str(person.id)}

    # ---- minutes -------------------------------------------------------------------

    def _minutes_items(self, meeting: Meeting, value) -> list[dict]:
        items = _list(value, "items", AGENDA_MAX)
        seen = set()
        checked = []
        for index, item in enumerate(items):
            field = f"items[{index}]"
            if not isinstance(item, dict):
                raise ValidationError(msg("%(field)s: måste vara ett objekt.", field=field), field)
            validation.reject_unknown(item, {"agenda_index", "text", "decisions", "tasks"})
            agenda_index = item.get("agenda_index")
            if (isinstance(agenda_index, bool) or not isinstance(agenda_index, int)
                    or not 0 <= agenda_index < len(meeting.agenda) or agenda_index in seen):
                raise ValidationError(msg("%(field)s.agenda_index: ingen sådan punkt på dagordningen.", field=field),
                                      f"{field}.agenda_index")
            seen.add(agenda_index)
            decisions = []
            for n, decision in enumerate(_list(item.get("decisions"), f"{field}.decisions", DECISIONS_MAX)):
                name = f"{field}.decisions[{n}]"
                if not isinstance(decision, dict):
                    raise ValidationError(msg("%(field)s: måste vara ett objekt.", field=name), name)
                validation.reject_unknown(decision, {"text"})
                decisions.append({"text": validation.text(decision.get("text"), f"{name}.text", max_length=2000,
                                                          required=True, multiline=True)})
            tasks = []
            for n, task in enumerate(_list(item.get("tasks"), f"{field}.tasks", TASKS_MAX)):
                name = f"{field}.tasks[{n}]"
                if not isinstance(task, dict):
                    raise ValidationError(msg("%(field)s: måste vara ett objekt.", field=name), name)
                validation.reject_unknown(task, {"title", "organisation", "due"})
                tasks.append({
                    "id": task_id(meeting.id, agenda_index, n),
                    "title": validation.text(task.get("title"), f"{name}.title", max_length=300, required=True),
                    "organisation": self._organisation_slug(task.get("organisation"), f"{name}.organisation"),
                    "due": validation.iso_date(task.get("due"), f"{name}.due"),
                })
            checked.append({"agenda_index": agenda_index,
                            "text": validation.text(item.get("text"), f"{field}.text", max_length=ITEM_TEXT_MAX,
                                                    multiline=True),
                            "decisions": decisions, "tasks": tasks})
        return sorted(checked, key=lambda item: item["agenda_index"])

    def write_minutes(self, actor: Actor, meeting_id, data: dict) -> tuple[int, int]:
        """New minutes (a new version); (version, position). Approved minutes are locked."""
        return self._minutes(actor, meeting_id, data, correction=False)

    def correct_minutes(self, actor: Actor, meeting_id, data: dict) -> tuple[int, int]:
        """A correction of approved minutes, with a reason; the history keeps both versions."""
        return self._minutes(actor, meeting_id, data, correction=True)

    def _minutes(self, actor: Actor, meeting_id, data: dict, correction: bool) -> tuple[int, int]:
        _may_write(actor)
        data = _object(data)
        validation.reject_unknown(data, {"base_version", "items"} | ({"reason"} if correction else set()))
        meeting = self.get_meeting(meeting_id)
        if "base_version" not in data:
            raise ValidationError(msg("base_version: ange vilken version du utgick från."), "base_version")
        base = data["base_version"]
        if isinstance(base, bool) or not isinstance(base, int) or not 0 <= base <= 2**31:
            raise ValidationError(msg("base_version: måste vara ett heltal."), "base_version")
        reason = ""
        if correction:
            reason = validation.text(data.get("reason"), "reason", max_length=500, required=True)
        items = self._minutes_items(meeting, data.get("items"))
        for _ in range(SAVE_ATTEMPTS):
            meeting = self.get_meeting(meeting_id)
            if meeting.status == "cancelled":
                raise Conflict(msg("Mötet är inställt."))
            if meeting.locked and not correction:
                raise Locked(msg("Protokollet är justerat och låst; rätta det med ett skäl."))
            if correction and not meeting.locked:
                raise Conflict(msg("Bara ett justerat protokoll rättas; ändra det annars direkt."))
            if base > meeting.minutes_version:
                raise ValidationError(msg("Version %(version)s finns inte.", version=base), "base_version")
            if base != meeting.minutes_version:
                raise EditConflict(msg("Protokollet har ändrats sedan version %(base)s; nu är det version "
                                       "%(current)s.", base=base, current=meeting.minutes_version),
                                   current_version=meeting.minutes_version)
            tasks = [{"id": task["id"], "organisation": task["organisation"]}
                     for item in items for task in item["tasks"]]
            if meeting.status == "planned" and meeting.date <= today():
                meeting.mark_held(actor=self.actor_ref(actor))
            text = self.revisions.seal({"items": items}, reason)
            if correction:
                meeting.correct_minutes(text=text, tasks=tasks, reason=reason, actor=self.actor_ref(actor))
            else:
                meeting.write_minutes(text=text, tasks=tasks, actor=self.actor_ref(actor))
            try:
                return meeting.minutes_version, self.save(meeting)[-1].notification.id
            except IntegrityError:
                self.revisions.destroy(text)
                continue
        raise Conflict(msg("Protokollet ändras av många samtidigt; försök igen."))

    def approve_minutes(self, actor: Actor, meeting_id, data: dict | None = None) -> int:
        """Approval (*justering*) by a coordinator who did not write the minutes' current version;
        `version`, when given, is the version the approver read (409 if it has changed since)."""
        _may_write(actor)
        data = _object({} if data is None else data)
        validation.reject_unknown(data, {"version"})
        version = None if data.get("version") is None else validation.positive_int(data["version"], "version")

        def change(meeting):
            if meeting.minutes is None:
                raise Conflict(msg("Det finns inget protokoll att justera."))
            if meeting.locked:
                raise Locked(msg("Protokollet är redan justerat."))
            if version is not None and version != meeting.minutes_version:
                raise EditConflict(msg("Protokollet har ändrats sedan version %(base)s; nu är det version "
                                       "%(current)s.", base=version, current=meeting.minutes_version),
                                   current_version=meeting.minutes_version)
            if meeting.minutes_by and account_id_of(meeting.minutes_by) == account_id_of(self.actor_ref(actor)):
                raise NotAllowed(msg("Protokollet justeras av någon annan än den som skrev det."))
            meeting.approve_minutes(actor=self.actor_ref(actor))
        return self._change_meeting(actor, meeting_id, change)

    def minutes_of(self, meeting: Meeting) -> dict | None:
        """The current minutes, opened: `{"items": [...]}`."""
        text = self.revisions.open(meeting.minutes)
        return None if text is None else text.get("content")

    # ---- tasks ---------------------------------------------------------------------

    def follow_up_task(self, actor: Actor, meeting_id, task: str, data: dict) -> int:
        """A task's new status; coordinators, and members of the task's organisation."""
        if not actor.signed_in:
            raise NotSignedIn(msg("Logga in först."))
        data = _object(data)
        validation.reject_unknown(data, {"status", "note", "meeting"})
        status = data.get("status")
        if status not in TASK_STATUSES:
            raise ValidationError(msg("status: open, done eller cancelled."), "status", allowed=list(TASK_STATUSES))
        note = validation.text(data.get("note"), "note", max_length=500)
        at_meeting = None
        if data.get("meeting") is not None:
            try:
                at_meeting = str(self.get_meeting(data["meeting"]).id)
            except NotFound:
                raise ValidationError(msg("meeting: okänt möte."), "meeting") from None
        for _ in range(SAVE_ATTEMPTS):
            meeting = self.get_meeting(meeting_id)
            organisation = meeting.tasks.get(task)
            if organisation is None:
                raise NotFound(msg("Uppdraget finns inte."))
            if not (actor.curates or (actor.role == "member" and actor.organisation == organisation)):
                raise NotAllowed(msg("Bara samordnaren och den ansvariga organisationen följer upp uppdraget."))
            if meeting.task_status.get(task, "open") == status and not note:
                return self.position()
            meeting.follow_up_task(task_id=task, status=status, note=note, meeting_id=at_meeting,
                                   actor=self.actor_ref(actor))
            try:
                return self.save(meeting)[-1].notification.id
            except IntegrityError:
                continue
        raise Conflict(msg("Uppdraget ändras av många samtidigt; försök igen."))
