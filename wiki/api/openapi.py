"""/api/v1/openapi.json: the OpenAPI 3.1 document of every /api/v1 route.

The document is built here in code from the same constants the API validates with
(vocabularies, length limits, caps), so a limit changed there changes here too.
`tests/test_openapi.py` checks that every `/api/v1` rule of the app's URL map is
described (and nothing else), and `tests/test_fuzz_api.py` runs schemathesis against it.
"""

from copy import deepcopy
from functools import lru_cache

from flask import jsonify

from events import validation
from events.account_commands import PASSWORD_MAX
from events.examples import CONTENT_FIELDS
from events.membership import ROLES as REGISTER_ROLES
from events.register import MAX_CHANGES
from events.slugs import MAX_SLUG_LENGTH
from events.validation import SEARCH_QUERY_MAX as MAX_QUERY
from events.vocabulary import (
    EVALUATIONS, GOALS, MEASURE_TYPES, MUNICIPALITIES, ORGANISATION_KINDS, STATUSES, VIOLENCE_FORMS,
)

from ..search_params import MAX_PER_PAGE as SEARCH_MAX_PER_PAGE
from . import bp
from .audit import EVENTS_CAP
from .examples import MAX_PER_PAGE as EXAMPLES_MAX_PER_PAGE
from .register import STATUSES as REQUEST_STATUSES

API_PREFIX = "/api/v1"
# `int_arg` refuses query integers with more than 12 digits.
QUERY_INT_MAX = 999_999_999_999
SLUG_PATTERN = "^[a-z0-9]+(-[a-z0-9]+)*$"
SLUG_MAX = MAX_SLUG_LENGTH + 10
UUID_PATTERN = "^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"
# No control characters (tab, newline and carriage return are allowed in multi-line text), nor U+FFFE, U+FFFF.
NO_CONTROL = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f\\ufffe\\uffff]*$"
ONE_LINE = "^[^\\u0000-\\u001f\\u007f\\ufffe\\uffff]*$"
NOT_BLANK = "\\S"


# ---- schema helpers ----------------------------------------------------------------------

def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def obj(properties: dict, required=(), additional: bool = True, **extra) -> dict:
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    if not additional:
        schema["additionalProperties"] = False
    schema.update(extra)
    return schema


def string(max_length: int | None = None, *, min_length: int | None = None, pattern: str | None = None,
           description: str | None = None, **extra) -> dict:
    schema: dict = {"type": "string"}
    if min_length is not None:
        schema["minLength"] = min_length
    if max_length is not None:
        schema["maxLength"] = max_length
    if pattern is not None:
        schema["pattern"] = pattern
    if description:
        schema["description"] = description
    schema.update(extra)
    return schema


def text_field(max_length: int, *, required: bool = False, multiline: bool = False, description: str = "") -> dict:
    """A text field as `events.validation.text` accepts it (null counts as empty unless required)."""
    line = string(max_length, pattern=NO_CONTROL if multiline else ONE_LINE,
                  description=description or None)
    if required:
        return {**line, "minLength": 1, "allOf": [{"pattern": NOT_BLANK}]}
    return nullable(line)


def enum_of(values, description: str | None = None) -> dict:
    schema = {"type": "string", "enum": list(values)}
    if description:
        schema["description"] = description
    return schema


def string_list(items: dict, max_items: int = validation.LIST_MAX) -> dict:
    return nullable({"type": "array", "items": items, "maxItems": max_items})


def date_string(description: str | None = None) -> dict:
    return string(10, min_length=10, pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}$", format="date",
                  description=description)


DATE_TIME = {"type": "string", "format": "date-time"}
POSITION = {"type": "integer", "minimum": 0, "description": "Händelseloggens position efter skrivningen."}


def vocabulary_description(vocabulary: dict) -> str:
    return "; ".join(f"`{key}`: {label}" for key, label in vocabulary.items())


# ---- components --------------------------------------------------------------------------

