"""The OpenAPI description of working groups, meetings, tasks and attendance (`meetings.py`)."""

from events.meeting_commands import AGENDA_MAX, DECISIONS_MAX, ITEM_TEXT_MAX, MANDATE_MAX, MEMBERS_MAX, TASKS_MAX
from events.meetings import ATTENDANCE_STATUSES, GROUP_STATUSES, MEETING_KINDS, MEETING_STATUSES, TASK_STATUSES

from .openapi import (
    POSITION, SIGNED_IN, SLUG_MAX, SLUG_PATTERN, UUID_PATTERN, date_string, enum_of, integer, nullable, obj,
    operation, path, query, ref, string, text_field,
)

TAG = "Möten och arbetsgrupper"
TIME = string(5, min_length=5, pattern="^([01][0-9]|2[0-3]):[0-5][0-9]$", description="TT:MM")
ORGANISATION = string(SLUG_MAX, min_length=1, pattern=SLUG_PATTERN, description="En organisations adress.")
UUID = string(36, min_length=32, pattern=UUID_PATTERN, format="uuid")
MEETING_ID = path("meeting_id", UUID, "Mötets id.")
GROUP_SLUG = path("slug", string(SLUG_MAX, min_length=1, pattern=SLUG_PATTERN), "Arbetsgruppens adress.")
TASK_ID = path("task_id", UUID, "Uppdragets id.")


