"""Working groups and tasks: the groups' list, page and forms, and "Våra uppdrag".

Signed-in users read; coordinators and admins create groups and change their members. A task is
followed up by its organisation's members and by coordinators (the domain decides; these pages
show the forms that may succeed)."""

import re

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from events.errors import DomainError, ValidationError
from events.meeting_commands import today
from events.meetings import GROUP_STATUS_LABELS, MEETING_STATUS_LABELS, TASK_STATUS_LABELS, TASK_STATUSES
from events.messages import Message, N_, msg

from ..errors import status_of
from ..i18n import Labels, translate
from ..services import services
from . import bp

TASK_ORDER = {status: n for n, status in enumerate(TASK_STATUSES)}

GROUP_FIELDS = {"name": N_("Namn"), "mandate": N_("Mandat (Markdown)"),
                "convenor": N_("Sammankallande organisation"), "members": N_("Medlemmar"), "start": N_("Startar"),
                "end": N_("Slutar (frivilligt)"), "slug": N_("Namn")}
FOLLOW_UP_FIELDS = {"status": N_("Status"), "note": N_("Anteckning")}
FILTER_FIELDS = {"status": N_("Status"), "organisation": N_("Organisation")}
INDEXED = re.compile(r"(\w+)\[(\d+)\]")


# ---- shared ------------------------------------------------------------------------------------

def _sign_in():
    return redirect(url_for("pages.sign_in", next=request.full_path.rstrip("?")))


def _form_error(error: DomainError, labels: dict, lists: dict | None = None) -> str:
    """The error in the reader's language, naming the field as the form labels it ("Slutar: …", not
    "end: …"); a list's item by its value ("Medlemmar (okand): …")."""
    message = error.message
    field = str(getattr(error, "field", "") or "")
    indexed = INDEXED.fullmatch(field)
    label = None
    if field in labels:
        label = _(labels[field])
    elif indexed and indexed.group(1) in labels:
        values = (lists or {}).get(indexed.group(1), [])
        index = int(indexed.group(2))
        label = _(labels[indexed.group(1)]) + (f" ({values[index]})" if index < len(values) else "")
    if label and isinstance(message, Message) and message.params.get("field") == field:
        return translate(Message(message.template, **{**message.params, "field": label}))
    text = translate(message)
    if label and text.startswith(f"{field}:"):
        return label + text[len(field):]
    return text


def _active_organisations() -> list[dict]:
    return [o for o in services().pages.organisations() if not o["left_on"]]


def _names() -> dict:
    return {o["slug"]: o["name"] for o in services().pages.organisations()}


# ---- working groups ------------------------------------------------------------------------------

@bp.get("/arbetsgrupper")
def working_groups():
    if not g.actor.signed_in:
        return _sign_in()
    return render_template("working_groups.html", groups=services().pages.working_groups(), names=_names(),
                           group_statuses=Labels(GROUP_STATUS_LABELS))


def _group_form(values: dict, error: str | None = None, status: int = 200):
    return render_template("working_group_form.html", values=values, organisations=_active_organisations(),
                           error=error), status


@bp.route("/arbetsgrupper/ny", methods=["GET", "POST"])
def new_working_group():
    if not g.actor.signed_in:
        return _sign_in()
    if not g.actor.curates:
        abort(403)
    if request.method == "GET":
        return _group_form({"name": "", "mandate": "", "convenor": "", "members": [], "start": today(), "end": ""})
    form = request.form
    values = {name: form.get(name, "") for name in ("name", "mandate", "convenor", "start", "end")}
    values["members"] = form.getlist("members")
    data = {"name": values["name"], "mandate": values["mandate"], "convenor": values["convenor"],
            "members": values["members"], "start": values["start"].strip() or None,
            "end": values["end"].strip() or None}
    try:
        slug, position = services().wiki.create_working_group(g.actor, data)
    except DomainError as error:
        return _group_form(values, _form_error(error, GROUP_FIELDS, {"members": values["members"]}),
                           status_of(error))
    services().pages.wait_for(position)
    flash(_("Arbetsgruppen är skapad."), "ok")
    return redirect(url_for("pages.working_group", slug=slug))


def _found_group(slug: str) -> dict:
    group = services().pages.working_group(slug) if len(slug) <= 120 else None
    if group is None:
        abort(404)
    return group


def _group_page(group: dict, error: str | None = None, failed: str | None = None, values: dict | None = None,
                status: int = 200):
    pages = services().pages
    current = {"members": group["members"], "on": today(), "end": today()}
    return render_template(
        "working_group.html", group=group, names=_names(), organisations=_active_organisations(),
        meetings=pages.meetings(working_group=group["slug"], limit=1000),
        tasks=pages.tasks(status="open", working_group=group["slug"]), today=today(),
        group_statuses=Labels(GROUP_STATUS_LABELS), meeting_statuses=Labels(MEETING_STATUS_LABELS),
        values={**current, **(values or {})}, error=error, failed=failed), status


