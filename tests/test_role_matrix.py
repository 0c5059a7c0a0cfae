"""The role matrix: every rule in the app's URL map, for every kind of user, against an explicit
table of what each may do. A route without an entry in the table fails the test.

Roles: anonymous, a member of the organisation that owns the objects (maja, falu-kommun), a
member of another organisation (olle, mora-kommun), the coordinator (eva), an auditor (gun)
and an admin (adam).

Outcomes:
- ALLOWED: 2xx, or a redirect that is not to the sign-in page;
- SIGN_IN: 401 (API) or a redirect to /logga-in (pages);
- FORBIDDEN: 403;
- HIDDEN: 404 (the object exists but this reader may not know it);
- INVALID: 400 (the role may try; the request itself was refused for its content).

Reads use shared objects made once per world. Writes use fresh objects made for each request
(so one role's write never changes what the next role sees); a refused write must record
nothing, and an allowed write that changes something must move the event log.
"""

import io
import itertools
import os
import re
from dataclasses import dataclass, field
from typing import Callable
from datetime import date, timedelta
from urllib.parse import urlsplit
from uuid import UUID

import pytest
from flask import url_for

from events.permissions import Actor
from tests import file_samples as samples
from tests.conftest import PASSWORD

ROLES = ("anonymous", "own_member", "other_member", "coordinator", "auditor", "admin")
USERS = {"anonymous": None, "own_member": "maja", "other_member": "olle", "coordinator": "eva",
         "auditor": "gun", "admin": "adam"}

ALLOWED, SIGN_IN, FORBIDDEN, HIDDEN, INVALID = "allowed", "sign-in", "403", "404-hidden", "400"


def expect(anonymous, own_member, other_member, coordinator, auditor, admin) -> dict:
    return dict(zip(ROLES, (anonymous, own_member, other_member, coordinator, auditor, admin)))


PUBLIC = expect(ALLOWED, ALLOWED, ALLOWED, ALLOWED, ALLOWED, ALLOWED)
SIGNED_IN = expect(SIGN_IN, ALLOWED, ALLOWED, ALLOWED, ALLOWED, ALLOWED)
READS_ALL = expect(SIGN_IN, FORBIDDEN, FORBIDDEN, ALLOWED, ALLOWED, ALLOWED)   # auditor, coordinator, admin
CURATES = expect(SIGN_IN, FORBIDDEN, FORBIDDEN, ALLOWED, FORBIDDEN, ALLOWED)   # coordinator, admin
WRITES = expect(SIGN_IN, ALLOWED, ALLOWED, ALLOWED, FORBIDDEN, ALLOWED)
OWN_ORGANISATION_WRITES = expect(SIGN_IN, ALLOWED, FORBIDDEN, ALLOWED, FORBIDDEN, ALLOWED)
DRAFT_READ = expect(HIDDEN, ALLOWED, HIDDEN, ALLOWED, ALLOWED, ALLOWED)
DRAFT_PAGE_WRITE = expect(SIGN_IN, ALLOWED, HIDDEN, ALLOWED, FORBIDDEN, ALLOWED)
DRAFT_WRITE = expect(SIGN_IN, ALLOWED, HIDDEN, ALLOWED, FORBIDDEN, ALLOWED)
PUBLISHED_WRITE = expect(SIGN_IN, ALLOWED, FORBIDDEN, ALLOWED, FORBIDDEN, ALLOWED)
DRAFT_CURATES = expect(SIGN_IN, FORBIDDEN, HIDDEN, ALLOWED, FORBIDDEN, ALLOWED)   # publish, return
OWN_REQUEST_READ = expect(SIGN_IN, ALLOWED, HIDDEN, ALLOWED, ALLOWED, ALLOWED)
ADMIN_ONLY = expect(SIGN_IN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED)
SIGNED_IN_TRIES = expect(SIGN_IN, INVALID, INVALID, INVALID, INVALID, INVALID)
MAJAS_OWN = expect(SIGN_IN, ALLOWED, HIDDEN, HIDDEN, HIDDEN, HIDDEN)   # maja's own subscription
ALL_INVALID = expect(INVALID, INVALID, INVALID, INVALID, INVALID, INVALID)
ALL_HIDDEN = expect(HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN)
ALL_HIDDEN_SIGNED_IN = expect(SIGN_IN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN)   # no such issue yet


@dataclass
class Case:
    method: str
    expected: dict
    values: dict = field(default_factory=dict)      # URL parameter -> Objects.value name
    query: str = ""
    json: Callable | dict | None = None             # API body: dict or (objects, role) -> dict
    form: Callable | dict | None = None             # page form: dict or (objects, role) -> dict
    records: bool = False                           # an allowed request appends to the event log
    fresh_token: bool = False                       # send a token issued for this request only
    redirects: bool = False                         # a GET answered by a redirect (not to sign-in) is allowed
    upload: bool = False                            # send a new PDF in the multipart field `file`


def _example_form(objects, role, **extra):
    return {"title": f"Exempel från {role} {objects.serial()}", "summary": "Kort.", "body": "## Bakgrund\n\nText.",
            "owner": objects.organisation_of(role), "violence_forms": ["nara-relation"], "goals": ["forebyggande"],
            "action": "save", **extra}


