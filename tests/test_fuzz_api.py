"""Schemathesis against the OpenAPI document, through the WSGI app (no network).

Every documented operation is fuzzed three times: anonymously, as a coordinator and as a
member, with schemathesis's example, coverage and fuzzing phases, positive and negative
data. Each response must be no 5xx (a 503 `behind` for a `min_position` the log has not
reached is the contract's answer, not a failure), have a documented status code and
content type, and a body and headers that match the documented schema.

Half of the generated path parameters (and the organisation and person of membership
forms) are swapped for ones that exist in the fixture data, so that the fuzzer gets past
"404 not found" into validation, permissions and conflicts.

Deterministic: Hypothesis is derandomized and has no example database.
"""

import hashlib
import io
import json
import time

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import CheckContext
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

import file_samples as samples
from conftest import World
from stores import make_app
from wiki.api.openapi import document

WHO = ("anonym", "samordnare", "medlem")
ACCOUNT = {"anonym": None, "samordnare": "eva", "medlem": "maja"}
MAX_EXAMPLES = 12
BEHIND_TIMEOUT = 0.05  # the app waits 5 s for min_position; the fuzzer need not

# (METHOD, path, who or None for every role) -> the request that shows the bug.
CONFIG = schemathesis.Config.from_dict({
    "generation": {"mode": "all", "deterministic": True, "database": "none",
                   "with-security-parameters": False, "max-examples": MAX_EXAMPLES},
})
schema = schemathesis.openapi.from_dict(document(), config=CONFIG)

REQUESTS = {"count": 0, "by_who": dict.fromkeys(WHO, 0), "started": None, "seconds": 0.0}


# ---- the fixture data folder ---------------------------------------------------------------

class FuzzWorld(World):
    """A wiki with organisations, examples, a register and tokens for the fuzzer."""

    def populate(self) -> None:
        self.falun = self.organisation("Falu kommun", "kommun", "Falun", "2010-01-01")
        self.mora = self.organisation("Mora kommun", "kommun", "Mora", "2012-03-01")
        self.jour = self.organisation("Kvinnojouren Borlänge", "kvinnojour", "Borlänge", "2015-06-01")
        self.account("eva", "coordinator")
        self.account("maja", "member", self.falun)
        published = self.example("maja", title="Samverkan mot våld i nära relation",
                                 summary="Kommun, polis och jour i samma rum.", body="## Bakgrund\n\nText.",
                                 violence_forms=["nara-relation"], goals=["forebyggande"],
                                 municipalities=["Falun"], target_groups=["våldsutsatta kvinnor"],
                                 period={"start_year": 2019, "end_year": 2021}, evaluation="uppfoljd")
        response = self.api("POST", f"/examples/{published}/publish", "eva")
        assert response.status_code == 200
        published = response.json["slug"]
        assert self.api("PUT", f"/examples/{published}", "maja",
                        json={"base_version": 1, "body": "## Bakgrund\n\nNy text."}).status_code == 200
        draft = self.example("maja", title="Utkast om hedersrelaterat våld", goals=["kunskap-metod"],
                             body=f"Bygger på [[{published}]].")
        mora = self.example("eva", title="Utbildning i Mora", organisations=[self.mora],
                            body=f"Se [[{published}]] och [[{draft}]].", tags=["utbildning"])
        response = self.api("POST", f"/examples/{mora}/publish", "eva")
        assert response.status_code == 200
        mora = response.json["slug"]
        archived = self.example("eva", title="Gammalt exempel", organisations=[self.jour])
        assert self.api("POST", f"/examples/{archived}/archive", "eva").status_code == 200
        self.slugs = [published, draft, mora, archived]

        form = {"organisation": self.falun, "note": "Nytt ombud.", "changes": [
            {"action": "appoint", "role": "representative", "from": "2020-01-01",
             "person": {"name": "Anna Andersson", "email": "anna@example.se", "phone": "023-123 45",
                        "title": "Samordnare"}}]}
        approved = self.api("POST", "/membership-requests", "maja", json=form).json["id"]
        assert self.api("POST", f"/membership-requests/{approved}/approve", "eva").status_code == 200
        person = self.api("GET", f"/membership-requests/{approved}", "eva").json["changes"][0]["person_id"]
        pending = self.api("POST", "/membership-requests", "eva", json={
            "organisation": self.falun, "changes": [{"action": "end", "role": "representative",
                                                     "person_id": person, "on": "2030-12-31"}]}).json["id"]
        self.request_ids = [approved, pending]
        self.person_ids = [person]
        self.organisations = [self.falun, self.mora, self.jour]
        self.account("ulla", "coordinator")
        group = self.api("POST", "/working-groups", "eva", json={
            "name": "Arbetsgruppen för spridning", "convenor": self.falun, "members": [self.mora],
            "start": "2020-01-01"}).json["slug"]
        self.groups = [group]
        self.meeting_ids, self.task_ids = [], []
        for day, kind in (("2024-02-29", "lansgruppsmote"), ("2030-05-20", "arbetsgruppsmote")):
            meeting_id = self.api("POST", "/meetings", "ulla", json={
                "title": "Möte", "kind": kind, "working_group": group if kind == "arbetsgruppsmote" else None,
                "date": day, "starts_at": "09:00", "ends_at": "12:00", "place": "Falun",
                "agenda": [{"title": "Uppdrag", "text": "Spridning."}]}).json["id"]
            assert self.api("PUT", f"/meetings/{meeting_id}/minutes", "ulla", json={"base_version": 0, "items": [
                {"agenda_index": 0, "text": "Text.", "decisions": [{"text": "Beslut."}],
                 "tasks": [{"title": "Sprida", "organisation": self.falun, "due": "2024-06-30"}]}]}).status_code == 200
            self.meeting_ids.append(meeting_id)
        self.task_ids = [task["id"] for task in self.api("GET", "/tasks", "eva").json["items"]]
        self.attachment_ids = []
        for slug, words in ((published, "Rapport om samverkan"), (draft, "Utkastets bilaga")):
            response = self.api("POST", f"/examples/{slug}/attachments", "maja", content_type="multipart/form-data",
                                data={"file": (io.BytesIO(samples.pdf_with_text(words)), "rapport.pdf")})
            assert response.status_code == 201, response.json
            self.attachment_ids += [response.json["id"], response.json["sha256"]]
        for username in ("eva", "maja"):
            self.token(username)


