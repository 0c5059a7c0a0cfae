"""/api/v1/examples: every route's success and error cases, as the contract describes them."""

import json
import re
from datetime import datetime

import pytest

FULL = {
    "title": "Våld i nära relation – samverkan i Borlänge",
    "summary": "Socialtjänst, polis och kvinnojour samverkar kring våldsutsatta kvinnor.",
    "body": "## Bakgrund\n\nEn rad.\n\n## Vad gjordes\n\nEn annan rad.\n",
    "organisations": ["falu-kommun", "mora-kommun"],
    "municipalities": ["Borlänge", "Falun"],
    "violence_forms": ["nara-relation", "hedersrelaterat"],
    "goals": ["upptackt-skydd-stod"],
    "target_groups": ["våldsutsatta kvinnor", "barn"],
    "measure_types": ["samverkan", "stod"],
    "evaluation": "uppfoljd",
    "period": {"start_year": 2019, "end_year": 2022},
    "contact": "kvinnofrid@falun.se",
    "tags": ["samverkan", "socialtjänst"],
}


# ---- helpers -----------------------------------------------------------------------------

def position(w) -> int:
    response = w.api("GET", "/health")
    assert response.status_code == 200
    return response.json["position"]


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
    body = response.get_json()
    assert isinstance(body, dict) and set(body) == {"error"}, body
    error = body["error"]
    assert isinstance(error.get("code"), str) and error["code"], error
    assert isinstance(error.get("message"), str) and error["message"], error
    if code is not None:
        assert error["code"] == code, error
    return error


def publish(w, slug, username="eva"):
    response = w.api("POST", f"/examples/{slug}/publish", username)
    assert response.status_code == 200, response.json
    return response.json


def edit(w, slug, username, base_version, **fields):
    return w.api("PUT", f"/examples/{slug}", username, json={"base_version": base_version, **fields})


def is_utc_time(value: str) -> bool:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment.utcoffset().total_seconds() == 0


# ---- create ------------------------------------------------------------------------------

def test_create_answers_201_with_slug_version_status_and_position(world):
    before = position(world)
    response = world.api("POST", "/examples", "maja", json={"title": "Ökad kunskap om våld i Älvdalen"})
    assert response.status_code == 201
    body = response.json
    assert set(body) == {"slug", "version", "status", "position"}
    assert re.fullmatch(r"okad-kunskap-om-vald-i-alvdalen-[0-9a-f]{6}", body["slug"]), "a draft's address is provisional"
    assert body["version"] == 1
    assert body["status"] == "draft"
    assert isinstance(body["position"], int) and body["position"] > before
    assert body["position"] == position(world)


def test_create_slug_from_swedish_title(world):
    slug = world.example("eva", title="Åtgärder för äldre – Öppen förskola & Rättvik!")
    assert slug.startswith("atgarder-for-aldre-oppen-forskola-rattvik-")
    published = world.api("POST", f"/examples/{slug}/publish", "eva").json["slug"]
    assert published == "atgarder-for-aldre-oppen-forskola-rattvik"


def test_duplicate_titles_get_unique_slugs(world):
    drafts = [world.example("maja", title="Samma titel") for _ in range(3)]
    assert len(set(drafts)) == 3
    slugs = [world.api("POST", f"/examples/{s}/publish", "eva").json["slug"] for s in drafts]
    assert slugs == ["samma-titel", "samma-titel-2", "samma-titel-3"]
    titles = [world.api("GET", f"/examples/{s}", "maja").json["title"] for s in slugs]
    assert titles == ["Samma titel"] * 3
    assert [world.api("GET", f"/examples/{s}").json["slug"] for s in drafts] == slugs, \
        "a draft's old address leads to the published example"


def test_a_hidden_draft_does_not_show_in_a_new_slug(world):
    """Olle cannot see Maja's draft; the address of his example must not tell him it exists."""
    world.example("maja", title="Hemlig rubrik")
    drafts = [world.example("olle", title="Hemlig rubrik") for _ in range(2)]
    alone = world.example("olle", title="Ensam rubrik")
    assert [re.sub(r"-[0-9a-f]{6}$", "", s) for s in drafts + [alone]] == [
        "hemlig-rubrik", "hemlig-rubrik", "ensam-rubrik"], "the same form with or without a hidden draft"
    assert world.api("POST", f"/examples/{alone}/publish", "eva").json["slug"] == "ensam-rubrik"
    assert world.api("POST", f"/examples/{drafts[0]}/publish", "eva").json["slug"] == "hemlig-rubrik", \
        "the hidden draft holds no public slug"