def _schemas() -> dict:
    slug = string(SLUG_MAX, min_length=1, pattern=SLUG_PATTERN)
    label = string(validation.LABEL_MAX, min_length=1, pattern=ONE_LINE, allOf=[{"pattern": NOT_BLANK}])
    period = nullable(obj({
        "start_year": {"type": "integer", "minimum": 1900, "maximum": 2100},
        "end_year": nullable({"type": "integer", "minimum": 1900, "maximum": 2100}),
    }, required=["start_year"], additional=False))
    content_inputs = {
        "title": text_field(validation.TITLE_MAX, required=True, description="Rubrik; adressen (slug) bildas av den."),
        "summary": text_field(validation.SUMMARY_MAX, multiline=True),
        "body": text_field(validation.BODY_MAX, multiline=True, description="Markdown; `[[slug]]` länkar till ett annat exempel."),
        "organisations": string_list(string(100, min_length=1, pattern=SLUG_PATTERN), validation.ORGANISATIONS_MAX),
        "municipalities": string_list(enum_of(MUNICIPALITIES)),
        "violence_forms": string_list(enum_of(VIOLENCE_FORMS, vocabulary_description(VIOLENCE_FORMS))),
        "goals": string_list(enum_of(GOALS, vocabulary_description(GOALS))),
        "target_groups": string_list(label),
        "measure_types": string_list(enum_of(MEASURE_TYPES, vocabulary_description(MEASURE_TYPES))),
        "evaluation": {"enum": [*EVALUATIONS, "", None], "description": vocabulary_description(EVALUATIONS)},
        "period": period,
        "contact": text_field(validation.CONTACT_MAX),
        "tags": string_list(label),
    }
    assert set(content_inputs) == set(CONTENT_FIELDS)
    comment = text_field(validation.COMMENT_MAX, description="Kommentar till versionen.")
    positive = {"type": "integer", "minimum": 1, "maximum": 2**31}

    content_outputs = {
        "title": {"type": "string"}, "summary": {"type": "string"}, "body": {"type": "string"},
        "organisations": {"type": "array", "items": {"type": "string"}},
        "municipalities": {"type": "array", "items": {"type": "string"}},
        "violence_forms": {"type": "array", "items": {"type": "string"}},
        "goals": {"type": "array", "items": {"type": "string"}},
        "target_groups": {"type": "array", "items": {"type": "string"}},
        "measure_types": {"type": "array", "items": {"type": "string"}},
        "evaluation": nullable({"type": "string"}),
        "period": nullable(obj({"start_year": {"type": "integer"}, "end_year": nullable({"type": "integer"})},
                               required=["start_year"])),
        "contact": {"type": "string"},
        "tags": {"type": "array", "items": {"type": "string"}},
    }
    person_out = obj({"person_id": {"type": "string"}, "name": {"type": "string"}, "email": {"type": "string"},
                      "phone": {"type": "string"}, "title": {"type": "string"},
                      "erased": {"type": "boolean", "description": "Raderad: namnet är \"raderad person\", "
                                                                   "övriga uppgifter tomma."}},
                     required=["person_id", "name", "email", "phone", "title"])
    form_ref = obj({"id": {"type": "string"}, "submitted_by": nullable({"type": "string"}),
                    "submitted_at": nullable(DATE_TIME), "approved_by": nullable({"type": "string"}),
                    "approved_at": nullable(DATE_TIME)}, required=["id"])
    person_in = obj({
        "name": text_field(120, required=True),
        "email": nullable(string(200, pattern="^$|^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$")),
        "phone": nullable(string(40, pattern="^$|^[0-9+()\\- ]{5,40}$")),
        "title": text_field(120),
    }, required=["name"], additional=False)
    statuses = enum_of(STATUSES, vocabulary_description(STATUSES))

    return {
        "Error": obj({
            "error": obj({
                "code": string(min_length=1, description="Maskinläsbart ord, t.ex. `invalid`, `unauthorized`, "
                                                         "`forbidden`, `not_found`, `edit_conflict`, `behind`."),
                "message": string(min_length=1, description="Läsbar text på svenska."),
                "field": string(description="Fältet som var fel (vid 400)."),
                "current_version": {"type": "integer", "description": "Aktuell version (vid `edit_conflict`)."},
                "fields": {"type": "array", "items": {"type": "string"},
                           "description": "Fälten som båda sidor ändrat (vid `edit_conflict` för en ändring)."},
                "allowed": {"type": "array", "items": {"type": "string"}},
                "retry_after": {"type": "integer", "description": "Sekunder att vänta (vid 429)."},
                "findings": {"type": "array", "items": ref("Finding"),
                             "description": "Vad identifieringskontrollen hittade (vid `identifying_details`)."},
            }, required=["code", "message"]),
        }, required=["error"], additional=False),
        "Written": obj({"slug": slug, "version": {"type": "integer", "minimum": 1}, "status": statuses,
                        "position": POSITION}, required=["slug", "version", "status", "position"], additional=False),
        "ExampleCreate": obj({**content_inputs, "comment": comment}, required=["title"], additional=False),
        "ExampleEdit": obj({
            **content_inputs,
            "base_version": {**positive, "description": "Versionen ändringen utgår från."},
            "comment": comment,
        }, required=["base_version"], additional=False),
        "ExampleRevert": obj({
            "to_version": {**positive, "description": "Versionen som ska återställas."},
            "base_version": nullable({**positive, "description": "Om angiven: 409 om exemplet har ändrats sedan."}),
            "comment": comment,
        }, required=["to_version"], additional=False),
        "ExampleSummary": obj({
            "slug": {"type": "string"}, "title": {"type": "string"}, "summary": {"type": "string"},
            "status": statuses, "version": {"type": "integer"},
            **{k: content_outputs[k] for k in ("organisations", "municipalities", "violence_forms", "goals")},
            "created_at": DATE_TIME, "updated_at": DATE_TIME, "updated_by": {"type": "string"},
        }, required=["slug", "title", "summary", "status", "version", "organisations", "updated_at"]),
        "ExampleList": obj({
            "total": {"type": "integer", "minimum": 0}, "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": EXAMPLES_MAX_PER_PAGE},
            "items": {"type": "array", "items": ref("ExampleSummary")}, "position": POSITION,
        }, required=["total", "page", "per_page", "items", "position"]),
        "Example": obj({
            "slug": {"type": "string"}, **content_outputs,
            "html": string(description="Brödtexten som sanerad HTML."),
            "version": {"type": "integer", "minimum": 1, "description": "Den visade versionen."},
            "current_version": {"type": "integer", "minimum": 1},
            "status": statuses, "created_at": DATE_TIME, "created_by": {"type": "string"},
            "updated_at": DATE_TIME, "updated_by": {"type": "string"}, "position": POSITION,
        }, required=["slug", *CONTENT_FIELDS, "html", "version", "status", "created_at", "updated_at",
                     "updated_by", "position"]),
        "HistoryItem": obj({
            "version": {"type": "integer"}, "at": DATE_TIME,
            "by": string(description="Kontot; för anonyma läsare organisationen som kontot hörde till."),
            "comment": {"type": "string"},
            "change": enum_of(["created", "edited", "reverted", "in_review", "returned", "published", "archived",
                               "suppressed", "attachment_added", "attachment_removed", "attachment_destroyed"]),
            "fields": {"type": "array", "items": {"type": "string"}},
            "to_version": {"type": "integer"}, "position": {"type": "integer"},
        }, required=["version", "at", "by", "comment", "change"]),
        "History": obj({"slug": {"type": "string"}, "items": {"type": "array", "items": ref("HistoryItem")},
                        "position": POSITION}, required=["slug", "items"]),
        "Diff": obj({
            "slug": {"type": "string"}, "from": {"type": "integer"}, "to": {"type": "integer"},
            "changed_fields": {"type": "array", "items": enum_of(CONTENT_FIELDS)},
            "changes": {"type": "object", "additionalProperties": obj({"from": {}, "to": {}}, required=["from", "to"])},
            "body_diff": string(description="Enhetlig diff (unified diff) av `body`."),
        }, required=["slug", "from", "to", "changed_fields", "changes", "body_diff"]),
        "Backlinks": obj({"slug": {"type": "string"}, "items": {"type": "array", "items": ref("ExampleSummary")}},
                         required=["slug", "items"]),
        "SearchHit": obj({
            "kind": enum_of(["example", "meeting"], description="`meeting`: ett möte, dess dagordning och "
                                                                "protokoll (bara för inloggade)."),
            "slug": nullable({"type": "string"}), "title": {"type": "string"}, "summary": {"type": "string"},
            "snippet": string(description="HTML med träffarna i `<mark>`."),
            "score": nullable({"type": "number"}), "updated_at": nullable(DATE_TIME),
            "status": {"anyOf": [statuses, enum_of(["planned", "held", "cancelled"])]},
            "meeting": obj({"id": {"type": "string"}, "title": {"type": "string"}, "date": {"type": "string"},
                            "number": {"type": "string"}}),
            "organisations": {"type": "array", "items": {"type": "string"}},
            "violence_forms": {"type": "array", "items": {"type": "string"}},
            "goals": {"type": "array", "items": {"type": "string"}},
        }, required=["slug", "title", "summary", "snippet", "score", "updated_at", "organisations",
                     "violence_forms", "goals"]),
        "SearchResult": obj({
            "total": {"type": "integer", "minimum": 0}, "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": SEARCH_MAX_PER_PAGE},
            "hits": {"type": "array", "items": ref("SearchHit")},
            "facets": obj({name: {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1}}
                           for name in ("violence_form", "goal", "organisation", "municipality", "target_group",
                                        "year")},
                          required=["violence_form", "goal", "organisation", "municipality", "target_group",
                                    "year"]),
            "suggestion": nullable({"type": "string"}), "position": POSITION,
        }, required=["total", "page", "per_page", "hits", "facets", "suggestion", "position"]),
        "Organisation": obj({
            "slug": {"type": "string"}, "name": {"type": "string"},
            "kind": enum_of(ORGANISATION_KINDS, vocabulary_description(ORGANISATION_KINDS)),
            "municipality": nullable({"type": "string"}), "joined_on": date_string(),
            "left_on": nullable(date_string()),
        }, required=["slug", "name", "kind", "municipality", "joined_on", "left_on"]),
        "OrganisationList": obj({"items": {"type": "array", "items": ref("Organisation")}, "position": POSITION},
                                required=["items", "position"]),
        "OrganisationDetail": {"allOf": [ref("Organisation"), obj({
            "roster": obj({"at": date_string(), "representative": nullable(ref("RosterPerson")),
                           "substitute": nullable(ref("RosterPerson"))},
                          required=["at", "representative", "substitute"],
                          description="Bara för inloggade."),
            "position": POSITION,
        }, required=["position"])]},
        "OrganisationCreate": obj({
            "name": text_field(120, required=True),
            "kind": enum_of(ORGANISATION_KINDS, vocabulary_description(ORGANISATION_KINDS)),
            "municipality": {"enum": [*MUNICIPALITIES, "", None], "description": "Valfri kommun i Dalarna."},
            "joined_on": nullable(date_string("Inträdesdag; i dag om den saknas.")),
            "slug": nullable(string(SLUG_MAX, pattern=SLUG_PATTERN, description="Valfri; annars bildas den av namnet.")),
        }, required=["name", "kind"], additional=False),
        "OrganisationCreated": obj({"slug": {"type": "string"}, "position": POSITION}, required=["slug", "position"]),
        "OrganisationLeave": obj({"on": date_string("Sista dagen som medlem."), "reason": text_field(500)},
                                 required=["on"], additional=False),
        "OrganisationLeft": obj({"slug": {"type": "string"}, "position": POSITION}, required=["slug", "position"]),
        "OrganisationHistoryItem": obj({"position": {"type": "integer"}, "at": DATE_TIME, "by": {"type": "string"},
                                        "change": enum_of(["registered", "left"])},
                                       required=["position", "at", "by", "change"]),
        "OrganisationHistory": obj({
            "slug": {"type": "string"},
            "membership": {"type": "array", "items": ref("OrganisationHistoryItem")},
            "items": {"type": "array", "items": ref("Term")},
        }, required=["slug", "membership", "items"]),
        "Person": person_out,
        "RosterPerson": obj({**person_out["properties"], "from": date_string(), "to": nullable(date_string())},
                            required=["person_id", "name", "email", "phone", "title", "from", "to"]),
        "Term": obj({
            "organisation": obj({"slug": {"type": "string"}, "name": nullable({"type": "string"})},
                                required=["slug", "name"]),
            "role": enum_of(REGISTER_ROLES), "person_id": {"type": "string"},
            "from": date_string(), "to": nullable(date_string()),
            "appointed_by_form": form_ref, "ended_by_form": nullable(form_ref), "person": person_out,
        }, required=["organisation", "role", "person_id", "from", "to", "appointed_by_form", "ended_by_form"]),
        "PersonHistory": obj({"person": person_out, "items": {"type": "array", "items": ref("Term")}},
                             required=["person", "items"]),
        "Roster": obj({
            "at": date_string(),
            "items": {"type": "array", "items": obj({
                "organisation": obj({"slug": {"type": "string"}, "name": {"type": "string"}},
                                    required=["slug", "name"]),
                "representative": nullable(ref("RosterPerson")), "substitute": nullable(ref("RosterPerson")),
            }, required=["organisation", "representative", "substitute"])},
            "position": POSITION,
        }, required=["at", "items"]),
        "NewPerson": person_in,
        "AppointChange": {
            **obj({
                "action": {"const": "appoint"}, "role": enum_of(REGISTER_ROLES),
                "person": ref("NewPerson"),
                "person_id": string(36, pattern=UUID_PATTERN, format="uuid", description="En redan registrerad person."),
                "from": date_string("Första dagen i rollen."),
            }, required=["action", "role", "from"], additional=False),
            "oneOf": [{"required": ["person"]}, {"required": ["person_id"]}],
        },
        "EndChange": obj({
            "action": {"const": "end"}, "role": enum_of(REGISTER_ROLES),
            "person_id": string(36, pattern=UUID_PATTERN, format="uuid"),
            "on": date_string("Sista dagen i rollen."),
        }, required=["action", "role", "person_id", "on"], additional=False),
        "MembershipRequestCreate": obj({
            "organisation": string(SLUG_MAX, min_length=1, pattern=SLUG_PATTERN),
            "note": text_field(1000, multiline=True),
            "changes": {"type": "array", "minItems": 1, "maxItems": MAX_CHANGES,
                        "items": {"oneOf": [ref("AppointChange"), ref("EndChange")]}},
        }, required=["organisation", "changes"], additional=False),
        "MembershipRequestWritten": obj({"id": {"type": "string"}, "status": enum_of(REQUEST_STATUSES),
                                         "position": POSITION}, required=["id", "status", "position"]),
        "MembershipRequest": obj({
            "id": {"type": "string"}, "organisation": {"type": "string"}, "status": enum_of(REQUEST_STATUSES),
            "note": {"type": "string"},
            "changes": {"type": "array", "items": obj({
                "action": enum_of(["appoint", "end"]), "role": enum_of(REGISTER_ROLES),
                "person_id": {"type": "string"}, "from": date_string(), "on": date_string(),
                "person_name": nullable({"type": "string"}),
            }, required=["action", "role", "person_id"])},
            "submitted_by": {"type": "string"}, "submitted_at": DATE_TIME,
            "decided_by": nullable({"type": "string"}), "decided_at": nullable(DATE_TIME),
            "reason": nullable({"type": "string"}),
        }, required=["id", "organisation", "status", "note", "changes", "submitted_by", "submitted_at",
                     "decided_by", "decided_at", "reason"]),
        "MembershipRequestList": obj({"items": {"type": "array", "items": ref("MembershipRequest")},
                                      "position": POSITION}, required=["items"]),
        "MembershipRequestReject": obj({"reason": text_field(1000, required=True, multiline=True)},
                                       required=["reason"], additional=False),
        "TokenRequest": obj({"username": string(min_length=1), "password": string(min_length=1)},
                            required=["username", "password"],
                            description=f"Lösenord längre än {PASSWORD_MAX} tecken godtas aldrig."),
        "Token": obj({"token": {"type": "string"}, "expires_at": DATE_TIME, "position": POSITION},
                     required=["token", "expires_at"]),
        "AuditEvent": obj({
            "position": {"type": "integer", "minimum": 1}, "aggregate_id": {"type": "string"},
            "version": {"type": "integer"}, "type": {"type": "string"}, "at": DATE_TIME,
            "actor": nullable({"type": "string", "description": "Kontots användarnamn; null för ett raderat konto."}),
            "actor_id": nullable({"type": "string", "description": "Kontots id (händelsens `data.actor`)."}),
            "actor_erased": {"type": "boolean"}, "data": {"type": "object"},
        }, required=["position", "aggregate_id", "version", "type", "at", "actor", "data"]),
        "AuditEvents": obj({"items": {"type": "array", "items": ref("AuditEvent")},
                            "next": nullable({"type": "integer", "description": "Skicka som `after` för nästa sida."})},
                           required=["items", "next"]),
        "Digest": obj({"position": {"type": "integer", "minimum": 0},
                       "sha256": string(64, min_length=64, pattern="^[0-9a-f]{64}$")},
                      required=["position", "sha256"]),
        "VerifyRequest": {
            "description": "Tomt objekt (eller ingen kropp): kontrollera loggen mot de sparade länkarna. "
                           "Med `position` och `sha256` (från `GET /audit/digest`): också att loggen fram "
                           "till den positionen är oförändrad.",
            "anyOf": [
                {"type": "object", "maxProperties": 0},
                obj({"position": {"type": "integer", "minimum": 0},
                     "sha256": string(64, min_length=64, pattern="^[0-9a-f]{64}$")},
                    required=["position", "sha256"]),
            ],
        },
        "VerifyResult": obj({
            "ok": {"type": "boolean"}, "first_bad_position": {"type": "integer"},
            "reason": enum_of(["digest_mismatch"], "Bara digesten stämmer inte: något fram till "
                                                   "`digest_position` är ändrat, men de sparade länkarna "
                                                   "visar inte var."),
            "digest_position": {"type": "integer"},
        }, required=["ok"]),
        "Health": obj({
            "status": enum_of(["ok"]), "position": {"type": "integer", "minimum": 0},
            "index_position": {"type": "integer", "minimum": 0},
            "projections": obj({"pages": {"type": "integer"}, "search": {"type": "integer"},
                                "audit_tree": {"type": "integer"}}),
            "lag": obj({"pages": {"type": "integer"}, "search": {"type": "integer"},
                        "audit_tree": {"type": "integer"}, "notifier": {"type": "integer"}},
                       description="Händelser som varje projektion ligger efter loggen (larma om de växer)."),
            "index": enum_of(["ok", "rebuilding"], description="`rebuilding`: sökindexet saknades eller var "
                                                                "trasigt och byggs om från händelseloggen."),
            "checkpoint": nullable(obj({"size": {"type": "integer"}, "age_seconds": {"type": "integer"}})),
            "disk": obj({"free_bytes": {"type": "integer"}, "total_bytes": {"type": "integer"}}),
        }, required=["status", "position", "index_position"]),
        "AnyObject": {"type": "object", "description": "Valfritt JSON-objekt; innehållet används inte."},
        "Finding": obj({
            "field": string(description="Fältet, t.ex. `body` eller `tags[1]`."),
            "start": {"type": "integer", "minimum": 0}, "end": {"type": "integer", "minimum": 0},
            "kind": string(description="`personnummer`, `samordningsnummer`, `phone`, `email`, `address`, "
                                       "`postal_code`, `registration` eller `name`."),
            "severity": enum_of(["block", "warn"]),
            "excerpt": string(description="Sammanhanget, med fyndet självt maskerat."),
        }, required=["field", "start", "end", "kind", "severity", "excerpt"]),
        "CheckResult": obj({"slug": slug, "findings": {"type": "array", "items": ref("Finding")},
                            "position": POSITION}, required=["findings"]),
        "Publish": obj({
            "override_reason": nullable(string(validation.COMMENT_MAX, description=(
                "Samordnare: varför exemplet publiceras trots varningar. Aldrig över en blockering."))),
        }, additional=False),
        "Suppress": obj({"reason": string(validation.COMMENT_MAX, min_length=1,
                                          description="Varför texten döljs; syns i historiken.")},
                        required=["reason"], additional=False),
        "ReturnToDraft": obj({"comment": string(validation.COMMENT_MAX, min_length=1,
                                                description="Visas för exemplets organisation.")},
                             required=["comment"], additional=False),
    }