def schemas() -> dict:
    organisations = {"type": "array", "items": ORGANISATION, "maxItems": MEMBERS_MAX}
    agenda_item = obj({"title": text_field(200, required=True), "text": text_field(ITEM_TEXT_MAX, multiline=True)},
                      required=["title"], additional=False)
    named = obj({"slug": {"type": "string"}, "name": nullable({"type": "string"})})
    summary = {
        "id": {"type": "string"}, "title": {"type": "string"}, "kind": enum_of(MEETING_KINDS),
        "working_group": nullable({"type": "string"}), "date": {"type": "string"},
        "starts_at": {"type": "string"}, "ends_at": {"type": "string"}, "place": {"type": "string"},
        "number": string(description="Mötets nummer i sin serie, t.ex. `2027:1`."),
        "status": enum_of(MEETING_STATUSES), "version": {"type": "integer", "minimum": 0},
        "approved": {"type": "boolean"},
    }
    decision_out = obj({"text": {"type": "string"}, "number": string(description="T.ex. `2027:1 §4`.")})
    task_in = obj({"title": text_field(300, required=True), "organisation": ORGANISATION, "due": date_string()},
                  required=["title", "organisation", "due"], additional=False)
    minutes_item_in = obj({
        "agenda_index": {"type": "integer", "minimum": 0, "maximum": AGENDA_MAX - 1},
        "text": text_field(ITEM_TEXT_MAX, multiline=True),
        "decisions": nullable({"type": "array", "maxItems": DECISIONS_MAX, "items": obj(
            {"text": text_field(2000, required=True, multiline=True)}, required=["text"], additional=False)}),
        "tasks": nullable({"type": "array", "maxItems": TASKS_MAX, "items": task_in}),
    }, required=["agenda_index"], additional=False)
    minutes_items = {"type": "array", "maxItems": AGENDA_MAX, "items": minutes_item_in}
    written = obj({"id": {"type": "string"}, "position": POSITION}, required=["id", "position"])
    return {
        "WorkingGroupCreate": obj({
            "name": text_field(120, required=True), "mandate": text_field(MANDATE_MAX, multiline=True),
            "convenor": ORGANISATION, "members": nullable(organisations), "start": nullable(date_string()),
            "end": nullable(date_string()), "slug": string(SLUG_MAX, min_length=1, pattern=SLUG_PATTERN),
        }, required=["name", "convenor"], additional=False),
        "WorkingGroupChange": obj({
            "name": text_field(120, required=True), "mandate": text_field(MANDATE_MAX, multiline=True),
            "convenor": ORGANISATION, "end": nullable(date_string()), "status": enum_of(GROUP_STATUSES),
            "members": organisations,
            "on": nullable(date_string("Dagen då medlemmar läggs till eller tas bort; i dag om det saknas.")),
        }, additional=False),
        "WorkingGroup": obj({
            "slug": {"type": "string"}, "name": {"type": "string"}, "mandate": {"type": "string"},
            "convenor": {"type": "string"}, "members": {"type": "array", "items": {"type": "string"}},
            "start": {"type": "string"}, "end": nullable({"type": "string"}), "status": enum_of(GROUP_STATUSES),
            "members_over_time": {"type": "array", "items": obj({
                "organisation": named, "from": {"type": "string"}, "to": nullable({"type": "string"})})},
            "meetings": {"type": "array", "items": obj(summary)},
            "open_tasks": {"type": "array", "items": ref("Task")},
        }, required=["slug", "name", "members", "status"]),
        "WorkingGroupList": obj({"items": {"type": "array", "items": ref("WorkingGroup")}, "position": POSITION},
                                required=["items"]),
        "WorkingGroupWritten": obj({"slug": {"type": "string"}, "position": POSITION}, required=["slug", "position"]),
        "MeetingCreate": obj({
            "title": text_field(200, required=True), "kind": enum_of(MEETING_KINDS),
            "working_group": nullable(string(SLUG_MAX, min_length=1, pattern=SLUG_PATTERN,
                                             description="Arbetsgruppen (bara för `arbetsgruppsmote`).")),
            "date": date_string("1900-01-01 till 2100-12-31."), "starts_at": TIME, "ends_at": TIME,
            "place": text_field(300, required=True, description="En plats eller en länk."),
            "agenda": nullable({"type": "array", "maxItems": AGENDA_MAX, "items": agenda_item}),
        }, required=["title", "kind", "date", "starts_at", "ends_at", "place"], additional=False),
        "MeetingChange": obj({
            "title": text_field(200, required=True), "date": date_string(), "starts_at": TIME, "ends_at": TIME,
            "place": text_field(300, required=True),
            "agenda": nullable({"type": "array", "maxItems": AGENDA_MAX, "items": agenda_item}),
        }, additional=False),
        "MeetingSummary": obj(summary, required=["id", "title", "kind", "date", "status", "number"]),
        "MeetingList": obj({"items": {"type": "array", "items": ref("MeetingSummary")}, "position": POSITION},
                           required=["items"]),
        "Meeting": obj({
            **summary,
            "agenda": {"type": "array", "items": obj({"title": {"type": "string"}, "text": {"type": "string"}})},
            "cancel_reason": nullable({"type": "string"}),
            "minutes": nullable(obj({
                "version": {"type": "integer"}, "written_by": nullable({"type": "string"}),
                "approved_by": nullable({"type": "string"}), "locked": {"type": "boolean"},
                "items": {"type": "array", "items": obj({
                    "agenda_index": {"type": "integer"}, "text": {"type": "string"},
                    "decisions": {"type": "array", "items": decision_out},
                    "tasks": {"type": "array", "items": obj({
                        "id": {"type": "string"}, "title": {"type": "string"}, "organisation": {"type": "string"},
                        "due": {"type": "string"}, "status": enum_of(TASK_STATUSES)})}})},
            })),
            "attendance": {"type": "array", "items": obj({
                "organisation": named,
                "expected": {"type": "array", "items": obj({
                    "person_id": {"type": "string"}, "name": {"type": "string"},
                    "role": enum_of(["representative", "substitute"])})},
                "status": nullable(enum_of(ATTENDANCE_STATUSES)), "person_id": nullable({"type": "string"}),
                "person_name": nullable({"type": "string"}),
            }, required=["organisation", "expected", "status", "person_id"])},
        }, required=["id", "title", "kind", "date", "status", "version", "minutes", "attendance", "agenda"]),
        "MeetingWritten": written,
        "MeetingHistory": obj({"id": {"type": "string"}, "items": {"type": "array", "items": {"type": "object"}},
                               "minutes_versions": {"type": "array", "items": {"type": "object"}}},
                              required=["items", "minutes_versions"]),
        "MeetingCancel": obj({"reason": text_field(500)}, additional=False),
        "Attendance": obj({"items": {"type": "array", "minItems": 1, "maxItems": MEMBERS_MAX, "items": obj({
            "organisation": ORGANISATION, "status": enum_of(ATTENDANCE_STATUSES),
            "person_id": nullable(UUID),
        }, required=["organisation", "status"], additional=False)}}, required=["items"], additional=False),
        "Minutes": obj({"base_version": {"type": "integer", "minimum": 0, "description": "0 före första versionen."},
                        "items": minutes_items}, required=["base_version", "items"], additional=False),
        "MinutesCorrection": obj({"base_version": {"type": "integer", "minimum": 0},
                                  "reason": text_field(500, required=True), "items": minutes_items},
                                 required=["base_version", "reason", "items"], additional=False),
        "MinutesApproval": obj({"version": nullable({"type": "integer", "minimum": 1, "maximum": 2**31,
                                                     "description": "Versionen som lästes; 409 om den har ändrats."})},
                               additional=False),
        "MinutesWritten": obj({"id": {"type": "string"}, "version": {"type": "integer"}, "position": POSITION},
                              required=["id", "version", "position"]),
        "Task": obj({
            "id": {"type": "string"}, "title": {"type": "string"}, "organisation": {"type": "string"},
            "organisation_name": nullable({"type": "string"}), "due": {"type": "string"},
            "status": enum_of(TASK_STATUSES), "meeting": {"type": "string"},
        }, required=["id", "title", "organisation", "due", "status", "meeting"]),
        "TaskList": obj({"items": {"type": "array", "items": ref("Task")}, "position": POSITION}, required=["items"]),
        "TaskFollowUp": obj({"status": enum_of(TASK_STATUSES), "note": text_field(500),
                             "meeting": nullable(string(description="Mötet där uppdraget följdes upp."))},
                            required=["status"], additional=False),
        "AttendanceYear": obj({"year": {"type": "integer"}, "position": POSITION, "items": {"type": "array", "items": obj({
            "organisation": {"type": "string"}, "name": nullable({"type": "string"}),
            "held": {"type": "integer", "minimum": 0}, "attended": {"type": "integer", "minimum": 0},
        }, required=["organisation", "held", "attended"])}}, required=["items"]),
    }