@pytest.fixture(scope="module")
def fuzz(tmp_path_factory):
    # TESTING off: an unhandled exception must become the 500 a client would get, not a traceback here.
    app = make_app({"DATA_DIR": str(tmp_path_factory.mktemp("fuzz") / "data"), "TESTING": False})
    world = FuzzWorld(app)
    world.populate()
    services = world.services
    wait_for, wait_for_index = services.pages.wait_for, services.wait_for_index
    services.pages.wait_for = lambda position, timeout=5.0: wait_for(position, timeout=min(timeout, BEHIND_TIMEOUT))
    services.wait_for_index = lambda position, timeout=5.0: wait_for_index(
        position, timeout=min(timeout, BEHIND_TIMEOUT))
    yield world
    services.close()


# ---- checks ----------------------------------------------------------------------------------

def no_server_error(ctx: CheckContext, response, case) -> None:
    """No 5xx, except the contract's 503 `behind` when `min_position` is ahead of the log."""
    if response.status_code < 500:
        return None
    try:
        code = json.loads(response.content)["error"]["code"]
    except (ValueError, KeyError, TypeError):
        code = None
    if response.status_code == 503 and code == "behind" and "min_position" in (case.query or {}):
        assert response.headers.get("Retry-After") or response.headers.get("retry-after")
        return None
    raise AssertionError(f"{response.status_code} server error for {case.method} {case.formatted_path}: "
                         f"{response.content[:500]!r}")


CHECKS = [no_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]


# ---- steering a few values to real data --------------------------------------------------------

def _pick(choices: list, seed) -> str:
    digest = hashlib.sha256(repr(seed).encode()).digest()
    return choices[digest[0] % len(choices)]


def _real_half(seed) -> bool:
    return hashlib.sha256(repr(seed).encode()).digest()[1] % 2 == 0


def steer(case, world: FuzzWorld) -> None:
    """For about half the cases, replace path ids (and form references) by existing ones."""
    params = case.path_parameters or {}
    seed = (case.method, case.path, sorted(params.items(), key=str), str(case.query), str(case.body)[:200])
    if not _real_half(seed):
        return
    for name in list(params):
        if name == "slug":
            params[name] = _pick(world.organisations if case.path.startswith("/organisations") else
                                 world.groups if case.path.startswith("/working-groups") else world.slugs, seed)
        elif name == "meeting_id":
            params[name] = _pick(world.meeting_ids, seed)
        elif name == "attachment_id":
            params[name] = _pick(world.attachment_ids, seed)
        elif name == "task_id":
            params[name] = _pick(world.task_ids, seed)
        elif name == "request_id":
            params[name] = _pick(world.request_ids, seed)
        elif name == "person_id":
            params[name] = _pick(world.person_ids, seed)
    body = case.body
    if case.path == "/membership-requests" and case.method == "POST" and isinstance(body, dict):
        if isinstance(body.get("organisation"), str):
            body["organisation"] = _pick(world.organisations, seed)
        for change in body.get("changes") or []:
            if isinstance(change, dict) and isinstance(change.get("person_id"), str):
                change["person_id"] = _pick(world.person_ids, seed)


