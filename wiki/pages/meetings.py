"""Meeting pages: the calendar list, planning, and the meeting page with its agenda, attendance,
minutes, approval, corrections and history. Every signed-in reader reads them; coordinators and
admins write (the domain's rules decide, these pages only show the forms that may succeed)."""

from datetime import date, timedelta

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.routing import BuildError

from events.errors import DomainError, EditConflict, ValidationError
from events.meeting_commands import AGENDA_MAX, TASKS_MAX, today
from events.meetings import ATTENDANCE_LABELS, KIND_LABELS, MEETING_STATUS_LABELS, TASK_STATUS_LABELS
from events.messages import N_, msg
from events.permissions import can_suppress_revisions
from events.personal_data import ERASED_NAME
from events.rendering import render_markdown

from ..errors import status_of
from ..i18n import Labels, translate
from ..services import services
from . import bp
from .attachments import meeting_files


AGENDA_ROWS = 3     # empty agenda rows the plan form offers
TASK_ROWS = 1       # empty task rows per agenda item in the minutes form
MORE_ROWS = 3       # rows added by the forms' "more rows" button (no script needed)


@bp.record_once
def _labels_in_templates(state) -> None:
    state.app.jinja_env.globals.update(
        MEETING_KINDS=Labels(KIND_LABELS), MEETING_STATUSES=Labels(MEETING_STATUS_LABELS),
        ATTENDANCE=Labels(ATTENDANCE_LABELS), TASK_STATUSES=Labels(TASK_STATUS_LABELS))


# ---- access --------------------------------------------------------------------------------

def _sign_in(next_path: str):
    return redirect(url_for("pages.sign_in", next=next_path))


def _found(meeting_id: str) -> dict:
    meeting = services().pages.meeting(meeting_id) if len(meeting_id) <= 40 else None
    if meeting is None:
        abort(404)
    return meeting


def _writer(meeting_id: str | None = None):
    """None when the signed-in actor may write meetings; otherwise the answer (sign-in, 403)."""
    if not g.actor.signed_in:
        return _sign_in(url_for("pages.meeting", meeting_id=meeting_id) if meeting_id
                        else request.full_path.rstrip("?"))
    if not g.actor.curates:
        abort(403)
    return None


def _done(position: int, message: str, meeting_id: str, anchor: str | None = None):
    """Post/redirect/get: the write is visible on the page the reader is sent to."""
    services().pages.wait_for(position)
    flash(message, "ok")
    return redirect(url_for("pages.meeting", meeting_id=meeting_id, _anchor=anchor))


def _error_text(error: DomainError, labels: dict) -> str:
    """The error in the reader's language, naming the field as the form labels it
    ("Datum: …", not "date: …")."""
    text = translate(error.message)
    field = getattr(error, "field", None)
    if field in labels and text.startswith(f"{field}:"):
        text = labels[field] + text[len(field):]
    return text


# ---- the calendar list ------------------------------------------------------------------------

@bp.get("/moten")
def meetings():
    if not g.actor.signed_in:
        return _sign_in(request.full_path.rstrip("?"))
    pages = services().pages
    day = today()
    yesterday = (date.fromisoformat(day) - timedelta(days=1)).isoformat()
    return render_template("meetings.html", coming=pages.meetings(start=day, limit=1000),
                           past=list(reversed(pages.meetings(end=yesterday, limit=5000))),
                           groups={group["slug"]: group["name"] for group in pages.working_groups()})


# ---- planning ------------------------------------------------------------------------------------

# The plan form's fields by their name in the API, as the form labels them.
PLAN_LABELS = {"title": N_("Rubrik"), "kind": N_("Typ av möte"), "working_group": N_("Arbetsgrupp"),
               "date": N_("Datum"), "starts_at": N_("Börjar"), "ends_at": N_("Slutar"),
               "place": N_("Plats eller länk")}


def _row_count(form, prefix: str, maximum: int) -> int:
    """How many numbered rows (`prefix0-…`, `prefix1-…`) the posted form had."""
    return max((n + 1 for n in range(maximum) if f"{prefix}{n}-title" in form), default=0)


def _plan_values(form) -> dict:
    rows = _row_count(form, "agenda-", AGENDA_MAX)
    return {name: form.get(name, "") for name in PLAN_LABELS} | {
        "agenda": [{"title": form.get(f"agenda-{n}-title", ""), "text": form.get(f"agenda-{n}-text", "")}
                   for n in range(rows)]}