def paths() -> dict:
    curates = "Samordnare och administratörer."
    written = ref("MeetingWritten")
    return {
        "/working-groups": {
            "get": operation("listWorkingGroups", TAG, "Lista arbetsgrupper", security=SIGNED_IN,
                             ok=(200, "Arbetsgrupperna.", ref("WorkingGroupList"))),
            "post": operation("createWorkingGroup", TAG, "Skapa en arbetsgrupp", description=curates,
                              body=ref("WorkingGroupCreate"), security=SIGNED_IN, errors=("403", "409"),
                              reads=False, ok=(201, "Skapad.", ref("WorkingGroupWritten"))),
        },
        "/working-groups/{slug}": {
            "get": operation("readWorkingGroup", TAG, "Läs en arbetsgrupp", parameters=[GROUP_SLUG],
                             security=SIGNED_IN, errors=("404",),
                             ok=(200, "Gruppen med medlemmar över tid, möten och öppna uppdrag.",
                                 ref("WorkingGroup"))),
            "put": operation("changeWorkingGroup", TAG, "Ändra en arbetsgrupp",
                             description=curates + " `members` är hela den nya listan; skillnaden sparas som "
                                                   "tillagda och borttagna medlemmar dagen `on`.",
                             parameters=[GROUP_SLUG], body=ref("WorkingGroupChange"), security=SIGNED_IN,
                             errors=("403", "404", "409"), reads=False,
                             ok=(200, "Ändrad.", ref("WorkingGroupWritten"))),
        },
        "/meetings": {
            "get": operation("listMeetings", TAG, "Lista möten", security=SIGNED_IN,
                             parameters=[query("from", date_string()), query("to", date_string()),
                                         query("working_group", string(SLUG_MAX)),
                                         query("limit", integer(1), "Högst 1000.")],
                             ok=(200, "Mötena i datumordning.", ref("MeetingList"))),
            "post": operation("planMeeting", TAG, "Planera ett möte", description=curates,
                              body=ref("MeetingCreate"), security=SIGNED_IN, errors=("403", "409"), reads=False,
                              ok=(201, "Planerat.", written)),
        },
        "/meetings/{meeting_id}": {
            "get": operation("readMeeting", TAG, "Läs ett möte",
                             description="Närvaron listar organisationerna som var medlemmar mötesdagen, med "
                                         "ombud och ersättare enligt registret den dagen (`expected`).",
                             parameters=[MEETING_ID], security=SIGNED_IN, errors=("404",),
                             ok=(200, "Mötet.", ref("Meeting"))),
            "put": operation("changeMeeting", TAG, "Ändra ett planerat möte", description=curates,
                             parameters=[MEETING_ID], body=ref("MeetingChange"), security=SIGNED_IN,
                             errors=("403", "404", "409"), reads=False, ok=(200, "Ändrat.", written)),
        },
        "/meetings/{meeting_id}/cancel": {
            "post": operation("cancelMeeting", TAG, "Ställ in ett möte", description=curates,
                              parameters=[MEETING_ID], body=ref("MeetingCancel"), body_required=False,
                              security=SIGNED_IN, errors=("403", "404", "409"), reads=False,
                              ok=(200, "Inställt.", written)),
        },
        "/meetings/{meeting_id}/history": {
            "get": operation("meetingHistory", TAG, "Mötets historik och protokollets versioner",
                             parameters=[MEETING_ID], security=SIGNED_IN, errors=("404",),
                             ok=(200, "Historiken.", ref("MeetingHistory"))),
        },
        "/meetings/{meeting_id}/attendance": {
            "put": operation("recordAttendance", TAG, "För närvaro",
                             description=curates + " Bara organisationer som var medlemmar mötesdagen; utan "
                                                   "`person_id` gäller ombudet eller ersättaren den dagen.",
                             parameters=[MEETING_ID], body=ref("Attendance"), security=SIGNED_IN,
                             errors=("403", "404", "409"), reads=False, ok=(200, "Förd.", written)),
        },
        "/meetings/{meeting_id}/minutes": {
            "put": operation("writeMinutes", TAG, "Skriv protokollet",
                             description=curates + " 409 `edit_conflict` om `base_version` är gammal, 409 "
                                                   "`locked` när protokollet är justerat.",
                             parameters=[MEETING_ID], body=ref("Minutes"), security=SIGNED_IN,
                             errors=("403", "404", "409"), reads=False, ok=(200, "Sparat.", ref("MinutesWritten"))),
        },
        "/meetings/{meeting_id}/minutes/corrections": {
            "post": operation("correctMinutes", TAG, "Rätta ett justerat protokoll",
                              description=curates + " En ny version med skäl; historiken visar båda.",
                              parameters=[MEETING_ID], body=ref("MinutesCorrection"), security=SIGNED_IN,
                              errors=("403", "404", "409"), reads=False,
                              ok=(200, "Rättat.", ref("MinutesWritten"))),
        },
        "/meetings/{meeting_id}/minutes/approve": {
            "post": operation("approveMinutes", TAG, "Justera protokollet",
                              description="En samordnare eller administratör som inte skrev protokollet. Sedan "
                                          "är det låst.",
                              parameters=[MEETING_ID], body=ref("MinutesApproval"), body_required=False,
                              security=SIGNED_IN, errors=("403", "404", "409"), reads=False,
                              ok=(200, "Justerat.", written)),
        },
        "/tasks": {
            "get": operation("listTasks", TAG, "Lista uppdrag", security=SIGNED_IN,
                             parameters=[query("organisation", string(SLUG_MAX)),
                                         query("status", enum_of(TASK_STATUSES))],
                             ok=(200, "Uppdragen, efter sista dag.", ref("TaskList"))),
        },
        "/tasks/{task_id}": {
            "put": operation("followUpTask", TAG, "Följ upp ett uppdrag",
                             description="Samordnaren eller den ansvariga organisationens medlemmar.",
                             parameters=[TASK_ID], body=ref("TaskFollowUp"), security=SIGNED_IN,
                             errors=("403", "404", "409"), reads=False, ok=(200, "Sparat.", written)),
        },
        "/attendance": {
            "get": operation("attendanceYear", TAG, "Närvaro per organisation ett år",
                             parameters=[query("year", integer(1900, 2100), "I år om det saknas.")],
                             security=SIGNED_IN,
                             ok=(200, "Hållna möten där organisationen väntades, och hur många den deltog i.",
                                 ref("AttendanceYear"))),
        },
    }