def _request_json(objects, role):
    return {"organisation": "falu-kommun", "note": "Ny ersättare",
            "changes": [{"action": "appoint", "role": "substitute", "from": objects.next_date(),
                         "person": {"name": f"Person {objects.serial()}", "email": "ersattare@falun.se",
                                    "phone": "023-830 00", "title": "Utvecklingsledare"}}]}


def _request_form(objects, role):
    return {"organisation": "falu-kommun", "action": "submit", "note": "Ny ersättare",
            "appoint-0-role": "substitute", "appoint-0-from": objects.next_date(),
            "appoint-0-name": f"Person {objects.serial()}", "appoint-0-email": "ersattare@falun.se",
            "appoint-0-phone": "023-830 00", "appoint-0-title": "Utvecklingsledare"}


def _meeting_json(objects):
    return {"title": f"Länsgruppsmöte {objects.serial()}", "kind": "lansgruppsmote", "date": "2024-02-29",
            "starts_at": "09:00", "ends_at": "15:00", "place": "Falun", "agenda": [{"title": "Uppdrag"}]}


MINUTES = {"base_version": 0, "items": [{"agenda_index": 0, "text": "Text.", "decisions": [{"text": "Beslut."}],
                                         "tasks": [{"title": "Sprida", "organisation": "falu-kommun",
                                                    "due": "2024-06-30"}]}]}



def _meeting_form(objects):
    return {"title": f"Länsgruppsmöte {objects.serial()}", "kind": "lansgruppsmote", "date": "2024-02-29",
            "starts_at": "09:00", "ends_at": "15:00", "place": "Falun", "agenda-0-title": "Uppdrag",
            "agenda-0-text": ""}


MINUTES_FORM = {"base_version": "0", "text-0": "Text.", "decisions-0": "Beslut.", "task-0-0-title": "Sprida",
                "task-0-0-organisation": "falu-kommun", "task-0-0-due": "2024-06-30"}