def _plan_from_form(values: dict) -> tuple[dict, dict]:
    """The plan in the API's shape, and the form's label for each field an error may name."""
    labels = {name: _(label) for name, label in PLAN_LABELS.items()}
    agenda = []
    for n, row in enumerate(values["agenda"]):
        if not (row["title"].strip() or row["text"].strip()):
            continue
        where = _("Punkt %(n)s", n=n + 1)
        labels[f"agenda[{len(agenda)}].title"] = f"{where}, {_('Rubrik')}"
        labels[f"agenda[{len(agenda)}].text"] = f"{where}, {_('Text')}"
        agenda.append({"title": row["title"], "text": row["text"]})
    data = {"title": values["title"], "kind": values["kind"], "date": values["date"],
            "starts_at": values["starts_at"], "ends_at": values["ends_at"], "place": values["place"],
            "agenda": agenda}
    if values["kind"] == "arbetsgruppsmote":
        data["working_group"] = values["working_group"] or None
    return data, labels


def _plan_form(values: dict, error: str | None = None, status: int = 200):
    missing = max(0, AGENDA_ROWS - sum(1 for row in values["agenda"] if row["title"] or row["text"]))
    values["agenda"] = values["agenda"] + [{"title": "", "text": ""}] * missing
    groups = [group for group in services().pages.working_groups() if group["status"] == "active"]
    return render_template("meeting_form.html", values=values, groups=groups, error=error), status


@bp.route("/moten/ny", methods=["GET", "POST"])
def plan_meeting():
    denied = _writer()
    if denied:
        return denied
    if request.method == "GET":
        return _plan_form({name: "" for name in PLAN_LABELS} | {
            "kind": "lansgruppsmote", "starts_at": "09:00", "ends_at": "15:00", "agenda": []})
    values = _plan_values(request.form)
    if request.form.get("action") == "rows":
        values["agenda"] += [{"title": "", "text": ""}] * MORE_ROWS
        return _plan_form(values)
    data, labels = _plan_from_form(values)
    try:
        meeting_id, position = services().wiki.plan_meeting(g.actor, data)
    except DomainError as error:
        return _plan_form(values, error=_error_text(error, labels), status=status_of(error))
    return _done(position, _("Mötet är planerat."), meeting_id)


# ---- the meeting page ------------------------------------------------------------------------------

@bp.get("/moten/<meeting_id>")
def meeting(meeting_id):
    if not g.actor.signed_in:
        return _sign_in(request.full_path.rstrip("?"))
    return _meeting_page(_found(meeting_id))


def _html(text: str) -> str:
    return render_markdown(text or "").html


def _with_html(items: list[dict]) -> list[dict]:
    return [{**item, "html": _html(item.get("text"))} for item in items]


def _group_link(slug: str | None) -> str | None:
    """The working group's page, once the site has one."""
    try:
        return url_for("pages.working_group", slug=slug) if slug else None
    except BuildError:
        return None


def _people() -> tuple[list[dict], dict[str, set]]:
    """Everyone in the register who held a role (not erased), for "another person" in the attendance
    form, and per organisation the ids of those who held one of its roles (listed first)."""
    people: dict[str, dict] = {}
    people_of: dict[str, set] = {}
    for term in services().pages.all_terms():
        if term["person"]["name"] == ERASED_NAME:
            continue
        people.setdefault(term["person_id"], {"id": term["person_id"],
                                              "label": f"{term['person']['name']} ({term['organisation']['name']})"})
        people_of.setdefault(term["organisation"]["slug"], set()).add(term["person_id"])
    return sorted(people.values(), key=lambda person: person["label"].casefold()), people_of


def _attendance_values(meeting: dict, form=None) -> dict:
    """What the attendance form shows per organisation: what is recorded, or what was posted."""
    values = {}
    for entry in meeting["attendance"]:
        slug = entry["organisation"]["slug"]
        if form is None:
            values[slug] = {"status": entry["status"] or "", "person_id": entry["person_id"] or ""}
        else:
            values[slug] = {"status": form.get(f"status-{slug}", ""), "person_id": form.get(f"person-{slug}", "")}
    return values


