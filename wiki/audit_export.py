"""Audit views of the stored log and the membership export, shared by the API, pages and CLI."""

import csv
import io
import json
from typing import Iterator
from uuid import UUID

from events.personal_data import erased_fields, unseal

EXPORT_BATCH = 500
SKIPPED = {"originator_id", "originator_version", "timestamp", "originator_topic"}
REDACTED = {"password_hash", "token_hash", "session_hash", "keep"}
SEALED_TEXTS = ("LearningExample", "Meeting")  # aggregates whose `text` is a sealed revision (examples, minutes)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may run as a formula (OWASP)
EXPORT_COLUMNS = ["organisation", "organisation_name", "role", "person_id", "name", "email", "phone", "title",
                  "from", "to", "appointed_by_form", "submitted_by", "submitted_at", "approved_by", "approved_at",
                  "ended_by_form", "end_submitted_by", "end_approved_by", "end_approved_at"]


def _plain(value):
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def event_item(notification, event, app=None, names: dict | None = None) -> dict:
    """One stored event for auditors. `actor` is the acting account's username (None once it is
    erased: `actor_erased`), `actor_id` its id; `names` caches them between calls."""
    data = {k: ("[skyddat]" if k in REDACTED else _plain(v)) for k, v in vars(event).items() if k not in SKIPPED}
    ref = data.get("actor")
    if app is not None and ref:
        if names is None or ref not in names:
            found = app.actor_name(ref)
            if names is None:
                names = {}
            names[ref] = found
        actor, actor_id = names[ref]
    else:
        actor, actor_id = ref, None
    if isinstance(data.get("username"), dict):  # an account's name, sealed under its key
        opened = app and app.open_account_name(event.username)
        data = {**data, "username": opened, **({} if opened else {"username_erased": True})}
    if "sealed" in data:  # a person's data: shown while their key exists, "raderad person" after
        person_id = str(notification.originator_id)
        fields = app and unseal(app.person_keys.get(person_id), person_id, event.sealed)
        data = {"actor": ref, **(fields or erased_fields()), "erased": not fields, "sealed": "[krypterat]"}
    if type(event).__qualname__.split(".")[0] in SEALED_TEXTS and isinstance(data.get("text"), dict):
        opened = app and app.revisions.open(event.text)  # a revision: readable until its key is destroyed
        data = {**{k: v for k, v in data.items() if k != "text"}, "text": "[krypterat]",
                **({"content": opened.get("content"), "comment": opened.get("comment")} if opened
                   else {"suppressed": True})}
    return {
        "position": notification.id, "aggregate_id": str(notification.originator_id),
        "version": notification.originator_version, "type": type(event).__qualname__,
        "at": event.timestamp.isoformat().replace("+00:00", "Z"),
        "actor": actor, "actor_id": actor_id, "actor_erased": bool(actor_id) and actor is None, "data": data,
    }


def unreadable_item(notification) -> dict:
    """A stored row whose state no longer decodes (altered behind the application's back)."""
    return {"position": notification.id, "aggregate_id": str(notification.originator_id),
            "version": notification.originator_version, "type": str(notification.topic).rsplit(":", 1)[-1],
            "at": "", "actor": None, "actor_id": None, "actor_erased": False, "data": {"unreadable": True}}


def matches(item: dict, type_: str | None, actor: str | None, aggregate: str | None) -> bool:
    if type_ and item["type"] != type_ and item["type"].split(".")[0] != type_ and item["type"].split(".")[-1] != type_:
        return False
    if actor and item["actor"] != actor:
        return False
    if aggregate and item["aggregate_id"] != aggregate:
        return False
    return True


def stored_events(app, after: int, limit: int, type_=None, actor=None, aggregate=None,
                  scan_limit: int = 20_000) -> tuple[list[dict], int | None]:
    """Events after `after` in log order, filtered; and where to continue (None at the end)."""
    items: list[dict] = []
    names: dict = {}
    position, scanned = after, 0
    while len(items) < limit and scanned < scan_limit:
        notifications = app.recorder.select_notifications(start=position, limit=500, inclusive_of_start=False)
        if not notifications:
            return items, None
        for notification in notifications:
            position = notification.id
            scanned += 1
            try:
                item = event_item(notification, app.mapper.to_domain_event(notification), app, names)
            except Exception:  # noqa: BLE001 - a stored row that no longer decodes: shown, not a crash
                item = unreadable_item(notification)
            if matches(item, type_, actor, aggregate):
                items.append(item)
                if len(items) >= limit:
                    break
    head = app.recorder.max_notification_id() or 0
    return items, (position if position < head else None)


def membership_rows(terms: list[dict]) -> list[dict]:
    rows = []
    for term in terms:
        person = term.get("person") or {}
        appointed = term["appointed_by_form"]
        ended = term["ended_by_form"] or {}
        rows.append({
            "organisation": term["organisation"]["slug"], "organisation_name": term["organisation"]["name"],
            "role": term["role"], "person_id": term["person_id"], "name": person.get("name"),
            "email": person.get("email"), "phone": person.get("phone"), "title": person.get("title"),
            "from": term["from"], "to": term["to"], "appointed_by_form": appointed["id"],
            "submitted_by": appointed["submitted_by"], "submitted_at": appointed["submitted_at"],
            "approved_by": appointed["approved_by"], "approved_at": appointed["approved_at"],
            "ended_by_form": ended.get("id"), "end_submitted_by": ended.get("submitted_by"),
            "end_approved_by": ended.get("approved_by"), "end_approved_at": ended.get("approved_at"),
        })
    return rows


def csv_cell(value) -> str:
    """A cell a spreadsheet shows as text: one that could start a formula gets a leading `'`."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(rows: list[dict], header: bool = True) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    if header:
        writer.writeheader()
    for row in rows:
        writer.writerow({k: csv_cell(v) for k, v in row.items()})
    return out.getvalue()


def to_jsonl(rows: list[dict]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def log_export_lines(services) -> Iterator[str]:
    """The log export (`events.log_export`): every stored row up to the log's head now, a line at a
    time. Its size is the Merkle tree's when the tree has reached the head, else counted from the
    log, so a damaged tree never shortens the export."""
    from events.log_export import FORMAT, row_line
    tree, recorder = services.audit_tree, services.wiki.recorder
    head = recorder.max_notification_id() or 0
    size = tree.update(head=head)
    if tree.last_position() != head:
        size = sum(len(batch) for batch in _batches(recorder, head))
    yield json.dumps({"format": FORMAT, "origin": tree.origin, "size": size}, ensure_ascii=False) + "\n"
    for batch in _batches(recorder, head):
        for row in batch:
            yield row_line(row)


def _batches(recorder, head: int):
    after = 0
    while after < head:
        rows = recorder.select_notifications(start=after, limit=1000, inclusive_of_start=False, stop=head)
        if not rows:
            return
        yield rows
        after = rows[-1].id


def log_export_response():
    from flask import Response, stream_with_context

    from .services import services
    return Response(stream_with_context(log_export_lines(services())), mimetype="application/x-ndjson",
                    headers={"Content-Disposition": "attachment; filename=handelselogg.jsonl"})
