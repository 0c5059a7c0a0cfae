"""The county group's own work: working groups, meetings, attendance, minutes and tasks.

People are named by person id only (their data stays sealed in `Person`); the minutes'
text, decisions and tasks are sealed like an example's revision (`RevisionTexts`), each
version under a key of its own.
"""

from datetime import date, timedelta
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from .messages import N_

MEETING_KINDS = ("lansgruppsmote", "arbetsgruppsmote")
MEETING_STATUSES = ("planned", "held", "cancelled")
ATTENDANCE_STATUSES = ("representative", "substitute", "other", "absent_notified", "absent")
ATTENDED = ("representative", "substitute", "other")
TASK_STATUSES = ("open", "done", "cancelled")
GROUP_STATUSES = ("active", "closed")

# Labels, Swedish, translated where they are shown (like the vocabularies).
KIND_LABELS = {"lansgruppsmote": N_("länsgruppsmöte"), "arbetsgruppsmote": N_("arbetsgruppsmöte")}
MEETING_STATUS_LABELS = {"planned": N_("planerat"), "held": N_("genomfört"), "cancelled": N_("inställt")}
ATTENDANCE_LABELS = {"representative": N_("ordinarie ombud"), "substitute": N_("ersättare"),
                     "other": N_("annan person"), "absent_notified": N_("anmält förhinder"),
                     "absent": N_("frånvarande")}
TASK_STATUS_LABELS = {"open": N_("öppet"), "done": N_("klart"), "cancelled": N_("avbrutet")}
GROUP_STATUS_LABELS = {"active": N_("aktiv"), "closed": N_("avslutad")}


class WorkingGroup(Aggregate):
    """A working group (*arbetsgrupp*): its mandate and its member organisations over time."""

    @event("Created")
    def __init__(self, slug: str, name: str, mandate: str, convenor: str, members: list[str], start: str,
                 end: str | None, actor: str):
        self.slug = slug
        self.name = name
        self.mandate = mandate
        self.convenor = convenor
        self.start = start
        self.end = end
        self.status = "active"
        self.members = [{"organisation": slug_, "from": start, "to": None} for slug_ in members]

    @staticmethod
    def create_id(slug: str, **_) -> UUID:
        return uuid5(NAMESPACE_URL, f"/working-groups/{slug}")

    @event("Changed")
    def change(self, fields: dict, actor: str) -> None:
        """New values of `name`, `mandate`, `convenor`, `end` or `status`."""
        for name, value in fields.items():
            setattr(self, name, value)

    @event("MemberAdded")
    def add_member(self, organisation: str, on: str, actor: str) -> None:
        self.members.append({"organisation": organisation, "from": on, "to": None})

    @event("MemberRemoved")
    def remove_member(self, organisation: str, on: str, actor: str) -> None:
        """The organisation is no longer a member from `on`: its last day is the day before."""
        for member in self.members:
            if member["organisation"] == organisation and member["to"] is None:
                member["to"] = day_before(on)

    def last_change(self, organisation: str) -> str | None:
        """The latest date the organisation joined or left the group (its membership can change only after)."""
        dates = [d for m in self.members if m["organisation"] == organisation for d in (m["from"], m["to"]) if d]
        return max(dates) if dates else None

    def current_members(self) -> list[str]:
        return [m["organisation"] for m in self.members if m["to"] is None]

    def members_on(self, day: str) -> list[str]:
        return [m["organisation"] for m in self.members
                if m["from"] <= day and (m["to"] is None or day <= m["to"])]


class MeetingSeries(Aggregate):
    """Numbers the meetings of one series (county meetings, or one group's) in one year, so that
    decisions are cited as "2027:1 §4"; saved with the meeting, so two plans never share a number."""

    @event("Opened")
    def __init__(self, series: str, year: int):
        self.series = series
        self.year = year
        self.count = 0

    @staticmethod
    def create_id(series: str, year: int, **_) -> UUID:
        return uuid5(NAMESPACE_URL, f"/meeting-series/{series}/{year}")

    @event("Numbered")
    def number(self, meeting_id: str) -> None:
        self.count += 1