def _error_response(description: str, headers: dict | None = None) -> dict:
    response = {"description": description, "content": {"application/json": {"schema": ref("Error")}}}
    if headers:
        response["headers"] = headers
    return response


RETRY_AFTER = {"Retry-After": {"description": "Sekunder att vänta innan nästa försök.",
                               "schema": {"type": "string", "pattern": "^[0-9]+$"}}}

ERROR_RESPONSES = {
    "400": ("BadRequest", "Felaktig begäran: ogiltig JSON, okänt eller felaktigt fält eller parameter (`invalid`), "
                          "eller `min_position` efter loggens slut (`bad_position`)."),
    "401": ("Unauthorized", "Inte inloggad, eller token är ogiltig, återkallad eller har gått ut (`unauthorized`)."),
    "403": ("Forbidden", "Rollen får inte göra detta (`forbidden`)."),
    "404": ("NotFound", "Finns inte, eller får inte läsas av den som frågar (`not_found`)."),
    "409": ("Conflict", "Konflikt med det som redan finns (`conflict`, `edit_conflict` med `current_version`, "
                        "`rule_violation`)."),
    "410": ("Gone", "Versionens text är dold för alltid (`revision_suppressed`)."),
    "413": ("TooLarge", "Begäran är större än 1 MB, eller en bilaga större än gränsen (`too_large`)."),
    "422": ("IdentifyingDetails", "Exemplet innehåller uppgifter som kan identifiera en person "
                                  "(`identifying_details`, med `findings`)."),
    "429": ("TooManyAttempts", "För många misslyckade inloggningar (`too_many_attempts`, med Retry-After)."),
    "503": ("Unavailable", "Projektionerna hann inte ikapp `min_position` inom 5 s (`behind`), "
                           "händelseloggen är upptagen (`unavailable`), lagringen är full eller skrivskyddad "
                           "(`storage_full`), eller sökindexet byggs om (`index_rebuilding`); "
                           "med Retry-After."),
}