MATRIX: dict[str, list[Case]] = {
    # ---- API: meta and tokens ---------------------------------------------------------
    "api.health": [Case("GET", PUBLIC)],
    "api.create_token": [Case("POST", PUBLIC, json={"username": "maja", "password": PASSWORD}, records=True)],
    "api.revoke_token": [Case("DELETE", SIGNED_IN, fresh_token=True, records=True)],
    # ---- API: learning examples ---------------------------------------------------------
    "api.list_examples": [Case("GET", PUBLIC)],
    "api.create_example": [Case("POST", WRITES, records=True,
                                json=lambda o, role: {"title": f"Nytt {role} {o.serial()}",
                                                      "organisations": [o.organisation_of(role)]})],
    "api.read_example": [Case("GET", PUBLIC, {"slug": "published"}), Case("GET", DRAFT_READ, {"slug": "draft"})],
    "api.edit_example": [
        Case("PUT", DRAFT_WRITE, {"slug": "fresh_draft"}, json={"base_version": 1, "summary": "Ändrad."},
             records=True),
        Case("PUT", PUBLISHED_WRITE, {"slug": "fresh_published"}, json={"base_version": 1, "summary": "Ändrad."},
             records=True)],
    "api.example_history": [Case("GET", PUBLIC, {"slug": "published"}), Case("GET", DRAFT_READ, {"slug": "draft"})],
    "api.diff_examples": [Case("GET", PUBLIC, {"slug": "published"}, "from=1&to=2"),
                          Case("GET", DRAFT_READ, {"slug": "draft"}, "from=1&to=1")],
    "api.example_backlinks": [Case("GET", PUBLIC, {"slug": "published"}),
                              Case("GET", DRAFT_READ, {"slug": "draft"})],
    "api.revert_example": [
        Case("POST", DRAFT_WRITE, {"slug": "fresh_edited_draft"}, json={"to_version": 1, "comment": "Tillbaka"},
             records=True),
        Case("POST", PUBLISHED_WRITE, {"slug": "fresh_edited_published"}, json={"to_version": 1}, records=True)],
    "api.publish_example": [Case("POST", DRAFT_CURATES, {"slug": "fresh_draft"}, records=True)],
    "api.submit_for_review": [Case("POST", DRAFT_WRITE, {"slug": "fresh_draft"}, records=True)],
    "api.return_example": [Case("POST", DRAFT_CURATES, {"slug": "fresh_in_review"}, json={"comment": "Komplettera."},
                                records=True)],
    "api.check_example": [Case("GET", DRAFT_WRITE, {"slug": "draft"})],
    "api.suppress_revision": [Case("POST", ADMIN_ONLY, {"slug": "fresh_edited_published", "version": "=1"},
                                   json={"reason": "Namn."}, records=True)],
    "api.upload_attachment": [Case("POST", DRAFT_WRITE, {"slug": "fresh_draft"}, upload=True, records=True),
                              Case("POST", PUBLISHED_WRITE, {"slug": "fresh_published"}, upload=True, records=True)],
    "api.list_attachments": [Case("GET", PUBLIC, {"slug": "published"}), Case("GET", DRAFT_READ, {"slug": "draft"})],
    "api.download_attachment": [Case("GET", PUBLIC, {"attachment_id": "published_attachment"}),
                                Case("GET", DRAFT_READ, {"attachment_id": "draft_attachment"}),
                                Case("GET", DRAFT_READ, {"attachment_id": "draft_attachment_sha"})],
    "api.remove_attachment": [Case("DELETE", DRAFT_WRITE, {"slug": "fresh_attached_draft",
                                                           "attachment_id": "last_attachment"}, records=True)],
    "api.destroy_attachment": [Case("POST", ADMIN_ONLY, {"attachment_id": "fresh_published_attachment"},
                                    json={"reason": "Namn i rapporten."}, records=True)],
    "api.upload_meeting_attachment": [Case("POST", CURATES, {"meeting_id": "fresh_meeting"}, upload=True,
                                           records=True)],
    "api.list_meeting_attachments": [Case("GET", SIGNED_IN, {"meeting_id": "meeting"})],
    "api.remove_meeting_attachment": [Case("DELETE", CURATES, {"meeting_id": "fresh_attached_meeting",
                                                               "attachment_id": "last_attachment"}, records=True)],
    "api.archive_example": [Case("POST", CURATES, {"slug": "fresh_published"}, records=True),
                            Case("POST", expect(SIGN_IN, FORBIDDEN, HIDDEN, ALLOWED, FORBIDDEN, ALLOWED),
                                 {"slug": "fresh_draft"}, records=True)],
    # ---- API: search ---------------------------------------------------------------------
    "api.search": [Case("GET", PUBLIC, query="q=samverkan")],
    # ---- API: organisations ----------------------------------------------------------------
    "api.list_organisations": [Case("GET", PUBLIC)],
    "api.register_organisation": [Case("POST", CURATES, records=True,
                                       json=lambda o, role: {"name": f"Förening {o.serial()}", "kind": "ideell",
                                                             "joined_on": "2015-01-01"})],
    "api.read_organisation": [Case("GET", PUBLIC, {"slug": "organisation"})],
    "api.organisation_history": [Case("GET", SIGNED_IN, {"slug": "organisation"})],
    "api.leave_organisation": [Case("POST", CURATES, {"slug": "fresh_organisation"}, records=True,
                                    json={"on": "2024-06-30", "reason": "Lämnar länsgruppen"})],
    # ---- API: membership register ------------------------------------------------------------
    "api.submit_request": [Case("POST", OWN_ORGANISATION_WRITES, json=_request_json, records=True)],
    "api.list_requests": [Case("GET", SIGNED_IN)],
    "api.read_request": [Case("GET", OWN_REQUEST_READ, {"request_id": "request"})],
    "api.approve_request": [Case("POST", CURATES, {"request_id": "fresh_request"}, records=True)],
    "api.reject_request": [Case("POST", CURATES, {"request_id": "fresh_request"}, json={"reason": "Ofullständig"},
                                records=True)],
    "api.roster": [Case("GET", SIGNED_IN, query="at=2022-06-01")],
    "api.read_person": [Case("GET", SIGNED_IN, {"person_id": "person"})],
    "api.person_history": [Case("GET", SIGNED_IN, {"person_id": "person"})],
    "api.erase_person": [Case("POST", ADMIN_ONLY, {"person_id": "fresh_person"}, records=True)],
    # ---- API: meetings and working groups ------------------------------------------------------
    "api.create_working_group": [Case("POST", CURATES, records=True,
                                      json=lambda o, role: {"name": f"Arbetsgrupp {o.serial()}",
                                                            "convenor": "falu-kommun", "start": "2024-01-01"})],
    "api.list_working_groups": [Case("GET", SIGNED_IN)],
    "api.read_working_group": [Case("GET", SIGNED_IN, {"slug": "working_group"})],
    "api.change_working_group": [Case("PUT", CURATES, {"slug": "fresh_working_group"}, json={"mandate": "Nytt."},
                                      records=True)],
    "api.plan_meeting": [Case("POST", CURATES, json=lambda o, role: _meeting_json(o), records=True)],
    "api.list_meetings": [Case("GET", SIGNED_IN, query="from=2024-01-01")],
    "api.read_meeting": [Case("GET", SIGNED_IN, {"meeting_id": "meeting"})],
    "api.change_meeting": [Case("PUT", CURATES, {"meeting_id": "fresh_meeting"}, json={"title": "Nytt namn"},
                                records=True)],
    "api.cancel_meeting": [Case("POST", CURATES, {"meeting_id": "fresh_meeting"}, json={"reason": "Sjukdom"},
                                records=True)],
    "api.meeting_history": [Case("GET", SIGNED_IN, {"meeting_id": "meeting"})],
    "api.record_attendance": [Case("PUT", CURATES, {"meeting_id": "fresh_meeting"}, records=True,
                                   json={"items": [{"organisation": "falu-kommun", "status": "absent"}]})],
    "api.write_minutes": [Case("PUT", CURATES, {"meeting_id": "fresh_meeting"}, records=True, json=MINUTES)],
    "api.approve_minutes": [Case("POST", CURATES, {"meeting_id": "fresh_minuted_meeting"}, records=True)],
    "api.correct_minutes": [Case("POST", CURATES, {"meeting_id": "fresh_approved_meeting"}, records=True,
                                 json={**MINUTES, "base_version": 1, "reason": "Stavfel"})],
    "api.list_tasks": [Case("GET", SIGNED_IN, query="organisation=falu-kommun")],
    "api.follow_up_task": [Case("PUT", OWN_ORGANISATION_WRITES, {"task_id": "fresh_task"}, json={"status": "done"},
                                records=True)],
    "api.attendance": [Case("GET", SIGNED_IN, query="year=2024")],
    # ---- API: mail settings and subscriptions ---------------------------------------------------
    "api.read_account": [Case("GET", SIGNED_IN)],
    "api.change_account": [Case("PUT", SIGNED_IN, records=True,
                                json=lambda o, role: {"email": f"{role}{o.serial()}@example.se"})],
    "api.subscribe": [Case("POST", SIGNED_IN, json={"kind": "meetings"}, records=True)],
    "api.list_subscriptions": [Case("GET", SIGNED_IN)],
    "api.unsubscribe": [Case("DELETE", MAJAS_OWN, {"subscription_id": "fresh_subscription"}, records=True)],
    "api.erase_account": [Case("POST", ADMIN_ONLY, {"username": "fresh_account"}, records=True)],
    "api.renew_calendar_feed": [Case("POST", SIGNED_IN, records=True)],
    # the feed needs its secret, not a sign-in: an unknown one is 404 for everyone (tests/test_calendar.py)
    "calendar.feed": [Case("GET", ALL_HIDDEN, {"secret": "=finns-inte"})],
    # ---- API: audit -------------------------------------------------------------------------
    "api.audit_events": [Case("GET", READS_ALL)],
    "api.audit_checkpoint": [Case("GET", PUBLIC)],
    "api.audit_public_key": [Case("GET", PUBLIC)],
    "api.audit_leaf": [Case("GET", READS_ALL, {"position": "=3"})],
    "api.audit_inclusion_proof": [Case("GET", PUBLIC, query="position=3&tree_size=3")],
    "api.audit_consistency_proof": [Case("GET", PUBLIC, query="from=2&to=3")],
    "api.audit_digest": [Case("GET", READS_ALL)],
    "api.audit_verify": [Case("POST", READS_ALL)],
    "api.audit_export": [Case("GET", READS_ALL, query="what=log"),
                         Case("GET", READS_ALL, query="what=membership&format=csv"),
                         Case("GET", READS_ALL, query="what=membership&format=jsonl")],
    # ---- feed ----------------------------------------------------------------------------------
    "feeds.changes": [Case("GET", PUBLIC)],
    "feeds.checkpoints": [Case("GET", PUBLIC)],
    "feeds.search": [Case("GET", PUBLIC, query="q=samverkan&violence_form=nara-relation")],
    # ---- pages: reading ------------------------------------------------------------------------
    "pages.index": [Case("GET", PUBLIC)],
    "pages.recent_changes": [Case("GET", PUBLIC)],
    "pages.examples": [Case("GET", PUBLIC)],
    "pages.example": [Case("GET", PUBLIC, {"slug": "published"}), Case("GET", DRAFT_READ, {"slug": "draft"})],
    "pages.history": [Case("GET", PUBLIC, {"slug": "published"}), Case("GET", DRAFT_READ, {"slug": "draft"})],
    "pages.diff": [Case("GET", PUBLIC, {"slug": "published"}, "from=1&to=2"),
                   Case("GET", DRAFT_READ, {"slug": "draft"}, "from=1&to=1")],
    "pages.search": [Case("GET", PUBLIC, query="q=samverkan")],
    "pages.organisations": [Case("GET", PUBLIC)],
    "pages.organisation": [Case("GET", PUBLIC, {"slug": "organisation"})],
    # ---- pages: writing examples -----------------------------------------------------------------
    "pages.new_example": [Case("GET", WRITES),
                          Case("POST", WRITES, form=_example_form, records=True)],
    "pages.edit_example": [
        Case("GET", PUBLISHED_WRITE, {"slug": "published"}),
        Case("GET", DRAFT_PAGE_WRITE, {"slug": "draft"}),
        Case("POST", DRAFT_PAGE_WRITE, {"slug": "fresh_draft"}, records=True,
             form=lambda o, role: _example_form(o, role, owner="falu-kommun", base_version="1", comment="Ändrat")),
        Case("POST", PUBLISHED_WRITE, {"slug": "fresh_published"}, records=True,
             form=lambda o, role: _example_form(o, role, owner="falu-kommun", base_version="1"))],
    "pages.publish_example": [Case("POST", DRAFT_CURATES, {"slug": "fresh_draft"}, form={}, records=True)],
    "pages.submit_for_review": [Case("POST", DRAFT_PAGE_WRITE, {"slug": "fresh_draft"}, form={}, records=True)],
    "pages.return_example": [Case("POST", DRAFT_CURATES, {"slug": "fresh_in_review"}, form={"comment": "Komplettera."},
                                  records=True)],
    "pages.review_queue": [Case("GET", CURATES)],
    "pages.attachment_file": [Case("GET", PUBLIC, {"attachment_id": "published_attachment"}),
                              Case("GET", DRAFT_READ, {"attachment_id": "draft_attachment"})],
    "pages.attachment_thumbnail": [Case("GET", PUBLIC, {"attachment_id": "published_image"})],
    "pages.upload_attachment": [Case("POST", DRAFT_PAGE_WRITE, {"slug": "fresh_draft"}, form={}, upload=True,
                                     records=True)],
    "pages.remove_attachment": [Case("POST", DRAFT_PAGE_WRITE, {"slug": "fresh_attached_draft",
                                                                "attachment_id": "last_attachment"}, form={},
                                     records=True)],
    "pages.upload_meeting_attachment": [Case("POST", CURATES, {"meeting_id": "fresh_meeting"}, form={},
                                             upload=True, records=True)],
    "pages.remove_meeting_attachment": [Case("POST", CURATES, {"meeting_id": "fresh_attached_meeting",
                                                               "attachment_id": "last_attachment"}, form={},
                                             records=True)],
    "pages.destroy_attachment": [Case("POST", ADMIN_ONLY, {"attachment_id": "fresh_published_attachment"},
                                      form={"reason": "Namn i rapporten."}, records=True)],
    "pages.suppress_revision": [Case("POST", ADMIN_ONLY, {"slug": "fresh_edited_published", "version": "=1"},
                                     form={"reason": "Namn."}, records=True)],
    "pages.archive_example": [Case("POST", CURATES, {"slug": "fresh_published"}, form={}, records=True)],
    "pages.revert": [Case("POST", DRAFT_PAGE_WRITE, {"slug": "fresh_edited_draft"}, form={"to_version": "1"},
                          records=True),
                     Case("POST", PUBLISHED_WRITE, {"slug": "fresh_edited_published"}, form={"to_version": "1"},
                          records=True)],
    # ---- pages: the membership register ------------------------------------------------------------
    "pages.membership_form": [Case("GET", OWN_ORGANISATION_WRITES, query="organisation=falu-kommun"),
                              Case("POST", OWN_ORGANISATION_WRITES, form=_request_form, records=True)],
    "pages.membership_requests": [Case("GET", SIGNED_IN)],
    "pages.approve_request": [Case("POST", CURATES, {"request_id": "fresh_request"}, form={}, records=True)],
    "pages.reject_request": [Case("POST", CURATES, {"request_id": "fresh_request"}, form={"reason": "Ofullständig"},
                                  records=True)],
    "pages.roster": [Case("GET", SIGNED_IN, query="at=2022-06-01")],
    "pages.person": [Case("GET", SIGNED_IN, {"person_id": "person"})],
    "pages.erase_person": [Case("POST", ADMIN_ONLY, {"person_id": "fresh_person"}, form={"confirm": "ja"},
                                records=True)],
    "pages.export": [Case("GET", READS_ALL, {"fmt": "=csv"}), Case("GET", READS_ALL, {"fmt": "=jsonl"})],
    # ---- pages: meetings -------------------------------------------------------------------------------
    "pages.meetings": [Case("GET", SIGNED_IN)],
    "pages.plan_meeting": [Case("GET", CURATES),
                           Case("POST", CURATES, form=lambda o, role: _meeting_form(o), records=True)],
    "pages.meeting": [Case("GET", SIGNED_IN, {"meeting_id": "meeting"})],
    "pages.record_attendance": [Case("POST", CURATES, {"meeting_id": "fresh_meeting"}, records=True,
                                     form={"status-falu-kommun": "absent"})],
    "pages.write_minutes": [Case("POST", CURATES, {"meeting_id": "fresh_meeting"}, records=True, form=MINUTES_FORM)],
    "pages.approve_minutes": [Case("POST", CURATES, {"meeting_id": "fresh_minuted_meeting"}, form={"version": "1"},
                                   records=True)],
    "pages.correct_minutes": [Case("POST", CURATES, {"meeting_id": "fresh_approved_meeting"}, records=True,
                                   form={**MINUTES_FORM, "base_version": "1", "reason": "Stavfel"})],
    "pages.cancel_meeting": [Case("POST", CURATES, {"meeting_id": "fresh_meeting"}, form={"reason": "Sjukdom"},
                                  records=True)],
    # ---- pages: working groups, tasks, attendance --------------------------------------------------------
    "pages.working_groups": [Case("GET", SIGNED_IN)],
    "pages.new_working_group": [Case("GET", CURATES),
                                Case("POST", CURATES, records=True,
                                     form=lambda o, role: {"name": f"Arbetsgrupp {o.serial()}",
                                                           "convenor": "falu-kommun", "start": "2024-01-01"})],
    "pages.working_group": [Case("GET", SIGNED_IN, {"slug": "working_group"})],
    "pages.change_group_members": [Case("POST", CURATES, {"slug": "fresh_working_group"}, records=True,
                                        form={"members": ["falu-kommun", "mora-kommun"], "on": "2024-06-01"})],
    "pages.close_working_group": [Case("POST", CURATES, {"slug": "fresh_working_group"}, records=True,
                                       form={"end": "2024-12-31"})],
    "pages.tasks": [Case("GET", SIGNED_IN), Case("GET", SIGNED_IN, query="status=open")],
    "pages.follow_up_task": [Case("POST", OWN_ORGANISATION_WRITES, {"task_id": "fresh_task"}, records=True,
                                  form={"status": "done", "note": "Klart."})],
    "pages.attendance": [Case("GET", SIGNED_IN), Case("GET", SIGNED_IN, query="ar=2024")],
    "pages.attendance_svg": [Case("GET", SIGNED_IN, {"year": "=2024"})],
    # ---- pages: audit -----------------------------------------------------------------------------------
    "pages.audit_log": [Case("GET", READS_ALL)],
    "pages.audit_log_export": [Case("GET", READS_ALL)],
    "pages.audit_verify": [Case("GET", READS_ALL), Case("POST", READS_ALL, form={"digest": ""})],
    # ---- pages: mail and subscriptions ----------------------------------------------------------------
    "pages.my_subscriptions": [Case("GET", SIGNED_IN)],
    "pages.change_mail_settings": [Case("POST", SIGNED_IN, records=True,
                                        form=lambda o, role: {"email": f"{role}{o.serial()}@example.se",
                                                              "language": "sv"})],
    "pages.subscribe": [Case("POST", SIGNED_IN, form={"kind": "meetings", "frequency": "weekly"}, records=True)],
    "pages.renew_calendar_feed": [Case("POST", SIGNED_IN, form={}, records=True)],
    "pages.newsletters": [Case("GET", SIGNED_IN)],
    "pages.newsletter": [Case("GET", ALL_HIDDEN_SIGNED_IN, {"number": "=1"})],
    "pages.compose_newsletter": [Case("GET", CURATES),
                                 Case("POST", CURATES, form={"introduction": "Hej!", "action": "preview"})],
    "pages.unsubscribe_own": [Case("POST", MAJAS_OWN, {"subscription_id": "fresh_subscription"}, form={},
                                   records=True)],
    # a link whose signature does not hold is refused for everyone (tests/test_notify.py signs real ones)
    "pages.unsubscribe": [Case("GET", ALL_INVALID, query="t=a:maja&s=0000"),
                          Case("POST", ALL_INVALID, query="t=a:maja&s=0000", form={})],
    # ---- pages: accounts -------------------------------------------------------------------------------
    "pages.sign_in": [Case("GET", PUBLIC),
                      Case("POST", PUBLIC, form=lambda o, role: {"username": USERS[role] or "maja",
                                                                 "password": PASSWORD})],
    "pages.sign_out": [Case("POST", PUBLIC, form={})],
    # ---- pages: the language cookie ----------------------------------------------------------------------
    "pages.set_language": [Case("GET", PUBLIC, {"code": "=en"}, "next=/exempel", redirects=True)],
    "pages.my_account": [Case("GET", SIGNED_IN)],
    "pages.change_password": [
        Case("GET", SIGNED_IN),
        # a wrong current password: every signed-in person may try; nothing changes
        Case("POST", SIGNED_IN_TRIES, form={"current_password": "inte-mitt-losenord",
                                            "new_password": "ett-nytt-losenord", "repeat_password": "ett-nytt-losenord"})],
    "pages.accounts": [Case("GET", CURATES),
                       Case("POST", CURATES, records=True,
                            form=lambda o, role: {"username": f"ny{o.serial()}", "role": "member",
                                                  "organisation": "falu-kommun", "password": PASSWORD})],
    "pages.account_detail": [Case("GET", CURATES, {"username": "account"}),
                             Case("POST", CURATES, {"username": "fresh_account"}, records=True,
                                  form={"action": "disable", "reason": "Slutat"})],
}

