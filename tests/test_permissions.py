"""Who may read and write what, per role, and how tokens are accepted and refused."""

import secrets

import pytest

from conftest import PASSWORD


def position(w) -> int:
    return w.api("GET", "/health").json["position"]


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
    body = response.get_json()
    assert isinstance(body, dict) and set(body) == {"error"}, body
    assert isinstance(body["error"].get("code"), str) and body["error"]["code"]
    assert isinstance(body["error"].get("message"), str) and body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code, body
    return body["error"]


def sign_in(w, username, password=PASSWORD):
    return w.client.post("/api/v1/tokens", json={"username": username, "password": password})


ALL_SIGNED_IN = ("maja", "olle", "eva", "gun", "adam")


# ---- reading -----------------------------------------------------------------------------

def test_draft_is_visible_to_owner_member_coordinator_auditor_admin_only(world):
    slug = world.example("maja", title="Utkast från Falun")
    for username in ("maja", "eva", "gun", "adam"):
        response = world.api("GET", f"/examples/{slug}", username)
        assert response.status_code == 200, username
        assert response.json["status"] == "draft"
        assert world.api("GET", f"/examples/{slug}/history", username).status_code == 200, username
    for username in (None, "olle"):
        assert_error(world.api("GET", f"/examples/{slug}", username), 404)
        assert_error(world.api("GET", f"/examples/{slug}/history", username), 404)
        assert_error(world.api("GET", f"/examples/{slug}/diff?from=1&to=1", username), 404)
        assert_error(world.api("GET", f"/examples/{slug}/backlinks", username), 404)
        listed = world.api("GET", "/examples", username).json
        assert listed["total"] == 0 and listed["items"] == []
    for username in ("maja", "eva", "gun", "adam"):
        assert [i["slug"] for i in world.api("GET", "/examples", username).json["items"]] == [slug], username


def test_partner_organisation_member_sees_the_draft(world):
    slug = world.example("maja", title="Gemensamt", organisations=["falu-kommun", "mora-kommun"])
    assert world.api("GET", f"/examples/{slug}", "olle").status_code == 200


def test_anonymous_reads_published_examples(world):
    slug = world.example("maja", title="Publicerat")
    world.example("maja", title="Inte publicerat")
    published = world.api("POST", f"/examples/{slug}/publish", "eva")
    assert published.status_code == 200
    slug = published.json["slug"]
    response = world.api("GET", f"/examples/{slug}")
    assert response.status_code == 200 and response.json["title"] == "Publicerat"
    assert world.api("GET", f"/examples/{slug}", "olle").status_code == 200
    assert [i["slug"] for i in world.api("GET", "/examples").json["items"]] == [slug]
    assert [i["slug"] for i in world.api("GET", "/examples", "olle").json["items"]] == [slug]
    assert world.api("GET", f"/examples/{slug}/history").status_code == 200


def test_anonymous_reads_organisation_names(world):
    response = world.api("GET", "/organisations")
    assert response.status_code == 200
    assert sorted(o["name"] for o in response.json["items"]) == ["Falu kommun", "Mora kommun"]


# ---- anonymous writes --------------------------------------------------------------------

def test_anonymous_writes_are_401(world):
    slug = world.example("maja")
    world.api("POST", f"/examples/{slug}/publish", "eva")
    before = position(world)
    assert_error(world.api("POST", "/examples", json={"title": "Anonym"}), 401, "unauthorized")
    assert_error(world.api("PUT", f"/examples/{slug}", json={"base_version": 1, "body": "x"}), 401)
    assert_error(world.api("POST", f"/examples/{slug}/publish"), 401)
    assert_error(world.api("POST", f"/examples/{slug}/archive"), 401)
    assert_error(world.api("POST", f"/examples/{slug}/revert", json={"to_version": 1}), 401)
    assert_error(world.api("DELETE", "/tokens/current"), 401)
    assert position(world) == before


# ---- members -----------------------------------------------------------------------------

def test_member_creates_only_with_own_organisation(world):
    world.token("maja")
    before = position(world)
    assert_error(world.api("POST", "/examples", "maja", json={"title": "Moras", "organisations": ["mora-kommun"]}),
                 403, "forbidden")
    assert position(world) == before
    assert_error(world.api("POST", "/examples", "maja",
                           json={"title": "Partner", "organisations": ["mora-kommun", "falu-kommun"]}),
                 403, "forbidden")
    assert position(world) == before, "a member's new example is owned by the member's own organisation"
    response = world.api("POST", "/examples", "maja",
                         json={"title": "Partner", "organisations": ["falu-kommun", "mora-kommun"]})
    assert response.status_code == 201
    assert world.api("GET", f"/examples/{response.json['slug']}", "maja").json["organisations"] == [
        "falu-kommun", "mora-kommun"]