@bp.get("/arbetsgrupper/<slug>")
def working_group(slug):
    if not g.actor.signed_in:
        return _sign_in()
    return _group_page(_found_group(slug))


def _change_group(slug: str, data: dict, failed: str, values: dict, labels: dict, done: str):
    if not g.actor.signed_in:
        return redirect(url_for("pages.sign_in", next=url_for("pages.working_group", slug=slug)))
    if not g.actor.curates:
        abort(403)
    group = _found_group(slug)
    try:
        position = services().wiki.change_working_group(g.actor, group["slug"], data)
    except DomainError as error:
        text = _form_error(error, labels, {"members": data.get("members", [])})
        return _group_page(group, error=text, failed=failed, values=values, status=status_of(error))
    services().pages.wait_for(position)
    flash(done, "ok")
    return redirect(url_for("pages.working_group", slug=group["slug"]))


@bp.post("/arbetsgrupper/<slug>/medlemmar")
def change_group_members(slug):
    members, on = request.form.getlist("members"), request.form.get("on", "").strip()
    return _change_group(slug, {"members": members, "on": on or None}, "members", {"members": members, "on": on},
                         {"members": N_("Medlemmar"), "on": N_("Från och med")}, _("Medlemmarna är ändrade."))


@bp.post("/arbetsgrupper/<slug>/avsluta")
def close_working_group(slug):
    end = request.form.get("end", "").strip()
    data = {"status": "closed", "end": end}
    return _change_group(slug, data, "close", {"end": end}, {"end": N_("Sista dag"), "status": N_("Status")},
                         _("Arbetsgruppen är avslutad."))


# ---- tasks -------------------------------------------------------------------------------------------

def _may_follow_up(task: dict) -> bool:
    return g.actor.curates or (g.actor.role == "member" and g.actor.organisation == task["organisation"])


def _task_filters() -> tuple[str | None, str | None, ValidationError | None]:
    """The organisation and status shown, and what was wrong with the query: a member sees their own
    organisation's tasks; those who read everything choose. Unknown values are refused, never guessed."""
    own = None if g.actor.reads_everything else g.actor.organisation
    status = request.args.get("status") or None
    if status is not None and status not in TASK_STATUSES:
        return own, None, ValidationError(msg("status: open, done eller cancelled."), "status")
    if not g.actor.reads_everything:
        return own, status, None
    organisation = request.args.get("organisation") or None
    if organisation is not None and services().pages.organisation(organisation) is None:
        return None, status, ValidationError(msg("%(field)s: okänd organisation.", field="organisation"),
                                             "organisation")
    return organisation, status, None


def _tasks_page(error: str | None = None, failed: str | None = None, status: int = 200):
    pages = services().pages
    organisation, task_status, bad = _task_filters()
    if bad is not None:
        error, status = _form_error(bad, FILTER_FIELDS), 400
    if organisation is None and not g.actor.reads_everything:
        items = []
    else:
        items = sorted(pages.tasks(organisation, task_status), key=lambda t: TASK_ORDER.get(t["status"], 9))
    if failed not in {item["id"] for item in items}:
        failed = None  # the refused task is not on this list: its error goes above the list
    day = today()
    for item in items:
        item["overdue"] = item["status"] == "open" and item["due"] < day
        item["may_follow_up"] = _may_follow_up(item)
        item["followups"] = pages.task_followups(item["id"])
    return render_template(
        "tasks.html", items=items, organisation=organisation, status=task_status,
        organisations=pages.organisations() if g.actor.reads_everything else [],
        own=None if g.actor.reads_everything else pages.organisation(g.actor.organisation or ""),
        task_statuses=Labels(TASK_STATUS_LABELS), error=error, failed=failed,
        form=request.form if failed else {}), status


@bp.get("/uppdrag")
def tasks():
    if not g.actor.signed_in:
        return _sign_in()
    return _tasks_page()


@bp.post("/uppdrag/<task_id>")
def follow_up_task(task_id):
    if not g.actor.signed_in:
        return redirect(url_for("pages.sign_in", next=url_for("pages.tasks")))
    task = services().pages.task(task_id) if len(task_id) <= 40 else None
    if task is None:
        abort(404)
    data = {"status": request.form.get("status", ""), "note": request.form.get("note", "")}
    try:
        position = services().wiki.follow_up_task(g.actor, task["meeting_id"], task_id, data)
    except DomainError as error:
        return _tasks_page(_form_error(error, FOLLOW_UP_FIELDS), failed=task_id, status=status_of(error))
    services().pages.wait_for(position)
    flash(_("Uppdraget är uppföljt."), "ok")
    organisation, status, bad = _task_filters()  # the list the form was on, from the form's address
    if bad is not None:
        organisation, status = None, None
    return redirect(url_for("pages.tasks", organisation=organisation if g.actor.reads_everything else None,
                            status=status, _anchor=f"uppdrag-{task_id}"))