def test_create_stores_every_field(world):
    slug = world.example("eva", **FULL)
    body = world.api("GET", f"/examples/{slug}", "eva").json
    for field, value in FULL.items():
        assert body[field] == value, field


# ---- list --------------------------------------------------------------------------------

@pytest.fixture
def listed(world):
    w = world
    w.a = w.example("maja", title="Alfa", violence_forms=["nara-relation"], goals=["forebyggande"])
    w.b = w.example("olle", title="Beta", violence_forms=["hedersrelaterat"], goals=["kunskap-metod"])
    w.c = w.example("maja", title="Gamma", violence_forms=["nara-relation"], goals=["kunskap-metod"])
    publish(w, w.a)
    publish(w, w.b)
    return w


def slugs_of(response):
    assert response.status_code == 200, response.json
    return sorted(item["slug"] for item in response.json["items"])


def test_list_shows_published_to_anonymous(listed):
    response = listed.api("GET", "/examples")
    assert slugs_of(response) == ["alfa", "beta"]
    assert response.json["total"] == 2
    assert response.json["page"] == 1
    item = next(i for i in response.json["items"] if i["slug"] == "alfa")
    assert item["title"] == "Alfa"
    assert item["status"] == "published"
    assert item["version"] == 1
    assert item["organisations"] == ["falu-kommun"]


def test_list_filters(listed):
    w = listed
    assert slugs_of(w.api("GET", "/examples?status=draft", "eva")) == [w.c]
    assert slugs_of(w.api("GET", "/examples?status=published", "eva")) == ["alfa", "beta"]
    assert slugs_of(w.api("GET", "/examples?organisation=mora-kommun", "eva")) == ["beta"]
    assert slugs_of(w.api("GET", "/examples?organisation=falu-kommun", "eva")) == ["alfa", w.c]
    assert slugs_of(w.api("GET", "/examples?violence_form=nara-relation", "eva")) == ["alfa", w.c]
    assert slugs_of(w.api("GET", "/examples?violence_form=hedersrelaterat", "eva")) == ["beta"]
    assert slugs_of(w.api("GET", "/examples?goal=kunskap-metod", "eva")) == ["beta", w.c]
    assert slugs_of(w.api("GET", "/examples?goal=kunskap-metod&violence_form=nara-relation", "eva")) == [w.c]
    assert slugs_of(w.api("GET", "/examples?goal=brottsbekampning", "eva")) == []


def test_list_pages(listed):
    w = listed
    seen = []
    for page in (1, 2, 3):
        response = w.api("GET", f"/examples?per_page=1&page={page}", "eva")
        assert response.status_code == 200
        assert response.json["total"] == 3
        assert response.json["page"] == page
        assert response.json["per_page"] == 1
        assert len(response.json["items"]) == 1
        seen.append(response.json["items"][0]["slug"])
    assert sorted(seen) == ["alfa", "beta", w.c]
    response = w.api("GET", "/examples?per_page=1&page=4", "eva")
    assert response.status_code == 200 and response.json["items"] == []


def test_list_per_page_above_100_is_capped(listed):
    response = listed.api("GET", "/examples?per_page=500", "eva")
    assert response.status_code == 200
    assert response.json["per_page"] == 100
    assert len(response.json["items"]) == 3


BAD_LIST_QUERIES = [
    "status=okand", "organisation=finns-inte", "violence_form=okand", "goal=okand",
    "violence_form=N%C3%A4ra", "page=abc", "page=0", "page=-1", "page=1.5", "per_page=abc", "per_page=0",
]


def test_list_rejects_bad_filters(world):
    for query in BAD_LIST_QUERIES:
        assert_error(world.api("GET", f"/examples?{query}", "eva"), 400)


# ---- read --------------------------------------------------------------------------------