def test_member_empty_organisations_defaults_to_own(world):
    for payload in ({"title": "Tom lista", "organisations": []}, {"title": "Inget fält"}):
        response = world.api("POST", "/examples", "olle", json=payload)
        assert response.status_code == 201
        body = world.api("GET", f"/examples/{response.json['slug']}", "olle").json
        assert body["organisations"] == ["mora-kommun"]


def test_coordinator_and_admin_create_for_any_organisation(world):
    for username in ("eva", "adam"):
        response = world.api("POST", "/examples", username,
                             json={"title": f"Av {username}", "organisations": ["mora-kommun"]})
        assert response.status_code == 201, username


def test_member_edits_and_publishes_own_organisation_examples(world):
    slug = world.example("maja", body="ett")
    response = world.api("PUT", f"/examples/{slug}", "maja", json={"base_version": 1, "body": "två"})
    assert response.status_code == 200 and response.json["version"] == 2
    response = world.api("POST", f"/examples/{slug}/publish", "eva")
    assert response.status_code == 200 and response.json["status"] == "published"
    response = world.api("POST", f"/examples/{slug}/revert", "maja", json={"to_version": 1})
    assert response.status_code == 200 and response.json["version"] == 3


def test_member_of_another_organisation_cannot_write(world):
    published = world.example("maja", title="Publicerat i Falun")
    draft = world.example("maja", title="Utkast i Falun")
    world.api("POST", f"/examples/{published}/publish", "eva")
    world.token("olle")
    before = position(world)
    assert_error(world.api("PUT", f"/examples/{published}", "olle", json={"base_version": 1, "body": "x"}), 403)
    assert_error(world.api("POST", f"/examples/{published}/publish", "olle"), 403)
    assert_error(world.api("POST", f"/examples/{published}/revert", "olle", json={"to_version": 1}), 403)
    assert_error(world.api("POST", f"/examples/{published}/archive", "olle"), 403)
    # a draft olle cannot read is simply not there for him
    assert_error(world.api("PUT", f"/examples/{draft}", "olle", json={"base_version": 1, "body": "x"}), 404)
    assert_error(world.api("POST", f"/examples/{draft}/publish", "olle"), 404)
    assert position(world) == before
    assert world.api("GET", f"/examples/{published}", "olle").json["body"] == "## Bakgrund\n\nText."


def test_member_cannot_drop_own_organisation(world):
    slug = world.example("maja", organisations=["falu-kommun", "mora-kommun"])
    assert_error(world.api("PUT", f"/examples/{slug}", "maja",
                           json={"base_version": 1, "organisations": ["mora-kommun"]}), 403)
    assert world.api("GET", f"/examples/{slug}", "eva").json["organisations"] == ["falu-kommun", "mora-kommun"]


def test_member_cannot_revert_away_own_organisation(world):
    slug = world.example("eva", organisations=["mora-kommun"])
    moved = world.api("PUT", f"/examples/{slug}", "eva", json={"base_version": 1, "organisations": ["falu-kommun"]})
    assert moved.status_code == 200
    # PUT refuses maja the change that would drop falu-kommun ...
    assert_error(world.api("PUT", f"/examples/{slug}", "maja",
                           json={"base_version": 2, "organisations": ["mora-kommun"]}), 403)
    # ... and a revert that makes the same change must be refused too
    assert_error(world.api("POST", f"/examples/{slug}/revert", "maja", json={"to_version": 1}), 403)
    assert world.api("GET", f"/examples/{slug}", "eva").json["organisations"] == ["falu-kommun"]


def test_backlinks_only_list_examples_the_reader_may_read(world):
    target = world.example("maja", title="Målet")
    draft_source = world.example("maja", title="Utkast som länkar", body=f"[[{target}]]")
    public_source = world.example("olle", title="Publik länkare", body=f"[[{target}]]")
    for slug in (target, public_source):
        world.api("POST", f"/examples/{slug}/publish", "eva")
    public_source = world.api("GET", f"/examples/{public_source}").json["slug"]
    for username, expected in ((None, [public_source]), ("olle", [public_source]),
                               ("maja", sorted([draft_source, public_source])),
                               ("gun", sorted([draft_source, public_source]))):
        response = world.api("GET", f"/examples/{target}/backlinks", username)
        assert response.status_code == 200
        assert sorted(i["slug"] for i in response.json["items"]) == expected, username


def test_only_coordinator_and_admin_archive(world):
    slug = world.example("maja")
    other = world.example("maja", title="Annat")
    assert_error(world.api("POST", f"/examples/{slug}/archive", "maja"), 403, "forbidden")
    assert world.api("GET", f"/examples/{slug}", "maja").json["status"] == "draft"
    response = world.api("POST", f"/examples/{slug}/archive", "eva")
    assert response.status_code == 200 and response.json["status"] == "archived"
    response = world.api("POST", f"/examples/{other}/archive", "adam")
    assert response.status_code == 200 and response.json["status"] == "archived"


