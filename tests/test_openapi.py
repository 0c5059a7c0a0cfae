"""The OpenAPI document: valid 3.1, in step with the URL map, and browsable without a network."""

import html
import re

import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator, validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from wiki.api.openapi import API_PREFIX, operations

IGNORED_METHODS = {"HEAD", "OPTIONS"}
ERROR_STATUSES = {"400", "401", "403", "404", "409", "413", "429", "503"}


def served(world) -> dict:
    response = world.client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def api_rules(app) -> dict[str, set[str]]:
    """`{"/api/v1/examples/{slug}": {"GET", "PUT"}, …}` from the app's URL map."""
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule == API_PREFIX or rule.rule.startswith(API_PREFIX + "/"):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            routes.setdefault(path, set()).update(rule.methods - IGNORED_METHODS)
    return routes


def documented(doc: dict) -> dict[str, set[str]]:
    base = doc["servers"][0]["url"].rstrip("/")
    routes: dict[str, set[str]] = {}
    for path, method, _ in operations(doc):
        routes.setdefault(base + path, set()).add(method)
    return routes


# ---- (a) a valid OpenAPI 3.1 document ----------------------------------------------------

def test_document_is_valid_openapi_3_1(world):
    doc = served(world)
    assert doc["openapi"].startswith("3.1.")
    validate(doc, cls=OpenAPIV31SpecValidator)  # raises on any violation of the OpenAPI 3.1 schema, unresolved $ref included


def test_validator_would_notice_a_broken_document(world):
    doc = served(world)
    broken = served(world)
    broken["paths"]["/health"]["get"]["responses"]["200"]["content"] = "text/plain"
    with pytest.raises(OpenAPIValidationError):
        validate(broken, cls=OpenAPIV31SpecValidator)
    doc["paths"]["/health"]["get"]["parameters"][0]["in"] = "body"
    with pytest.raises(OpenAPIValidationError):
        validate(doc, cls=OpenAPIV31SpecValidator)


def test_every_operation_is_complete(world):
    doc = served(world)
    schemas = doc["components"]["schemas"]
    responses = doc["components"]["responses"]
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": doc["components"]["securitySchemes"]["bearerAuth"]["description"]}
    error = schemas["Error"]
    assert error["required"] == ["error"] and error["properties"]["error"]["required"] == ["code", "message"]
    ids = set()
    for path, method, op in operations(doc):
        where = f"{method} {path}"
        assert op["operationId"] not in ids, where
        ids.add(op["operationId"])
        assert op.get("summary"), where
        assert op.get("tags"), where
        assert "security" in op, where
        codes = set(op["responses"])
        assert any(code.startswith("2") for code in codes), where
        # Every route reads min_position and the Authorization header first.
        assert {"400", "401", "503"} <= codes, where
        for code in codes & ERROR_STATUSES:
            target = op["responses"][code]["$ref"].rsplit("/", 1)[-1]
            assert responses[target]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Error"}, where
        placeholders = set(re.findall(r"{([^}]+)}", path))
        in_path = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
        assert placeholders == in_path, where
        for parameter in op.get("parameters", []):
            assert "type" in parameter["schema"] or "enum" in parameter["schema"], (where, parameter["name"])
        if "requestBody" in op:
            assert {"400", "413"} <= codes, where
        if op["security"] == [{"bearerAuth": []}]:
            assert "401" in codes, where


def test_writes_that_are_refused_for_roles_document_403(world):
    doc = served(world)
    for path, method, op in operations(doc):
        own = ("/tokens", "/tokens/current", "/account", "/account/calendar-feed", "/subscriptions",
               "/subscriptions/{subscription_id}")
        if method != "GET" and path not in own:  # one's own sign-in, settings and subscriptions: every role
            assert "403" in op["responses"], f"{method} {path}"