class Meeting(Aggregate):
    @event("Planned")
    def __init__(self, id, title: str, kind: str, working_group: str | None, date: str,  # noqa: A002 - chosen first
                 starts_at: str, ends_at: str, place: str, agenda: list[dict], number: str, actor: str):
        self.title = title
        self.kind = kind
        self.working_group = working_group
        self.date = date
        self.starts_at = starts_at
        self.ends_at = ends_at
        self.place = place
        self.agenda = agenda
        self.number = number
        self.status = "planned"
        self.attendance: dict[str, dict] = {}
        self.minutes: dict | None = None      # the current version's sealed text
        self.minutes_version = 0
        self.minutes_by: str | None = None
        self.approved_by: str | None = None
        self.tasks: dict[str, str] = {}       # task id -> responsible organisation
        self.task_status: dict[str, str] = {}

    @event("Changed")
    def change(self, fields: dict, actor: str) -> None:
        """New values of the plan's fields (title, date, times, place, agenda)."""
        for name, value in fields.items():
            setattr(self, name, value)

    @event("Held")
    def mark_held(self, actor: str) -> None:
        self.status = "held"

    @event("Cancelled")
    def cancel(self, reason: str, actor: str) -> None:
        self.status = "cancelled"

    @event("AttendanceRecorded")
    def record_attendance(self, items: list[dict], actor: str) -> None:
        """`items`: `{organisation, status, person_id}`; organisations not named keep what they had."""
        for item in items:
            self.attendance[item["organisation"]] = {"status": item["status"], "person_id": item.get("person_id")}

    @event("MinutesWritten")
    def write_minutes(self, text: dict, tasks: list[dict], actor: str) -> None:
        """`text`: the sealed minutes; `tasks`: their ids and responsible organisations in the clear,
        for the permission rules and the task lists."""
        self._new_minutes(text, tasks, actor)

    @event("MinutesApproved")
    def approve_minutes(self, actor: str) -> None:
        self.approved_by = actor

    @event("MinutesCorrected")
    def correct_minutes(self, text: dict, tasks: list[dict], reason: str, actor: str) -> None:
        """A correction of approved minutes: a new version, with the reason in the history."""
        self._new_minutes(text, tasks, actor)

    @event("TaskFollowedUp")
    def follow_up_task(self, task_id: str, status: str, note: str, meeting_id: str | None, actor: str) -> None:
        """A task's new status, optionally at a later meeting (`meeting_id`)."""
        self.task_status[task_id] = status

    @event("AttachmentAdded")
    def add_attachment(self, attachment_id: str, sha256: str, name: str, media_type: str, size: int, actor: str) -> None:
        """A file with the minutes; `name` is sealed with the file's key (`events.attachments`)."""
        self.files[attachment_id] = {"sha256": sha256, "name": name, "type": media_type, "size": size,
                                     "removed": False, "destroyed": False}

    @event("AttachmentRemoved")
    def remove_attachment(self, attachment_id: str, actor: str) -> None:
        self.files[attachment_id]["removed"] = True

    @event("AttachmentDestroyed")
    def destroy_attachment(self, attachment_id: str, reason: str, actor: str) -> None:
        self.files[attachment_id]["destroyed"] = True

    @property
    def files(self) -> dict:
        """The attachments by id (snapshots taken before attachments existed have none)."""
        return self.__dict__.setdefault("attachments", {})

    def _new_minutes(self, text: dict, tasks: list[dict], actor: str) -> None:
        self.minutes = text
        self.tasks = {task["id"]: task["organisation"] for task in tasks}
        self.minutes_version += 1
        self.minutes_by = actor

    @property
    def series(self) -> str:
        return series_of(self.kind, self.working_group)

    @property
    def locked(self) -> bool:
        return self.approved_by is not None


def day_before(day: str) -> str:
    return (date.fromisoformat(day) - timedelta(days=1)).isoformat()


def series_of(kind: str, working_group: str | None) -> str:
    return f"group:{working_group}" if kind == "arbetsgruppsmote" else "county"


def task_id(meeting_id, agenda_index: int, n: int) -> str:
    """A task's id: its place in the minutes (agenda item, order), stable across versions."""
    return str(uuid5(UUID(str(meeting_id)), f"task/{agenda_index}/{n}"))