# Routes another engineer is adding; their endpoint names are not known here, so they are
# matched by their path. Both are public documentation.
MATRIX_BY_PATH: dict[str, list[Case]] = {
    "/api/v1/openapi.json": [Case("GET", PUBLIC)],
    "/api-dokumentation": [Case("GET", PUBLIC)],
}

AUTOMATIC_METHODS = {"HEAD", "OPTIONS"}


def rules_of(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


def entry_for(rule):
    return MATRIX.get(rule.endpoint) or MATRIX_BY_PATH.get(rule.rule)


def missing_entries(app) -> list[str]:
    missing = []
    for rule in rules_of(app):
        cases = entry_for(rule)
        methods = sorted(rule.methods - AUTOMATIC_METHODS)
        if cases is None:
            missing.append(f"{rule.endpoint} {'/'.join(methods)} {rule.rule}")
            continue
        covered = {case.method for case in cases}
        for method in methods:
            if method not in covered:
                missing.append(f"{rule.endpoint} {method} {rule.rule}")
    return missing


# ---- the objects the URLs name ---------------------------------------------------------------

MAJA = Actor("maja", "member", "falu-kommun")
EVA = Actor("eva", "coordinator", None)
SCRIBE = Actor("sekreterare", "coordinator", None)  # writes minutes that eva and adam may approve


class Objects:
    """Real objects in the world: shared ones for reads, fresh ones for each write."""

    def __init__(self, world):
        self.world = world
        self.wiki = world.wiki
        self._serial = itertools.count(1)
        self._day = itertools.count(1)
        self.organisation = "falu-kommun"
        self.published = self._example("Samverkan mot våld i Falun", publish=True, edit=True)
        self.draft = self._example("Hemligt utkast i Falun")
        request_id, _ = self.wiki.submit_membership_request(MAJA, _request_json(self, "own_member"))
        self.wiki.approve_membership_request(EVA, request_id)
        self.person = self.wiki.repository.get(UUID(request_id)).changes[0]["person_id"]
        self.request, _ = self.wiki.submit_membership_request(MAJA, _request_json(self, "own_member"))
        self.account = world.account("kim", "member", "falu-kommun")
        self.working_group, _ = self.wiki.create_working_group(EVA, {"name": "Arbetsgruppen", "convenor": "falu-kommun",
                                                                     "start": "2024-01-01"})
        self.meeting = self.fresh_approved_meeting()
        self.draft_attachment = self._attach(self.draft)
        self.draft_attachment_sha = self.last_sha
        self.published_attachment = self._attach(self.published)
        self.published_image = self._attach(self.published, samples.png_bytes(), "bild.png")

    def serial(self) -> int:
        return next(self._serial)

    def new_pdf(self) -> bytes:
        return samples.pdf_with_text(f"Rapport nummer {self.serial()}")

    def _attach(self, slug: str, data: bytes | None = None, name: str = "rapport.pdf") -> str:
        path = self.world.app.config["DATA_DIR"] + f"/upload-{self.serial()}.part"
        with open(path, "wb") as handle:
            handle.write(data or self.new_pdf())
        try:
            written = self.wiki.add_attachment(EVA, slug, path, name)
        finally:
            os.unlink(path)
        self.last_attachment, self.last_sha = written.id, written.sha256
        return written.id

    def fresh_attached_draft(self) -> str:
        slug = self.fresh_draft()
        self._attach(slug)
        return slug

    def fresh_attached_meeting(self) -> str:
        meeting_id = self.fresh_meeting()
        path = self.world.app.config["DATA_DIR"] + f"/upload-{self.serial()}.part"
        with open(path, "wb") as handle:
            handle.write(self.new_pdf())
        try:
            self.last_attachment = self.wiki.add_meeting_attachment(EVA, meeting_id, path, "bilaga.pdf").id
        finally:
            os.unlink(path)
        return meeting_id

    def fresh_published_attachment(self) -> str:
        return self._attach(self.fresh_published())

    def next_date(self) -> str:
        return (date(2012, 1, 1) + timedelta(days=next(self._day))).isoformat()

    @staticmethod
    def organisation_of(role: str) -> str:
        return "mora-kommun" if role == "other_member" else "falu-kommun"

    def _example(self, title, publish=False, edit=False) -> str:
        slug = self.wiki.create_example(MAJA, {"title": title, "summary": "Sammanfattning.",
                                               "body": "## Bakgrund\n\nSamverkan mot våld."}).slug
        if publish:  # first, so that both versions are public
            slug = self.wiki.publish_example(EVA, slug).slug
        if edit:
            self.wiki.edit_example(MAJA, slug, {"base_version": 1, "body": "## Bakgrund\n\nÄndrad text."})
        return slug

    def value(self, name: str) -> str:
        """`=text` is the text itself; `fresh_x` makes a new object; otherwise a shared object."""
        if name.startswith("="):
            return name[1:]
        if name.startswith("fresh_"):
            return getattr(self, name)()
        return getattr(self, name)

    def fresh_draft(self) -> str:
        return self._example(f"Färskt utkast {self.serial()}")

    def fresh_published(self) -> str:
        return self._example(f"Färskt publicerat {self.serial()}", publish=True)

    def fresh_in_review(self) -> str:
        slug = self._example(f"Färskt till granskning {self.serial()}")
        self.wiki.submit_for_review(MAJA, slug)
        return slug

    def fresh_edited_draft(self) -> str:
        return self._example(f"Färskt ändrat utkast {self.serial()}", edit=True)

    def fresh_edited_published(self) -> str:
        return self._example(f"Färskt ändrat publicerat {self.serial()}", publish=True, edit=True)

    def fresh_request(self) -> str:
        request_id, _ = self.wiki.submit_membership_request(MAJA, _request_json(self, "own_member"))
        return request_id

    def fresh_person(self) -> str:
        request_id, _ = self.wiki.submit_membership_request(MAJA, _request_json(self, "own_member"))
        self.wiki.approve_membership_request(EVA, request_id)
        return self.wiki.repository.get(UUID(request_id)).changes[0]["person_id"]

    def fresh_organisation(self) -> str:
        return self.world.organisation(f"Förening nummer {self.serial()}", "ideell", "Falun")

    def fresh_working_group(self) -> str:
        return self.wiki.create_working_group(EVA, {"name": f"Grupp {self.serial()}", "convenor": "falu-kommun",
                                                    "start": "2024-01-01"})[0]

    def fresh_meeting(self) -> str:
        return self.wiki.plan_meeting(EVA, _meeting_json(self))[0]

    def fresh_minuted_meeting(self) -> str:
        meeting_id = self.fresh_meeting()
        self.wiki.write_minutes(SCRIBE, meeting_id, MINUTES)
        return meeting_id

    def fresh_approved_meeting(self) -> str:
        meeting_id = self.fresh_minuted_meeting()
        self.wiki.approve_minutes(EVA, meeting_id)
        return meeting_id

    def fresh_task(self) -> str:
        meeting_id = self.fresh_minuted_meeting()
        return next(iter(self.wiki.get_meeting(meeting_id).tasks))

    def fresh_subscription(self) -> str:
        return self.wiki.subscribe(MAJA, {"kind": "meetings"})[0]

    def fresh_account(self) -> str:
        return self.world.account(f"konto{self.serial()}", "member", "falu-kommun")


# ---- sending one request as one role --------------------------------------------------------------


def outcome(response, method: str, redirects: bool = False) -> str:
    """The response as one of the table's outcomes. A read is allowed only with 200 (or a
    redirect, for a case marked `redirects`); a write may also answer with a redirect (to where
    the result is shown)."""
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        target = urlsplit(response.location).path
        if target == "/logga-in":
            return SIGN_IN
        return ALLOWED if method != "GET" or redirects else f"redirect to {target}"
    return {401: SIGN_IN, 403: FORBIDDEN, 404: HIDDEN, 400: INVALID}.get(
        status, ALLOWED if (status == 200 or (200 <= status < 300 and method != "GET")) else f"unexpected {status}")


def page_client(world, role):
    return world.browser(USERS[role])


def csrf_token_of(client) -> str:
    page = client.get("/logga-in").get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "no CSRF token on /logga-in"
    return match.group(1)


def fresh_api_token(world, username) -> str:
    response = world.client.post("/api/v1/tokens", json={"username": username, "password": PASSWORD})
    assert response.status_code == 201, response.json
    return response.json["token"]


def prepare(world, objects, rule, case, role):
    """Makes the request's objects, token and CSRF token; returns a function that sends it."""
    values = {name: objects.value(source) for name, source in case.values.items()}
    with world.app.test_request_context():
        path = url_for(rule.endpoint, **values)
    url = path + ("?" + case.query if case.query else "")
    username = USERS[role]
    if rule.rule.startswith("/api/"):
        headers = {}
        if username:
            token = fresh_api_token(world, username) if case.fresh_token else world.token(username)
            headers["Authorization"] = f"Bearer {token}"
        body = case.json(objects, role) if callable(case.json) else case.json
        if case.upload:
            data = {"file": (io.BytesIO(objects.new_pdf()), "rapport.pdf")}
            return url, lambda: world.client.open(url, method=case.method, headers=headers, data=data,
                                                  content_type="multipart/form-data")
        return url, lambda: world.client.open(url, method=case.method, headers=headers, json=body)
    if case.method == "GET":
        client = page_client(world, role)
        return url, lambda: client.get(url)
    client = page_client(world, role)
    form = case.form(objects, role) if callable(case.form) else dict(case.form or {})
    form["csrf_token"] = csrf_token_of(client)
    if case.upload:
        form["file"] = (io.BytesIO(objects.new_pdf()), "rapport.pdf")
        return url, lambda: client.open(url, method=case.method, data=form, content_type="multipart/form-data")
    return url, lambda: client.open(url, method=case.method, data=form)


# ---- the tests --------------------------------------------------------------------------------------


def test_every_rule_in_the_url_map_has_an_entry_in_the_role_matrix(app):
    missing = missing_entries(app)
    assert not missing, "new route without an entry in the role matrix: " + "; ".join(missing)


def test_the_role_matrix_names_only_routes_that_exist(app):
    endpoints = {rule.endpoint for rule in rules_of(app)}
    stale = sorted(set(MATRIX) - endpoints)
    assert not stale, f"the role matrix names routes the app does not have: {stale}"


def test_the_table_gives_an_outcome_for_every_role():
    for endpoint, cases in {**MATRIX, **MATRIX_BY_PATH}.items():
        for case in cases:
            assert set(case.expected) == set(ROLES), endpoint
            assert set(case.expected.values()) <= {ALLOWED, SIGN_IN, FORBIDDEN, HIDDEN, INVALID}, endpoint


@pytest.fixture
def objects(world):
    """A published and a draft example of falu-kommun, the organisation, a submitted form, a
    person in the register and an account; fresh ones on demand."""
    return Objects(world)


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(world, objects, role):
    missing = missing_entries(world.app)
    if missing:
        pytest.fail("new route without an entry in the role matrix: " + "; ".join(missing))
    if USERS[role]:
        world.token(USERS[role])
    mismatches, walked = [], 0
    for rule in sorted(rules_of(world.app), key=lambda r: r.rule):
        for case in entry_for(rule):
            url, send = prepare(world, objects, rule, case, role)
            before = world.wiki.position()
            response = send()
            after = world.wiki.position()
            walked += 1
            got, wanted = outcome(response, case.method, case.redirects), case.expected[role]
            where = f"{case.method} {url} ({rule.endpoint}) as {role}"
            if got != wanted:
                mismatches.append(f"{where}: expected {wanted}, got {got} "
                                  f"[{response.status_code} {response.get_data(as_text=True)[:160]!r}]")
                continue
            if case.method != "GET" and got != ALLOWED and after != before:
                mismatches.append(f"{where}: refused ({got}) but recorded events {before + 1}..{after}")
            if case.method != "GET" and got == ALLOWED and case.records and after <= before:
                mismatches.append(f"{where}: allowed but recorded nothing")
            if case.method == "GET" and after != before:
                mismatches.append(f"{where}: a read recorded events {before + 1}..{after}")
            if got == SIGN_IN and rule.rule.startswith("/api/"):
                body = response.get_json(silent=True) or {}
                if response.status_code != 401 or not isinstance(body.get("error"), dict):
                    mismatches.append(f"{where}: API refusal is not a 401 in the error shape")
    assert walked >= 80
    assert not mismatches, f"{len(mismatches)} role-matrix mismatches:\n" + "\n".join(mismatches)