def test_vocabularies_and_limits_come_from_the_code(world):
    from events import validation
    from events.vocabulary import GOALS, MUNICIPALITIES, ORGANISATION_KINDS, VIOLENCE_FORMS

    doc = served(world)
    create = doc["components"]["schemas"]["ExampleCreate"]
    assert create["additionalProperties"] is False and create["required"] == ["title"]
    assert create["properties"]["title"]["maxLength"] == validation.TITLE_MAX
    assert create["properties"]["body"]["anyOf"][0]["maxLength"] == validation.BODY_MAX
    assert create["properties"]["violence_forms"]["anyOf"][0]["items"]["enum"] == list(VIOLENCE_FORMS)
    assert create["properties"]["goals"]["anyOf"][0]["items"]["enum"] == list(GOALS)
    assert create["properties"]["municipalities"]["anyOf"][0]["items"]["enum"] == list(MUNICIPALITIES)
    assert doc["components"]["schemas"]["OrganisationCreate"]["properties"]["kind"]["enum"] == list(ORGANISATION_KINDS)
    search = {p["name"]: p for p in doc["paths"]["/search"]["get"]["parameters"]}
    assert search["violence_form"]["schema"]["enum"] == list(VIOLENCE_FORMS)
    roster = {p["name"]: p for p in doc["paths"]["/roster"]["get"]["parameters"]}
    assert roster["at"]["schema"]["format"] == "date"


# ---- (b) the document and the URL map agree ----------------------------------------------

def test_every_api_route_is_documented_with_its_methods(app, world):
    rules, doc = api_rules(app), documented(served(world))
    missing = {path: sorted(methods - doc.get(path, set())) for path, methods in rules.items()
               if methods - doc.get(path, set())}
    assert not missing, f"routes without documentation: {missing}"


def test_every_documented_operation_exists(app, world):
    rules, doc = api_rules(app), documented(served(world))
    extra = {path: sorted(methods - rules.get(path, set())) for path, methods in doc.items()
             if methods - rules.get(path, set())}
    assert not extra, f"documented but not routed: {extra}"


def test_a_new_undocumented_route_would_fail(app, world):
    from flask import Blueprint

    extra = Blueprint("extra_for_test", __name__, url_prefix="/api/v1")
    extra.add_url_rule("/undocumented/<thing>", "undocumented", lambda thing: "", methods=["PATCH"])
    app.register_blueprint(extra)
    rules, doc = api_rules(app), documented(served(world))
    assert "/api/v1/undocumented/{thing}" in rules
    assert "/api/v1/undocumented/{thing}" not in doc


def test_openapi_json_is_public_and_json(world):
    response = world.client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert world.api("GET", "/openapi.json", "gun").status_code == 200
    forged = world.client.get("/api/v1/openapi.json", headers={"Authorization": "Bearer forged"})
    assert forged.status_code == 401 and forged.get_json()["error"]["code"] == "unauthorized"


# ---- (c) the page to browse it ---------------------------------------------------------------

def test_browse_page_lists_every_path_and_method(world):
    response = world.client.get("/api-dokumentation")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = html.unescape(response.get_data(as_text=True))
    doc = served(world)
    for path, method, op in operations(doc):
        assert f"{method} {API_PREFIX}{path}" in page, f"{method} {path}"
        assert op["summary"] in page
    for field in ("title", "base_version", "changes[].person.email", "to_version", "reason"):
        assert f"<code>{field}</code>" in page, field
    for status in ("400", "401", "403", "404", "409", "413", "429", "503"):
        assert f"<code>{status}</code>" in page
    assert "API-dokumentation" in page and "Parametrar" in page and "Svar" in page


def test_browse_page_needs_no_outside_network_and_no_inline_code(world):
    response = world.client.get("/api-dokumentation")
    page = response.get_data(as_text=True)
    assert "<script" not in page.lower()
    assert " style=" not in page.lower() and "<style" not in page.lower()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page), "nothing from another host"
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", page), "no inline event handlers"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]