def _responses() -> dict:
    result = {}
    for status, (name, description) in ERROR_RESPONSES.items():
        headers = {**RETRY_AFTER} if status in ("429", "503") else None
        if status == "401":
            headers = {"WWW-Authenticate": {"schema": {"type": "string"}}}
        result[name] = _error_response(description, headers)
    return result


# ---- operations --------------------------------------------------------------------------

def query(name: str, schema: dict, description: str = "", required: bool = False) -> dict:
    parameter = {"name": name, "in": "query", "schema": schema, "required": required}
    if description:
        parameter["description"] = description
    return parameter


def path(name: str, schema: dict, description: str = "") -> dict:
    parameter = {"name": name, "in": "path", "required": True, "schema": schema}
    if description:
        parameter["description"] = description
    return parameter


def integer(minimum: int = 1, maximum: int = QUERY_INT_MAX, **extra) -> dict:
    return {"type": "integer", "minimum": minimum, "maximum": maximum, **extra}


MIN_POSITION = query("min_position", integer(0), "Svaret speglar minst alla händelser fram till denna position "
                                                 "(väntar högst 5 s, annars 503 `behind`; en position som loggen "
                                                 "inte har ger 400 `bad_position` direkt, och när noden redan har "
                                                 "några väntande svarar den 503 `behind` direkt).")