def headers_for(world: FuzzWorld, who: str, case) -> dict:
    username = ACCOUNT[who]
    if username is None:
        return {}
    if case.method == "DELETE" and case.path == "/tokens/current":
        # Revoking must not sign the rest of the run out: a fresh token for each such request.
        account = world.wiki.get_account(username)
        token, _, _ = world.wiki.issue_token(account)
        return {"Authorization": f"Bearer {token}"}
    return world.headers(username)


# ---- the fuzz test -----------------------------------------------------------------------------

def pytest_generate_tests(metafunc):
    if "who" in metafunc.fixturenames:
        metafunc.parametrize("who", WHO)


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, derandomize=True, database=None, deadline=None, print_blob=False,
          suppress_health_check=list(HealthCheck),
          phases=[Phase.explicit, Phase.generate])
def test_fuzz(case, who, fuzz):
    if REQUESTS["started"] is None:
        REQUESTS["started"] = time.monotonic()
    steer(case, fuzz)
    headers = headers_for(fuzz, who, case)
    REQUESTS["count"] += 1
    REQUESTS["by_who"][who] += 1
    try:
        case.call_and_validate(app=fuzz.app, headers=headers, checks=CHECKS)
    finally:
        REQUESTS["seconds"] = time.monotonic() - REQUESTS["started"]


def test_fuzzing_sent_enough_requests(request):
    """At least 1,000 generated requests in all, signed in and not (when the whole module ran)."""
    fuzz_items = [item for item in request.session.items if item.originalname and
                  item.originalname.startswith("test_fuzz[")]
    expected = len(document_operations()) * len(WHO)
    if len(fuzz_items) < expected:
        pytest.skip("only part of the fuzz test was selected")
    print(f"\nschemathesis: {REQUESTS['count']} requests in {REQUESTS['seconds']:.1f} s {REQUESTS['by_who']}")
    assert REQUESTS["count"] >= 1000, REQUESTS
    for who in WHO:
        assert REQUESTS["by_who"][who] >= 300, REQUESTS


def document_operations() -> list:
    doc = document()
    return [(path, method) for path, item in doc["paths"].items() for method in item]


def test_the_fuzzed_document_is_the_served_one(fuzz):
    assert fuzz.client.get("/api/v1/openapi.json").get_json() == document()



# ---- regression tests for bugs the fuzzing and the document's writing found --------------------

@pytest.fixture
def production_errors(world):
    world.app.testing = False  # an exception becomes the 500 a client gets
    return world


@pytest.mark.parametrize("evaluation", [[], {}, ["uppfoljd"]])
def test_bug_evaluation_of_the_wrong_type_is_a_400(production_errors, evaluation):
    w = production_errors
    response = w.api("POST", "/examples", "eva", json={"title": "Ett exempel", "evaluation": evaluation})
    assert response.status_code == 400, response.status_code
    slug = w.example("eva", title="Redigeras")
    response = w.api("PUT", f"/examples/{slug}", "eva", json={"base_version": 1, "evaluation": evaluation})
    assert response.status_code == 400, response.status_code


@pytest.mark.parametrize("kind", [[], {}, ["kommun"]])
def test_bug_kind_of_the_wrong_type_is_a_400(production_errors, kind):
    response = production_errors.api("POST", "/organisations", "eva", json={"name": "Ny förening", "kind": kind})
    assert response.status_code == 400, response.status_code


def test_bug_dates_at_the_edge_of_the_calendar_are_refused_and_break_nothing(production_errors):
    """An appointment from 0001-01-01 once made the read model fail (the day before overflowed)."""
    w = production_errors
    assert w.api("POST", "/organisations", "eva", json={
        "name": "Forntida förening", "kind": "ideell", "joined_on": "0001-01-01"}).status_code == 400
    assert w.api("POST", "/organisations", "eva", json={
        "name": "Framtida förening", "kind": "ideell", "joined_on": "9999-12-31"}).status_code == 400
    submitted = w.api("POST", "/membership-requests", "eva", json={
        "organisation": "falu-kommun", "changes": [
            {"action": "appoint", "role": "representative", "from": "0001-01-01", "person": {"name": "Ada"}}]})
    assert submitted.status_code == 400
    assert w.api("GET", "/health").status_code == 200
    assert w.api("GET", "/organisations").status_code == 200


def test_bug_slug_with_a_trailing_newline_is_refused(production_errors):
    response = production_errors.api("POST", "/organisations", "eva", json={
        "name": "Radbrytning", "kind": "kommun", "slug": "abc\n"})
    assert response.status_code == 400, response.status_code