def _editor_values(meeting: dict, form=None, more_rows: int = 0) -> dict:
    """What the minutes form shows: the current minutes, or what was posted."""
    if form is None:
        current = {item["agenda_index"]: item for item in (meeting["minutes"] or {}).get("items", [])}
        items = []
        for index, point in enumerate(meeting["agenda"]):
            item = current.get(index, {})
            tasks = [{"title": t["title"], "organisation": t["organisation"], "due": t["due"]}
                     for t in item.get("tasks", [])]
            items.append({"index": index, "title": point["title"], "text": item.get("text", ""),
                          "decisions": "\n".join(d["text"] for d in item.get("decisions", [])),
                          "tasks": tasks + [{"title": "", "organisation": "", "due": ""}] * TASK_ROWS})
        return {"base_version": (meeting["minutes"] or {}).get("version", 0), "reason": "", "items": items}
    items = []
    for index, point in enumerate(meeting["agenda"]):
        rows = _row_count(form, f"task-{index}-", TASKS_MAX)
        tasks = [{name: form.get(f"task-{index}-{n}-{name}", "") for name in ("title", "organisation", "due")}
                 for n in range(rows)]
        items.append({"index": index, "title": point["title"], "text": form.get(f"text-{index}", ""),
                      "decisions": form.get(f"decisions-{index}", ""),
                      "tasks": tasks + [{"title": "", "organisation": "", "due": ""}] * more_rows})
    return {"base_version": form.get("base_version", ""), "reason": form.get("reason", ""), "items": items}


def _meeting_page(meeting: dict, status: int = 200, error: str | None = None, failed: str | None = None,
                  form=None, editor: dict | None = None):
    """The meeting page; after a refused form (`failed`), with its error and what was posted."""
    pages = services().pages
    minutes = meeting["minutes"]
    may_write = g.actor.curates and meeting["status"] != "cancelled"
    versions = pages.minutes_versions(meeting["id"])
    approvals = {item["version"]: item for item in pages.meeting_history(meeting["id"])
                 if item["change"] == "minutes_approved"}
    for version in versions:
        version["items"] = _with_html(version["items"])
        version["approval"] = approvals.get(version["version"])
    organisations = pages.organisations()
    people, people_of = _people() if may_write else ([], {})
    return render_template(
        "meeting.html", meeting=meeting, agenda=_with_html(meeting["agenda"]),
        minutes_items=_with_html(minutes["items"]) if minutes else [], versions=versions,
        group=pages.working_group(meeting["working_group"]) if meeting["working_group"] else None,
        group_url=_group_link(meeting["working_group"]),
        names={o["slug"]: o["name"] for o in organisations},
        task_organisations=[o for o in organisations if not o["left_on"]],
        may_write=may_write,
        may_approve=may_write and minutes is not None and not minutes["locked"]
        and minutes["written_by"] != g.actor.username,
        may_cancel=may_write and not minutes and not any(entry["status"] for entry in meeting["attendance"]),
        people=people, people_of=people_of,
        attendance=_attendance_values(meeting, form if failed == "attendance" else None),
        editor=(editor or _editor_values(meeting)) if may_write else None,
        error=error, failed=failed, today=today(), attachments=meeting_files(meeting["id"]),
        may_destroy=can_suppress_revisions(g.actor),
        max_attachment_mb=round(services().wiki.attachment_max_bytes / (1024 * 1024), 1)), status


def _refused(meeting: dict, error: DomainError, failed: str, labels: dict | None = None, editor: dict | None = None,
             note: str | None = None):
    """The meeting page as it is now, with the refused form's error (and `note`) and what was posted."""
    services().pages.catch_up()
    fresh = services().pages.meeting(meeting["id"]) or meeting
    text = _error_text(error, labels or {}) + (f" {note}" if note else "")
    return _meeting_page(fresh, status=status_of(error), error=text, failed=failed, form=request.form, editor=editor)


# ---- attendance -------------------------------------------------------------------------------------

def _attendance_from_form(meeting: dict, form) -> tuple[list[dict], dict]:
    items, labels = [], {}
    for entry in meeting["attendance"]:
        slug, name = entry["organisation"]["slug"], entry["organisation"]["name"]
        status = form.get(f"status-{slug}", "")
        if not status:
            continue
        item = {"organisation": slug, "status": status}
        if status == "other" and form.get(f"person-{slug}"):
            item["person_id"] = form[f"person-{slug}"]
        n = len(items)
        labels.update({f"items[{n}].organisation": name, f"items[{n}].status": f"{name}, {_('Närvaro')}",
                       f"items[{n}].person_id": f"{name}, {_('Vem deltog')}"})
        items.append(item)
    return items, labels


@bp.post("/moten/<meeting_id>/narvaro")
def record_attendance(meeting_id):
    denied = _writer(meeting_id)
    if denied:
        return denied
    meeting = _found(meeting_id)
    items, labels = _attendance_from_form(meeting, request.form)
    try:
        if not items:
            raise ValidationError(msg("Välj närvaro för minst en organisation."))
        position = services().wiki.record_attendance(g.actor, meeting["id"], {"items": items})
    except DomainError as error:
        return _refused(meeting, error, "attendance", labels)
    return _done(position, _("Närvaron är sparad."), meeting["id"], "narvaro")


# ---- minutes ----------------------------------------------------------------------------------------