def test_read_has_every_field(world):
    slug = world.example("maja", **FULL)
    response = world.api("GET", f"/examples/{slug}", "maja")
    assert response.status_code == 200
    body = response.json
    for field, value in FULL.items():
        assert body[field] == value, field
    assert body["slug"] == slug
    assert body["version"] == 1
    assert body["status"] == "draft"
    assert body["updated_by"] == "maja"
    assert is_utc_time(body["created_at"]) and is_utc_time(body["updated_at"])
    assert '<h2 id="bakgrund">Bakgrund</h2>' in body["html"]
    assert "<p>En rad.</p>" in body["html"]


def test_read_unknown_slug_is_404(world):
    assert_error(world.api("GET", "/examples/finns-inte", "eva"), 404)
    assert_error(world.api("GET", "/examples/%C3%85%C3%A4", "eva"), 404)


def test_read_historical_version(world):
    slug = world.example("maja", title="Första titeln", body="gammal text")
    assert edit(world, slug, "eva", 1, title="Andra titeln", body="ny text").status_code == 200
    current = world.api("GET", f"/examples/{slug}", "maja").json
    assert (current["title"], current["body"], current["version"]) == ("Andra titeln", "ny text", 2)
    assert current["updated_by"] == "eva"
    old = world.api("GET", f"/examples/{slug}?version=1", "maja")
    assert old.status_code == 200
    assert (old.json["title"], old.json["body"], old.json["version"]) == ("Första titeln", "gammal text", 1)
    assert old.json["updated_by"] == "maja"
    assert "gammal text" in old.json["html"]
    assert world.api("GET", f"/examples/{slug}?version=2", "maja").json["title"] == "Andra titeln"


def test_read_unknown_version_is_404_and_bad_version_is_400(world):
    slug = world.example("maja")
    assert_error(world.api("GET", f"/examples/{slug}?version=2", "maja"), 404)
    assert_error(world.api("GET", f"/examples/{slug}?version=999999", "maja"), 404)
    assert_error(world.api("GET", f"/examples/{slug}?version=abc", "maja"), 400)
    assert_error(world.api("GET", f"/examples/{slug}?version=-1", "maja"), 400)


# ---- edit --------------------------------------------------------------------------------

def test_edit_adds_one_version(world):
    slug = world.example("maja", title="Titel", body="text")
    before = position(world)
    response = edit(world, slug, "maja", 1, body="ny text", comment="Rättade texten")
    assert response.status_code == 200
    assert response.json["slug"] == slug
    assert response.json["version"] == 2
    assert response.json["status"] == "draft"
    assert response.json["position"] > before
    response = edit(world, slug, "maja", 2, summary="Ny sammanfattning")
    assert response.json["version"] == 3
    body = world.api("GET", f"/examples/{slug}", "maja").json
    assert (body["title"], body["body"], body["summary"], body["version"]) == (
        "Titel", "ny text", "Ny sammanfattning", 3)


def test_stale_base_version_is_409_edit_conflict(world):
    slug = world.example("maja", body="ett")
    assert edit(world, slug, "maja", 1, body="två").status_code == 200
    world.token("eva")
    before = position(world)
    error = assert_error(edit(world, slug, "eva", 1, body="tre"), 409, "edit_conflict")
    assert error["current_version"] == 2
    assert position(world) == before
    assert world.api("GET", f"/examples/{slug}", "maja").json["body"] == "två"


BAD_EDITS = [
    {"body": "utan bas"}, {"base_version": "1", "body": "x"}, {"base_version": 0, "body": "x"},
    {"base_version": None, "body": "x"}, {"base_version": True, "body": "x"},
    {"base_version": 1, "okant": "x"}, {"base_version": 1, "title": ""},
    {"base_version": 1, "violence_forms": ["okand"]}, {"base_version": 1, "organisations": ["finns-inte"]},
]


def test_edit_bad_input_is_400(world):
    slug = world.example("maja")
    world.token("maja")
    before = position(world)
    for payload in BAD_EDITS:
        assert_error(world.api("PUT", f"/examples/{slug}", "maja", json=payload), 400)
    assert position(world) == before
    assert world.api("GET", f"/examples/{slug}", "maja").json["version"] == 1


def test_edit_unknown_example_is_404(world):
    assert_error(edit(world, "finns-inte", "eva", 1, body="x"), 404)