def test_coordinator_and_admin_edit_and_publish_any_example(world):
    slug = world.example("olle", body="ett")
    response = world.api("PUT", f"/examples/{slug}", "eva", json={"base_version": 1, "body": "två"})
    assert response.status_code == 200
    response = world.api("PUT", f"/examples/{slug}", "adam", json={"base_version": 2, "body": "tre"})
    assert response.status_code == 200 and response.json["version"] == 3
    assert world.api("POST", f"/examples/{slug}/publish", "adam").json["status"] == "published"


# ---- auditors ----------------------------------------------------------------------------

def test_auditor_gets_403_on_every_write(world):
    slug = world.example("maja")
    world.token("gun")
    before = position(world)
    assert_error(world.api("POST", "/examples", "gun", json={"title": "Granskarens"}), 403, "forbidden")
    assert_error(world.api("PUT", f"/examples/{slug}", "gun", json={"base_version": 1, "body": "x"}), 403)
    assert_error(world.api("POST", f"/examples/{slug}/publish", "gun"), 403)
    assert_error(world.api("POST", f"/examples/{slug}/archive", "gun"), 403)
    assert_error(world.api("POST", f"/examples/{slug}/revert", "gun", json={"to_version": 1}), 403)
    assert_error(world.api("POST", "/organisations", "gun",
                           json={"name": "Gagnefs kommun", "kind": "kommun", "joined_on": "2010-01-01"}), 403)
    assert position(world) == before
    assert world.api("GET", f"/examples/{slug}", "gun").json["status"] == "draft"


# ---- organisations -----------------------------------------------------------------------

def test_register_organisation_coordinator_and_admin_only(world):
    new = {"name": "Leksands kommun", "kind": "kommun", "municipality": "Leksand", "joined_on": "2010-03-01"}
    world.token("maja")
    before = position(world)
    assert_error(world.api("POST", "/organisations", json=new), 401)
    assert_error(world.api("POST", "/organisations", "maja", json=new), 403)
    assert position(world) == before
    response = world.api("POST", "/organisations", "eva", json=new)
    assert response.status_code == 201
    assert response.json["slug"] == "leksands-kommun"
    assert isinstance(response.json["position"], int)
    response = world.api("POST", "/organisations", "adam",
                         json={"name": "Rädda Barnen Dalarna", "kind": "ideell", "joined_on": "2012-01-01"})
    assert response.status_code == 201 and response.json["slug"] == "radda-barnen-dalarna"
    names = sorted(o["name"] for o in world.api("GET", "/organisations").json["items"])
    assert names == ["Falu kommun", "Leksands kommun", "Mora kommun", "Rädda Barnen Dalarna"]


# ---- tokens ------------------------------------------------------------------------------

def test_sign_in_gives_a_token(world):
    response = sign_in(world, "maja")
    assert response.status_code == 201
    assert isinstance(response.json["token"], str) and len(response.json["token"]) >= 32
    assert response.json["expires_at"].endswith("Z")
    me = world.client.get("/api/v1/examples", headers={"Authorization": f"Bearer {response.json['token']}"})
    assert me.status_code == 200


def test_wrong_password_and_unknown_user_get_the_same_401(world):
    wrong = assert_error(sign_in(world, "maja", "fel-losenord-1"), 401)
    unknown = assert_error(sign_in(world, "ingen-alls", "fel-losenord-1"), 401)
    assert wrong == unknown


def test_sign_in_with_an_unencodable_username_is_refused(world):
    response = world.client.post("/api/v1/tokens", data='{"username": "maja\\ud800", "password": "losenord-123"}',
                                 content_type="application/json")
    assert response.status_code in (400, 401)
    assert_error(response, response.status_code)


def test_forged_token_is_401_even_where_anonymous_may_read(world):
    forged = secrets.token_urlsafe(32)
    for path in ("/examples", "/organisations", "/health"):
        response = world.client.get("/api/v1" + path, headers={"Authorization": f"Bearer {forged}"})
        assert_error(response, 401, "unauthorized")


def test_revoked_token_is_401(world):
    token = sign_in(world, "olle").json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert world.client.get("/api/v1/examples", headers=headers).status_code == 200
    response = world.client.delete("/api/v1/tokens/current", headers=headers)
    assert response.status_code == 204
    assert response.get_data() == b""
    assert_error(world.client.get("/api/v1/examples", headers=headers), 401)
    assert_error(world.client.post("/api/v1/examples", headers=headers, json={"title": "Efter"}), 401)
    # other tokens of the same account still work
    assert world.api("GET", "/examples", "olle").status_code == 200


def test_malformed_authorization_header_is_401(world):
    token = world.token("maja")
    for header in (f"Basic {token}", "Bearer", "Bearer ", "Bearer  ", token, f"Token {token}",
                   "Bearer " + "x" * 500, f"Bearer {token}x"):
        response = world.client.get("/api/v1/examples", headers={"Authorization": header})
        assert_error(response, 401)