# ---- mail: the account's settings and subscriptions (wiki/api/subscriptions.py) -----------------------

MAIL_TAG = "E-post och prenumerationer"
SUBSCRIPTION_ID = path("subscription_id", UUID, "Prenumerationens id.")
USERNAME = path("username", string(40, min_length=2, pattern="^[a-z0-9][a-z0-9._-]{1,39}$"), "Kontots användarnamn.")


def mail_schemas() -> dict:
    from events.subscriptions import FREQUENCIES, MAIL_LANGUAGES, SUBSCRIPTION_KINDS
    from events.validation import SEARCH_QUERY_MAX
    filters = obj({name: string(60, min_length=1) for name in
                   ("violence_form", "goal", "organisation", "municipality", "target_group", "year")},
                  additional=False)
    return {
        "MailSettings": obj({"username": {"type": "string"}, "email": nullable({"type": "string"}),
                             "language": enum_of(MAIL_LANGUAGES), "newsletter": {"type": "boolean"},
                             "position": POSITION}, required=["username", "email", "language", "newsletter"]),
        "MailSettingsChange": obj({
            "email": nullable(string(200, description="Tom eller null tar bort adressen.")),
            "language": enum_of(MAIL_LANGUAGES), "newsletter": {"type": "boolean"}}, additional=False),
        "SubscriptionCreate": obj({
            "kind": enum_of(SUBSCRIPTION_KINDS), "query": nullable(string(SEARCH_QUERY_MAX)),
            "filters": nullable(filters), "example": string(SLUG_MAX, min_length=1, pattern=SLUG_PATTERN),
            "frequency": enum_of(FREQUENCIES)}, required=["kind"], additional=False),
        "Subscription": obj({"id": {"type": "string"}, "kind": enum_of(SUBSCRIPTION_KINDS),
                             "query": {"type": "string"}, "filters": {"type": "object"},
                             "example_id": nullable({"type": "string"}), "frequency": enum_of(FREQUENCIES)},
                            required=["id", "kind", "frequency"]),
        "SubscriptionList": obj({"items": {"type": "array", "items": ref("Subscription")}, "position": POSITION},
                                required=["items"]),
        "AccountErased": obj({"username": {"type": "string"}, "erased": {"const": True}, "position": POSITION},
                             required=["username", "erased", "position"]),
    }