def test_publishing_does_not_make_base_version_stale(world):
    slug = world.example("maja", body="ett")
    assert publish(world, slug, "eva")["version"] == 1
    response = edit(world, slug, "maja", 1, body="två")
    assert response.status_code == 200
    assert response.json["version"] == 2
    assert response.json["status"] == "published"
    world.api("POST", f"/examples/{slug}/archive", "eva")
    assert edit(world, slug, "eva", 2, body="tre").json["version"] == 3


# ---- history -----------------------------------------------------------------------------

def test_history(world):
    slug = world.example("maja", body="ett")
    edit(world, slug, "eva", 1, body="två", comment="Rättade stavning")
    publish(world, slug, "eva")
    response = world.api("GET", f"/examples/{slug}/history", "maja")
    assert response.status_code == 200
    items = response.json["items"]
    for item in items:
        assert {"version", "at", "by", "comment", "change"} <= set(item)
        assert is_utc_time(item["at"])
    # the code lists the newest first
    assert [(i["change"], i["version"], i["by"]) for i in items] == [
        ("published", 2, "eva"), ("edited", 2, "eva"), ("created", 1, "maja")]
    assert items[1]["comment"] == "Rättade stavning"


def test_history_of_unknown_example_is_404(world):
    assert_error(world.api("GET", "/examples/finns-inte/history", "eva"), 404)


# ---- diff --------------------------------------------------------------------------------

def test_diff_lists_changed_fields_and_a_unified_body_diff(world):
    slug = world.example("maja", title="Gammal", body="rad ett\nrad två\nrad tre\n", tags=["a"])
    edit(world, slug, "maja", 1, title="Ny", body="rad ett\nrad 2\nrad tre\n")
    response = world.api("GET", f"/examples/{slug}/diff?from=1&to=2", "maja")
    assert response.status_code == 200
    body = response.json
    assert body["from"] == 1 and body["to"] == 2
    assert sorted(body["changed_fields"]) == ["body", "title"]
    assert body["changes"]["title"] == {"from": "Gammal", "to": "Ny"}
    lines = body["body_diff"].splitlines()
    assert "-rad två" in lines
    assert "+rad 2" in lines
    assert " rad ett" in lines
    assert any(line.startswith("@@") for line in lines)
    same = world.api("GET", f"/examples/{slug}/diff?from=2&to=2", "maja").json
    assert same["changed_fields"] == [] and same["body_diff"] == ""


DIFF_ERRORS = [
    ("", 400), ("from=1", 400), ("to=1", 400), ("from=&to=1", 400), ("from=abc&to=1", 400),
    ("from=1&to=3", 404), ("from=7&to=1", 404),
]


def test_diff_errors(world):
    slug = world.example("maja", body="a")
    edit(world, slug, "maja", 1, body="b")
    for query, status in DIFF_ERRORS:
        assert_error(world.api("GET", f"/examples/{slug}/diff?{query}", "maja"), status)
    assert_error(world.api("GET", "/examples/finns-inte/diff?from=1&to=1", "maja"), 404)


# ---- revert ------------------------------------------------------------------------------

def test_revert_makes_a_new_version_equal_to_the_old(world):
    slug = world.example("maja", title="Original", body="första", tags=["x"], goals=["forebyggande"])
    original = world.api("GET", f"/examples/{slug}", "maja").json
    edit(world, slug, "maja", 1, title="Ändrad", body="andra", tags=["y"])
    edit(world, slug, "maja", 2, goals=["kunskap-metod"])
    response = world.api("POST", f"/examples/{slug}/revert", "maja",
                         json={"to_version": 1, "comment": "Tillbaka"})
    assert response.status_code == 200
    assert response.json["version"] == 4
    assert response.json["status"] == "draft"
    now = world.api("GET", f"/examples/{slug}", "maja").json
    assert now["version"] == 4
    for field in FULL:
        assert now[field] == original[field], field
    history = world.api("GET", f"/examples/{slug}/history", "maja").json["items"]
    assert history[0]["change"] == "reverted" and history[0]["version"] == 4
    assert history[0]["comment"] == "Tillbaka"
    diff = world.api("GET", f"/examples/{slug}/diff?from=1&to=4", "maja").json
    assert diff["changed_fields"] == []