PAGE = query("page", integer(1, 1000), "Sida, från 1 till 1000 (djupare sidor: avgränsa sökningen).")
SLUG = path("slug", string(SLUG_MAX, min_length=1, pattern=SLUG_PATTERN), "Exemplets adress.")
ORGANISATION_SLUG = path("slug", string(SLUG_MAX, min_length=1, pattern=SLUG_PATTERN), "Organisationens adress.")
REQUEST_ID = path("request_id", string(36, min_length=32, pattern=UUID_PATTERN, format="uuid"), "Blankettens id.")
PERSON_ID = path("person_id", string(36, min_length=32, pattern=UUID_PATTERN, format="uuid"), "Personens id.")

ANYONE = [{}, {"bearerAuth": []}]
SIGNED_IN = [{"bearerAuth": []}]

# What every /api/v1 route may answer whatever it does: `min_position` and the
# Authorization header are read before the route runs.
COMMON_ERRORS = ("400", "401", "503")


def json_content(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def operation(op_id: str, tag: str, summary: str, *, ok: tuple, errors=(), parameters=(), body=None,
              body_required: bool = True, security=None, description: str = "", reads: bool = True) -> dict:
    """One operation; `ok` is (status, description, schema-or-None[, content types])."""
    status, ok_description, schema, *media = ok
    success: dict = {"description": ok_description}
    if schema is not None:
        success["content"] = {media_type: {"schema": schema} for media_type in (media[0] if media else
                                                                                 ("application/json",))}
    responses = {str(status): success}
    codes = set(COMMON_ERRORS) | set(errors)
    if body is not None:
        codes |= {"400", "413"}
    for code in sorted(codes):
        responses[code] = {"$ref": f"#/components/responses/{ERROR_RESPONSES[code][0]}"}
    result = {"operationId": op_id, "tags": [tag], "summary": summary}
    if description:
        result["description"] = description
    result["parameters"] = [*parameters, *([MIN_POSITION] if reads else [])]
    if body is not None:
        result["requestBody"] = {"required": body_required, "content": json_content(body)}
    result["responses"] = responses
    result["security"] = security if security is not None else ANYONE
    return result


def _paths() -> dict:
    facet_params = [
        query("violence_form", enum_of(VIOLENCE_FORMS, vocabulary_description(VIOLENCE_FORMS))),
        query("goal", enum_of(GOALS, vocabulary_description(GOALS))),
        query("organisation", string(SLUG_MAX, min_length=1, pattern=SLUG_PATTERN), "En organisations adress."),
        query("municipality", enum_of(MUNICIPALITIES)),
    ]
    written = ref("Written")
    return {
        # ---- learning examples ------------------------------------------------------------
        "/examples": {
            "get": operation(
                "listExamples", "Lärande exempel", "Lista lärande exempel",
                description="Det den som frågar får läsa: anonyma ser publicerade exempel, en medlem också "
                            "sin organisations utkast, granskare, samordnare och administratörer allt. "
                            "Okänd organisation ger 400.",
                parameters=[query("status", enum_of(STATUSES, vocabulary_description(STATUSES))), *facet_params,
                            PAGE, query("per_page", integer(1), f"Högst {EXAMPLES_MAX_PER_PAGE}; "
                                                                 "större värden sänks till taket.")],
                ok=(200, "Exemplen, senast ändrade först.", ref("ExampleList"))),
            "post": operation(
                "createExample", "Lärande exempel", "Skriv ett nytt exempel (utkast)",
                description="Medlem och uppåt. En medlems egen organisation måste vara med bland "
                            "`organisations` (den läggs till om listan är tom). Okända id, kommuner eller "
                            "organisationer ger 400.",
                body=ref("ExampleCreate"), security=SIGNED_IN, errors=("403", "409"), reads=False,
                ok=(201, "Skapat, version 1, status `draft`.", written)),
        },
        "/examples/{slug}": {
            "get": operation(
                "readExample", "Lärande exempel", "Läs ett exempel",
                parameters=[SLUG, query("version", integer(1), "En äldre version.")], errors=("404", "410"),
                ok=(200, "Alla fält, `html` (renderad och sanerad) och versionsuppgifter.", ref("Example"))),
            "put": operation(
                "editExample", "Lärande exempel", "Ändra ett exempel",
                description="Skicka fälten och `base_version`, versionen du utgick från. Bara fält som skiljer "
                            "sig från den versionen ändras; andras ändringar sedan dess i andra fält står kvar "
                            "(sammanslagning i tre led). Har någon sedan dess ändrat samma fält till något annat "
                            "blir svaret 409 `edit_conflict` med `current_version` och `fields`. En "
                            "`base_version` över den aktuella versionen ger 400. En ändring av ett publicerat "
                            "exempel syns genast: den får inte föra in en blockering, och en medlems ändring inga nya "
                            "varningar från identifieringskontrollen (422 `identifying_details`).",
                parameters=[SLUG], body=ref("ExampleEdit"), security=SIGNED_IN, errors=("403", "404", "409", "422"),
                reads=False, ok=(200, "Ändrat (eller oförändrat om inget skilde).", written)),
        },
        "/examples/{slug}/history": {
            "get": operation("exampleHistory", "Lärande exempel", "Exemplets historik", parameters=[SLUG],
                             errors=("404",), ok=(200, "Versioner och statusändringar, senaste först.",
                                                  ref("History"))),
        },
        "/examples/{slug}/diff": {
            "get": operation(
                "diffExample", "Lärande exempel", "Skillnad mellan två versioner",
                parameters=[SLUG, query("from", integer(1), "Den äldre versionen.", required=True),
                            query("to", integer(1), "Den nyare versionen.", required=True)],
                errors=("404", "410"), ok=(200, "Ändrade fält och en enhetlig diff av `body`.", ref("Diff"))),
        },
        "/examples/{slug}/revert": {
            "post": operation("revertExample", "Lärande exempel", "Återställ en äldre version",
                              description="Ger en ny version med samma innehåll som `to_version`.",
                              parameters=[SLUG], body=ref("ExampleRevert"), security=SIGNED_IN,
                              errors=("403", "404", "409", "410", "422"), reads=False,
                              ok=(200, "Den nya versionen.", written)),
        },
        "/examples/{slug}/publish": {
            "post": operation("publishExample", "Lärande exempel", "Publicera",
                              description="Samordnare och administratörer, efter granskning eller egna exempel direkt; "
                                          "en medlems `publish` ger 403. Identifieringskontrollen körs först: en "
                                          "blockering ger alltid 422, varningar ger 422 om inte `override_reason` "
                                          "anges. Ändrar status, inte version. Den första publiceringen ger exemplet "
                                          "dess publika `slug` (utkastets adress leder dit).",
                              parameters=[SLUG], body=ref("Publish"), body_required=False, security=SIGNED_IN,
                              errors=("403", "404", "409", "422"), reads=False, ok=(200, "Publicerat.", written)),
        },
        "/examples/{slug}/submit-for-review": {
            "post": operation("submitExampleForReview", "Lärande exempel", "Skicka till granskning",
                              description="Ägarorganisationens medlemmar (och samordnare): ett utkast får status "
                                          "`in_review`. Ingen kropp behövs.",
                              parameters=[SLUG], body=ref("AnyObject"), body_required=False, security=SIGNED_IN,
                              errors=("403", "404", "409"), reads=False, ok=(200, "Skickat till granskning.", written)),
        },
        "/examples/{slug}/return": {
            "post": operation("returnExample", "Lärande exempel", "Skicka tillbaka till organisationen",
                              description="Samordnare och administratörer: ett exempel som granskas blir utkast igen, "
                                          "med kommentaren synlig för dess organisation.",
                              parameters=[SLUG], body=ref("ReturnToDraft"), security=SIGNED_IN,
                              errors=("403", "404", "409"), reads=False, ok=(200, "Tillbaka som utkast.", written)),
        },
        "/examples/{slug}/versions/{version}/suppress": {
            "post": operation("suppressRevision", "Lärande exempel", "Dölj en versions text",
                              description="Administratörer: versionens text och kommentar förstörs för alltid "
                                          "(dess nyckel raderas) i svar, sökindex, flöden och filer. Historiken behåller "
                                          "raden med vem och varför. Den nuvarande versionen kan inte döljas (409).",
                              parameters=[SLUG, path("version", integer(1), "Versionen vars text döljs.")],
                              body=ref("Suppress"), security=SIGNED_IN, errors=("403", "404", "409", "422"),
                              reads=False,
                              ok=(200, "Dold.", written)),
        },
        "/examples/{slug}/check": {
            "get": operation("checkExample", "Lärande exempel", "Identifieringskontroll",
                             description="De som får redigera exemplet: personnummer och samordningsnummer "
                                         "(blockerar), telefonnummer, e-post utanför kontaktfältet, adresser, "
                                         "postnummer med ort, registreringsnummer och namn (varnar). Kontrollen "
                                         "hjälper granskaren men ersätter den inte.",
                             parameters=[SLUG], security=SIGNED_IN, errors=("403", "404"),
                             ok=(200, "Fynden.", ref("CheckResult"))),
        },
        "/examples/{slug}/archive": {
            "post": operation("archiveExample", "Lärande exempel", "Arkivera",
                              description="Samordnare och administratörer. Ändrar status, inte version.",
                              parameters=[SLUG], body=ref("AnyObject"), body_required=False, security=SIGNED_IN,
                              errors=("403", "404", "409"), reads=False, ok=(200, "Arkiverat.", written)),
        },
        "/examples/{slug}/backlinks": {
            "get": operation("exampleBacklinks", "Lärande exempel", "Exempel som länkar hit",
                             description="Läsbara exempel vars brödtext länkar hit med `[[slug]]`.",
                             parameters=[SLUG], errors=("404",),
                             ok=(200, "Exemplen som länkar hit.", ref("Backlinks"))),
        },
        # ---- search -----------------------------------------------------------------------
        "/search": {
            "get": operation(
                "search", "Sök", "Sök bland exemplen",
                description="Alla ord måste finnas om inte `OR` står mellan dem; `\"fras\"`, `-ord`, `ord*` och "
                            "`fält:värde` fungerar. En fråga som inte går att tolka söks som vanliga ord. "
                            "Träffar och facetträkningar gäller det den som frågar får läsa.",
                parameters=[
                    query("q", string(MAX_QUERY), "Sökfrågan."), *facet_params,
                    query("target_group", string(validation.LABEL_MAX, min_length=1), "Målgrupp."),
                    query("year", string(4, min_length=4, pattern="^(19|20|21)[0-9]{2}$"),
                          "Exempel vars period omfattar året."),
                    query("sort", enum_of(["relevance", "updated"])), PAGE,
                    query("per_page", integer(1), f"Högst {SEARCH_MAX_PER_PAGE}; större värden sänks till taket."),
                ],
                ok=(200, "Träffar, facetter och förslag.", ref("SearchResult"))),
        },
        # ---- organisations ----------------------------------------------------------------
        "/organisations": {
            "get": operation("listOrganisations", "Organisationer", "Lista organisationerna",
                             ok=(200, "Alla organisationer, också de som har lämnat.", ref("OrganisationList"))),
            "post": operation("registerOrganisation", "Organisationer", "Registrera en organisation",
                              description="Samordnare och administratörer.", body=ref("OrganisationCreate"),
                              security=SIGNED_IN, errors=("403", "409"), reads=False,
                              ok=(201, "Registrerad.", ref("OrganisationCreated"))),
        },
        "/organisations/{slug}": {
            "get": operation("readOrganisation", "Organisationer", "Läs en organisation",
                             description="Inloggade ser också dagens ombud och ersättare (`roster`).",
                             parameters=[ORGANISATION_SLUG], errors=("404",),
                             ok=(200, "Organisationen.", ref("OrganisationDetail"))),
        },
        "/organisations/{slug}/history": {
            "get": operation("organisationHistory", "Organisationer", "Organisationens historik",
                             description="Medlemskapet och alla ombud och ersättare över tid (inloggade).",
                             parameters=[ORGANISATION_SLUG], security=SIGNED_IN, errors=("404",),
                             ok=(200, "Historiken.", ref("OrganisationHistory"))),
        },
        "/organisations/{slug}/leave": {
            "post": operation("leaveOrganisation", "Organisationer", "Registrera att en organisation lämnar",
                              description="Samordnare och administratörer. Pågående uppdrag avslutas samma dag.",
                              parameters=[ORGANISATION_SLUG], body=ref("OrganisationLeave"), security=SIGNED_IN,
                              errors=("403", "404", "409"), reads=False,
                              ok=(200, "Registrerat.", ref("OrganisationLeft"))),
        },
        # ---- membership register ----------------------------------------------------------
        "/membership-requests": {
            "get": operation("listMembershipRequests", "Medlemsregister", "Lista blanketter",
                             description="En medlem ser sin organisations blanketter; granskare, samordnare "
                                         "och administratörer alla.",
                             parameters=[query("status", enum_of(REQUEST_STATUSES)),
                                         query("limit", integer(1), "Högst 1000; större värden sänks till taket.")],
                             security=SIGNED_IN, errors=("403",),
                             ok=(200, "Blanketterna, senaste först.", ref("MembershipRequestList"))),
            "post": operation("submitMembershipRequest", "Medlemsregister", "Skicka en blankett",
                              description="En medlem i organisationen, eller samordnaren. Bara ett godkännande "
                                          "ändrar registret. Ett `person_id` som inte finns ger 404.",
                              body=ref("MembershipRequestCreate"), security=SIGNED_IN, errors=("403", "404"),
                              reads=False, ok=(201, "Inskickad.", ref("MembershipRequestWritten"))),
        },
        "/membership-requests/{request_id}": {
            "get": operation("readMembershipRequest", "Medlemsregister", "Läs en blankett",
                             parameters=[REQUEST_ID], security=SIGNED_IN, errors=("403", "404"),
                             ok=(200, "Blanketten.", ref("MembershipRequest"))),
        },
        "/membership-requests/{request_id}/approve": {
            "post": operation("approveMembershipRequest", "Medlemsregister", "Godkänn en blankett",
                              description="Samordnare och administratörer. 409 om blanketten redan är avgjord "
                                          "eller bryter mot registrets regler (`rule_violation`).",
                              parameters=[REQUEST_ID], body=ref("AnyObject"), body_required=False,
                              security=SIGNED_IN, errors=("403", "404", "409"), reads=False,
                              ok=(200, "Godkänd; registret är ändrat.", ref("MembershipRequestWritten"))),
        },
        "/membership-requests/{request_id}/reject": {
            "post": operation("rejectMembershipRequest", "Medlemsregister", "Avslå en blankett",
                              description="Samordnare och administratörer.", parameters=[REQUEST_ID],
                              body=ref("MembershipRequestReject"), security=SIGNED_IN,
                              errors=("403", "404", "409"), reads=False,
                              ok=(200, "Avslagen.", ref("MembershipRequestWritten"))),
        },
        "/roster": {
            "get": operation("roster", "Medlemsregister", "Ombud och ersättare ett visst datum",
                             description="Varje organisation som var medlem det datumet (inloggade).",
                             parameters=[query("at", date_string("Datumet; i dag om det saknas."))],
                             security=SIGNED_IN, errors=("403",), ok=(200, "Registret det datumet.", ref("Roster"))),
        },
        "/people/{person_id}": {
            "get": operation("readPerson", "Medlemsregister", "Läs en person", parameters=[PERSON_ID],
                             security=SIGNED_IN, errors=("403", "404"), ok=(200, "Personen.", ref("Person"))),
        },
        "/people/{person_id}/erase": {
            "post": operation("erasePerson", "Medlemsregister", "Radera en persons personuppgifter",
                              description="Bara administratörer. Personens nyckel förstörs och en händelse utan "
                                          "personuppgifter (`Person.Erased`) sparas; i registret, historiken och "
                                          "exporterna står sedan \"raderad person\". 409 `erased` om personen "
                                          "redan är raderad.",
                              parameters=[PERSON_ID], body=ref("AnyObject"), body_required=False,
                              security=SIGNED_IN, errors=("403", "404", "409"), reads=False,
                              ok=(200, "Raderad.", obj({"person_id": {"type": "string"}, "erased": {"const": True},
                                                        "position": POSITION},
                                                       required=["person_id", "erased", "position"]))),
        },
        "/people/{person_id}/history": {
            "get": operation("personHistory", "Medlemsregister", "Personens roller över tid",
                             parameters=[PERSON_ID], security=SIGNED_IN, errors=("403", "404"),
                             ok=(200, "Personen och hens uppdrag.", ref("PersonHistory"))),
        },
        # ---- tokens -----------------------------------------------------------------------
        "/tokens": {
            "post": operation("createToken", "Inloggning", "Logga in och få en token",
                              description="Fel lösenord och okänd användare ger samma 401. Efter 10 "
                                          "misslyckanden på 15 minuter per konto eller adress: 429.",
                              body=ref("TokenRequest"), security=[{}], errors=("409", "429"), reads=False,
                              ok=(201, "Skicka `Authorization: Bearer TOKEN`.", ref("Token"))),
        },
        "/tokens/current": {
            "delete": operation("revokeToken", "Inloggning", "Återkalla den token som används",
                                security=SIGNED_IN, errors=("409",), reads=False,
                                ok=(204, "Återkallad; token ger 401 från och med nu.", None)),
        },
        # ---- audit ------------------------------------------------------------------------
        "/audit/events": {
            "get": operation(
                "auditEvents", "Granskning", "Den lagrade händelseloggen",
                description="Granskare, samordnare och administratörer. Lösenords- och token-hashar är dolda.",
                parameters=[
                    query("after", integer(0), "Händelser efter denna position."),
                    query("limit", integer(1), f"Högst {EVENTS_CAP}; större värden sänks till taket."),
                    query("type", string(), "Händelsetyp, t.ex. `LearningExample.Created`, `LearningExample` "
                                            "eller `Created`."),
                    query("actor", string(), "Kontots användarnamn."),
                    query("aggregate", string(36, min_length=32, pattern="^[0-9a-fA-F-]{32,36}$"),
                          "Ett aggregats id (uuid)."),
                ],
                security=SIGNED_IN, errors=("403",), ok=(200, "Händelserna i loggordning.", ref("AuditEvents"))),
        },
        "/audit/digest": {
            "get": operation("auditDigest", "Granskning", "Hashkedjans huvud",
                             description="Granskare, samordnare och administratörer. Spara svaret och skicka "
                                         "det senare till `POST /audit/verify`.",
                             security=SIGNED_IN, errors=("403",),
                             ok=(200, "Position och SHA-256 för hela kedjan.", ref("Digest"))),
        },
        "/audit/verify": {
            "post": operation("auditVerify", "Granskning", "Kontrollera att loggen är oförändrad",
                              description="Granskare, samordnare och administratörer.",
                              body=ref("VerifyRequest"), body_required=False, security=SIGNED_IN, errors=("403",),
                              reads=False, ok=(200, "`ok`, annars den första position som inte stämmer.",
                                               ref("VerifyResult"))),
        },
        "/audit/export": {
            "get": operation(
                "auditExport", "Granskning", "Exportera medlemshistoriken eller loggen",
                description="Granskare, samordnare och administratörer. `what=membership`: alla uppdrag med vem "
                            "som skickade och godkände blanketterna. `what=log`: varje lagrad händelse som den är "
                            "lagrad (JSON Lines, formatet `lansgrupp-wiki/log-export/v1`), för `wiki-audit-verify`.",
                parameters=[query("what", enum_of(["membership", "log"])),
                            query("format", enum_of(["csv", "jsonl"]), "Standard: `csv`.")],
                security=SIGNED_IN, errors=("403",),
                ok=(200, "CSV eller JSON Lines, en rad per uppdrag.", {"type": "string"},
                    ("text/csv", "application/x-ndjson"))),
        },
        # ---- meta -------------------------------------------------------------------------
        "/health": {
            "get": operation("health", "Drift", "Hälsa och positioner",
                             ok=(200, "Händelseloggens och sökindexets position.", ref("Health"))),
        },
        "/openapi.json": {
            "get": operation("openapi", "Drift", "Detta dokument (OpenAPI 3.1)",
                             ok=(200, "OpenAPI-dokumentet.", {"type": "object"})),
        },
    }


@lru_cache(maxsize=1)
def _document() -> dict:
    from . import openapi_attachments, openapi_audit, openapi_meetings
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Lärande exempel – Länsgruppen Dalarna",
            "version": "1",
            "description": "JSON in och ut, UTF-8. Ett fel är `{\"error\": {\"code\", \"message\"}}`. "
                           "Datum skrivs ÅÅÅÅ-MM-DD och tider i ISO 8601 UTC. Varje lyckad skrivning svarar "
                           "med `position`, och varje läsning tar `min_position`.",
        },
        "servers": [{"url": API_PREFIX}],
        "tags": [{"name": name} for name in ("Lärande exempel", "Sök", "Organisationer", "Medlemsregister",
                                             "Inloggning", "Granskning", "Bilagor", "Möten och arbetsgrupper",
                                             "E-post och prenumerationer", "Drift")],
        "paths": {**_paths(), **openapi_meetings.paths(), **openapi_meetings.mail_paths(),
                  **openapi_attachments.paths(), **openapi_audit.paths()},
        "components": {
            "schemas": {**_schemas(), **openapi_meetings.schemas(), **openapi_meetings.mail_schemas(),
                        **openapi_attachments.schemas(), **openapi_audit.schemas()},
            "responses": _responses(),
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer",
                               "description": "En token från `POST /tokens`."},
            },
        },
        "security": ANYONE,
    }


def document() -> dict:
    """A fresh copy of the OpenAPI document (callers may change it)."""
    return deepcopy(_document())


METHODS = ("get", "put", "post", "delete", "patch")


def operations(doc: dict | None = None):
    """(path, METHOD, operation) for every operation, in document order."""
    doc = doc or _document()
    for route, item in doc["paths"].items():
        for method in METHODS:
            if method in item:
                yield route, method.upper(), item[method]


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(_document())