def mail_paths() -> dict:
    written = ref("MeetingWritten")
    return {
        "/account": {
            "get": operation("readMailSettings", MAIL_TAG, "Mitt kontos e-post och språk", security=SIGNED_IN,
                             ok=(200, "Inställningarna.", ref("MailSettings"))),
            "put": operation("changeMailSettings", MAIL_TAG, "Ändra e-postadress, språk och nyhetsbrev",
                             description="Adressen förseglas med en nyckel för kontot; raderas kontot förstörs "
                                         "nyckeln och adressen med den.",
                             body=ref("MailSettingsChange"), security=SIGNED_IN, errors=("409",), reads=False,
                             ok=(200, "Sparat.", ref("MailSettings"))),
        },
        "/account/calendar-feed": {
            "post": operation("renewCalendarFeed", MAIL_TAG, "Ny hemlig kalenderadress",
                              description="En iCalendar-adress (RFC 5545) med de möten kontot får se, för "
                                          "kalenderprogram som inte kan skicka en token. Adressen visas bara nu; "
                                          "den gamla slutar fungera.",
                              body=ref("AnyObject"), body_required=False, security=SIGNED_IN, errors=("409",),
                              reads=False, ok=(201, "Adressen.", obj({"url": {"type": "string"},
                                                                      "position": POSITION},
                                                                     required=["url", "position"]))),
        },
        "/subscriptions": {
            "get": operation("listSubscriptions", MAIL_TAG, "Mina prenumerationer", security=SIGNED_IN,
                             ok=(200, "Prenumerationerna.", ref("SubscriptionList"))),
            "post": operation("subscribe", MAIL_TAG, "Prenumerera",
                              description="En sparad sökning (`query` och `filters`), ett exempel (`example`) "
                                          "eller mötena i ens grupper (`meetings`); `immediate` eller `weekly`.",
                              body=ref("SubscriptionCreate"), security=SIGNED_IN, errors=("409",), reads=False,
                              ok=(201, "Sparad.", written)),
        },
        "/subscriptions/{subscription_id}": {
            "delete": operation("unsubscribe", MAIL_TAG, "Avsluta en prenumeration", parameters=[SUBSCRIPTION_ID],
                                security=SIGNED_IN, errors=("404", "409"), reads=False,
                                ok=(200, "Avslutad.", written)),
        },
        "/accounts/{username}/erase": {
            "post": operation("eraseAccount", MAIL_TAG, "Radera ett konto",
                              description="Bara administratörer. Kontot stängs av för gott, dess användarnamn och "
                                          "e-postadress förstörs och namnet blir ledigt; i historiken och "
                                          "granskningsloggen står det ”raderat konto” för det som kontot gjorde.",
                              parameters=[USERNAME], body=ref("AnyObject"), body_required=False,
                              security=SIGNED_IN, errors=("403", "404", "409"), reads=False,
                              ok=(200, "Raderat.", ref("AccountErased"))),
        },
    }