def test_revert_bad_input_is_400(world):
    slug = world.example("maja")
    edit(world, slug, "maja", 1, body="ny")
    for payload in ({}, {"to_version": 5}, {"to_version": "1"}, {"to_version": 0}, {"to_version": 1, "okant": 1}):
        assert_error(world.api("POST", f"/examples/{slug}/revert", "maja", json=payload), 400)
    assert world.api("GET", f"/examples/{slug}", "maja").json["version"] == 2
    assert_error(world.api("POST", "/examples/finns-inte/revert", "maja", json={"to_version": 1}), 404)


# ---- publish and archive -----------------------------------------------------------------

def test_publish_and_archive(world):
    slug = world.example("maja")
    assert world.api("GET", f"/examples/{slug}").status_code == 404
    before = position(world)
    response = world.api("POST", f"/examples/{slug}/publish", "eva")
    assert response.status_code == 200
    assert response.json["slug"] == "ett-larande-exempel" != slug, "publication gives the public slug"
    assert response.json["status"] == "published"
    assert response.json["version"] == 1
    assert response.json["position"] > before
    public = world.api("GET", f"/examples/{slug}")
    assert public.status_code == 200 and public.json["status"] == "published"
    response = world.api("POST", f"/examples/{slug}/archive", "eva")
    assert response.status_code == 200
    assert (response.json["status"], response.json["version"]) == ("archived", 1)
    assert world.api("GET", f"/examples/{slug}", "eva").json["status"] == "archived"
    assert world.api("GET", f"/examples/{slug}").status_code == 404


def test_publish_unknown_example_is_404(world):
    assert_error(world.api("POST", "/examples/finns-inte/publish", "eva"), 404)
    assert_error(world.api("POST", "/examples/finns-inte/archive", "eva"), 404)


# ---- backlinks ---------------------------------------------------------------------------

def test_backlinks(world):
    target = world.example("maja", title="Målet")
    target = world.api("POST", f"/examples/{target}/publish", "eva").json["slug"]
    assert target == "malet", "publication gives the example its public slug"
    source = world.example("maja", title="Källan", body=f"Läs också [[{target}]].")
    other = world.example("eva", title="Tredje", body="Se [[Målet|detta exempel]] och [[finns-inte]].")
    world.example("maja", title="Orelaterat", body="Inga länkar.")
    response = world.api("GET", f"/examples/{target}/backlinks", "eva")
    assert response.status_code == 200
    assert sorted(item["slug"] for item in response.json["items"]) == sorted([source, other])
    edit(world, source, "maja", 1, body="Inte längre någon länk.")
    response = world.api("GET", f"/examples/{target}/backlinks", "eva")
    assert [item["slug"] for item in response.json["items"]] == [other]
    assert_error(world.api("GET", "/examples/finns-inte/backlinks", "eva"), 404)


# ---- validation --------------------------------------------------------------------------

TEXT_LENGTHS = [
    ("title", "x" * 200, True), ("title", "x" * 201, False), ("title", "", False), ("title", "   ", False),
    ("title", 123, False), ("title", None, False), ("summary", "s" * 1000, True), ("summary", "s" * 1001, False),
    ("body", "b" * 200_000, True), ("body", "b" * 200_001, False),
]


def test_text_lengths(world):
    for field, value, ok in TEXT_LENGTHS:
        payload = {"title": "Titel", field: value}
        response = world.api("POST", "/examples", "maja", json=payload)
        if ok:
            assert response.status_code == 201, (field, len(value), response.json)
            assert world.api("GET", f"/examples/{response.json['slug']}", "maja").json[field] == value
        else:
            assert_error(response, 400)


def test_missing_title_is_400(world):
    assert_error(world.api("POST", "/examples", "maja", json={"summary": "utan titel"}), 400)


INVALID_VALUES = [
    ("violence_forms", ["okand"]), ("violence_forms", ["Våld i nära relation"]), ("violence_forms", "nara-relation"),
    ("goals", ["okand"]), ("measure_types", ["okand"]), ("evaluation", "okand"),
    ("municipalities", ["Stockholm"]), ("municipalities", ["Borlange"]),
    ("organisations", ["finns-inte"]), ("organisations", ["falu-kommun", "finns-inte"]),
    ("organisations", ["Falu kommun"]), ("period", {"start_year": "2019"}),
    ("period", {"start_year": 2020, "end_year": 2019}), ("period", {"start_year": 2020, "x": 1}),
    ("tags", [1, 2]), ("target_groups", "barn"), ("contact", ["a"]),
]