def _minutes_from_form(editor: dict) -> tuple[list[dict], dict]:
    """The minutes in the API's shape (agenda items with something written), and the form's label for
    each field an error may name."""
    items, labels = [], {}
    for item in editor["items"]:
        decisions = [line.strip() for line in item["decisions"].splitlines() if line.strip()]
        tasks = [task for task in item["tasks"] if any(value.strip() for value in task.values())]
        if not (item["text"].strip() or decisions or tasks):
            continue
        where = _("Punkt %(n)s", n=item["index"] + 1)
        n = len(items)
        labels[f"items[{n}].text"] = f"{where}, {_('Protokolltext')}"
        for d in range(len(decisions)):
            labels[f"items[{n}].decisions[{d}].text"] = f"{where}, {_('Beslut %(n)s', n=d + 1)}"
        for t in range(len(tasks)):
            task = f"{where}, {_('Uppdrag %(n)s', n=t + 1)}"
            labels.update({f"items[{n}].tasks[{t}].title": f"{task}, {_('Beskrivning')}",
                           f"items[{n}].tasks[{t}].organisation": f"{task}, {_('Ansvarig organisation')}",
                           f"items[{n}].tasks[{t}].due": f"{task}, {_('Klart senast')}"})
        items.append({"agenda_index": item["index"], "text": item["text"],
                      "decisions": [{"text": text} for text in decisions], "tasks": tasks})
    return items, labels


def _base_version(raw: str) -> int:
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        raise ValidationError(msg("Formuläret saknar protokollets version; ladda om sidan."), "base_version")
    return int(raw)


def _save_minutes(meeting_id: str, correction: bool):
    denied = _writer(meeting_id)
    if denied:
        return denied
    meeting = _found(meeting_id)
    if request.form.get("action") == "rows":
        return _meeting_page(meeting, failed="minutes", editor=_editor_values(meeting, request.form, MORE_ROWS))
    editor = _editor_values(meeting, request.form)
    items, labels = _minutes_from_form(editor)
    labels["reason"] = _("Skäl till rättelsen")
    wiki = services().wiki
    try:
        data = {"base_version": _base_version(editor["base_version"]), "items": items}
        if correction:
            version, position = wiki.correct_minutes(g.actor, meeting["id"], {**data, "reason": editor["reason"]})
        else:
            version, position = wiki.write_minutes(g.actor, meeting["id"], data)
    except EditConflict as error:
        # The reader's text stays in the form, now based on the current version: saving again replaces it.
        editor["base_version"] = error.current_version
        return _refused(meeting, error, "minutes", editor=editor, note=_(
            "Det du skrev är inte sparat men står kvar i formuläret. Läs den nya versionen ovan; sparar du igen "
            "ersätter din text den."))
    except DomainError as error:
        return _refused(meeting, error, "minutes", labels, editor=editor)
    message = _("Protokollet är rättat (version %(version)s).", version=version) if correction else \
        _("Protokollet är sparat (version %(version)s).", version=version)
    return _done(position, message, meeting["id"], "protokoll")


@bp.post("/moten/<meeting_id>/protokoll")
def write_minutes(meeting_id):
    return _save_minutes(meeting_id, correction=False)


@bp.post("/moten/<meeting_id>/rattelse")
def correct_minutes(meeting_id):
    return _save_minutes(meeting_id, correction=True)


@bp.post("/moten/<meeting_id>/justera")
def approve_minutes(meeting_id):
    """Approval of the version the coordinator read: a newer one must be read first."""
    denied = _writer(meeting_id)
    if denied:
        return denied
    meeting = _found(meeting_id)
    read = request.form.get("version", "")
    current = (meeting["minutes"] or {}).get("version")
    try:
        if current is not None and read != str(current):
            raise EditConflict(msg("Protokollet har ändrats sedan du läste det; nu är det version %(current)s. "
                                   "Läs det och justera igen.", current=current), current_version=current)
        position = services().wiki.approve_minutes(g.actor, meeting["id"], {"version": current})
    except DomainError as error:
        return _refused(meeting, error, "approve")
    return _done(position, _("Protokollet är justerat och låst."), meeting["id"], "protokoll")


# ---- cancelling ---------------------------------------------------------------------------------------

@bp.post("/moten/<meeting_id>/installa")
def cancel_meeting(meeting_id):
    denied = _writer(meeting_id)
    if denied:
        return denied
    meeting = _found(meeting_id)
    try:
        position = services().wiki.cancel_meeting(g.actor, meeting["id"], {"reason": request.form.get("reason", "")})
    except DomainError as error:
        return _refused(meeting, error, "cancel", {"reason": _("Skäl")})
    return _done(position, _("Mötet är inställt."), meeting["id"])