def test_invalid_values_are_400_and_record_nothing(world):
    world.token("maja")
    world.token("eva")
    before = position(world)
    for field, value in INVALID_VALUES:
        response = world.api("POST", "/examples", "maja", json={"title": "Ogiltigt", field: value})
        assert_error(response, 400, "invalid")
        assert position(world) == before, (field, value)
    assert world.api("GET", "/examples", "eva").json["total"] == 0


def test_unknown_field_is_400(world):
    world.token("maja")
    before = position(world)
    error = assert_error(world.api("POST", "/examples", "maja", json={"title": "T", "okant_falt": 1}), 400)
    assert "okant_falt" in error["message"]
    assert position(world) == before


def test_non_object_json_is_400(world):
    slug = world.example("maja")
    before = position(world)
    for data in ("[1, 2]", '"text"', "42", "null", "{not json", "", '{"title": ', "\xff\xfe"):
        response = world.api("POST", "/examples", "maja", data=data, content_type="application/json")
        assert_error(response, 400)
        response = world.api("PUT", f"/examples/{slug}", "maja", data=data, content_type="application/json")
        assert_error(response, 400)
    assert position(world) == before


def test_deeply_nested_json_is_400(world):
    world.token("maja")
    before = position(world)
    for data in ("[" * 50_000 + "]" * 50_000, '{"title": ' + "[" * 5_000 + "]" * 5_000 + "}"):
        response = world.api("POST", "/examples", "maja", data=data, content_type="application/json")
        assert_error(response, 400)
    assert position(world) == before


def test_lone_surrogate_in_text_is_400_and_records_nothing(world):
    slug = world.example("maja")
    before = position(world)
    for data in ('{"title": "a\\ud800b"}', '{"title": "ok", "tags": ["\\udfff"]}', '{"title": "ok", "body": "x\\ud800"}'):
        response = world.api("POST", "/examples", "maja", data=data, content_type="application/json")
        assert_error(response, 400)
        put = data.replace("{", '{"base_version": 1, ', 1)
        assert_error(world.api("PUT", f"/examples/{slug}", "maja", data=put, content_type="application/json"), 400)
    assert position(world) == before


def test_unknown_field_with_a_lone_surrogate_is_400(world):
    response = world.api("POST", "/examples", "maja", data='{"title": "ok", "\\ud800": 1}',
                         content_type="application/json")
    assert_error(response, 400)


def test_request_over_one_megabyte_is_413(world):
    world.token("maja")
    before = position(world)
    payload = json.dumps({"title": "Stor", "body": "x" * (1024 * 1024 + 10)})
    response = world.api("POST", "/examples", "maja", data=payload, content_type="application/json")
    error = assert_error(response, 413)
    assert error["code"] == "too_large"
    assert position(world) == before


# ---- min_position ------------------------------------------------------------------------

def test_min_position_within_the_log_answers(world):
    slug = world.example("maja")
    now = position(world)
    response = world.api("GET", f"/examples/{slug}?min_position={now}", "maja")
    assert response.status_code == 200
    assert response.json["position"] >= now
    assert world.api("GET", f"/examples?min_position={now}", "maja").status_code == 200


def test_min_position_beyond_the_log_is_refused_at_once(world):
    """Waiting for a position the log does not have could never end well (issue 18)."""
    head = world.wiki.position()
    for path in ("/examples", "/search?q=samverkan&"):
        sep = "&" if "?" in path else "?"
        response = world.api("GET", f"{path.rstrip('&')}{sep}min_position={head + 1}")
        error = assert_error(response, 400, "bad_position")
        assert error["message"] and error["field"] == "min_position"
    assert world.api("GET", f"/examples?min_position={head}").status_code == 200


def test_bad_min_position_is_400(world):
    slug = world.example("eva")
    for value in ("abc", "-1", "1.5", "1e3"):
        assert_error(world.api("GET", f"/examples?min_position={value}"), 400)
        assert_error(world.api("GET", f"/examples/{slug}?min_position={value}", "eva"), 400)
