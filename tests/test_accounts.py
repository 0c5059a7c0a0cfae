"""Accounts as events: who granted which rights, visible to auditors; who may manage whom;
disabling, passwords and API tokens (hashed, expiring, revocable)."""

import re
from pathlib import Path

import pytest

import events.passwords
from events.accounts import Account
from data_scan import data_files
from tests.conftest import PASSWORD

NEW_PASSWORD = "ett-helt-nytt-losenord"


# ---- helpers ---------------------------------------------------------------------------------


def csrf_token(client, path="/logga-in") -> str:
    page = client.get(path)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert match, f"no CSRF token on {path} ({page.status_code})"
    return match.group(1)


def signed_in_client(world, username, password=PASSWORD):
    """A browser signed in through the real sign-in form."""
    client = world.app.test_client()
    response = client.post("/logga-in", data={"username": username, "password": password,
                                              "csrf_token": csrf_token(client)})
    assert response.status_code == 302, (username, response.status_code, response.get_data(as_text=True)[:300])
    return client


def post_form(client, path, **fields):
    return client.post(path, data={"csrf_token": csrf_token(client), **fields})


def create_account(client, username, role, organisation="", password=PASSWORD):
    return post_form(client, "/konton", username=username, role=role, organisation=organisation, password=password)


def change_account(client, username, action, **fields):
    return post_form(client, f"/konton/{username}", action=action, **fields)


def account(world, username) -> Account:
    return world.wiki.get_account(username)


def account_exists(world, username) -> bool:
    return world.wiki.account_exists(username)


def audit_events(world, username="gun", **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = world.api("GET", f"/audit/events?limit=500&{query}", username)
    assert response.status_code == 200, response.json
    return response.json["items"]


def sign_in_api(world, username, password=PASSWORD):
    return world.client.post("/api/v1/tokens", json={"username": username, "password": password})


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


# ---- accounts are events an auditor can read ------------------------------------------------------


def test_every_account_change_is_an_event_with_its_actor_visible_to_the_auditor(world):
    adam = signed_in_client(world, "adam")
    assert create_account(adam, "kim", "member", "falu-kommun").status_code == 302
    assert change_account(adam, "kim", "role", role="member", organisation="mora-kommun").status_code == 302
    assert change_account(adam, "kim", "role", role="auditor", organisation="").status_code == 302
    assert change_account(adam, "kim", "disable", reason="Slutat").status_code == 302
    assert change_account(adam, "kim", "enable").status_code == 302
    assert change_account(adam, "kim", "password", password="ett-tillfalligt-losenord").status_code == 302
    kim = signed_in_client(world, "kim", "ett-tillfalligt-losenord")
    changed = post_form(kim, "/konto/losenord", current_password="ett-tillfalligt-losenord",
                        new_password=NEW_PASSWORD, repeat_password=NEW_PASSWORD)
    assert changed.status_code == 302

    aggregate = str(world.wiki.account_id_for("kim"))
    items = audit_events(world, aggregate=aggregate)
    assert [(i["type"].split(".")[-1], i["actor"]) for i in items] == [
        ("Created", "adam"), ("OrganisationChanged", "adam"), ("RoleChanged", "adam"), ("Disabled", "adam"),
        ("Enabled", "adam"), ("PasswordChanged", "adam"), ("SessionStarted", "kim"), ("PasswordChanged", "kim")]
    assert all(i["aggregate_id"] == aggregate for i in items)
    created, moved, role, disabled = items[0]["data"], items[1]["data"], items[2]["data"], items[3]["data"]
    assert (created["username"], created["role"], created["organisation"]) == ("kim", "member", "falu-kommun")
    assert moved["organisation"] == "mora-kommun"
    assert (role["role"], role["organisation"]) == ("auditor", None)
    assert disabled["reason"] == "Slutat"
    for item in items:
        assert "scrypt$" not in str(item["data"]), "the audit log shows a password hash"

    # the same events by type and by actor
    assert [i["aggregate_id"] for i in audit_events(world, type="Account.Disabled")] == [aggregate]
    by_adam = [i["type"] for i in audit_events(world, actor="adam") if i["aggregate_id"] == aggregate]
    assert len(by_adam) == 6
    # and the account's state follows them
    kim_now = account(world, "kim")
    assert (kim_now.role, kim_now.organisation, kim_now.disabled) == ("auditor", None, False)


def test_the_coordinator_is_the_actor_of_accounts_she_creates(world):
    eva = signed_in_client(world, "eva")
    assert create_account(eva, "greta", "auditor").status_code == 302
    items = audit_events(world, aggregate=str(world.wiki.account_id_for("greta")))
    assert [(i["type"], i["actor"]) for i in items] == [("Account.Created", "eva")]
    assert items[0]["data"]["role"] == "auditor"


def test_accounts_created_with_the_cli_helper_are_events_too(world):
    items = audit_events(world, type="Account.Created")
    assert sorted(i["data"]["username"] for i in items) == ["adam", "eva", "gun", "maja", "olle"]


def test_only_readers_of_everything_see_account_events(world):
    assert world.api("GET", "/audit/events?type=Account.Created").status_code == 401
    assert world.api("GET", "/audit/events?type=Account.Created", "maja").status_code == 403
    for username in ("gun", "eva", "adam"):
        assert len(audit_events(world, username, type="Account.Created")) == 5


# ---- who manages whom -----------------------------------------------------------------------------


def test_admin_manages_every_role(world):
    adam = signed_in_client(world, "adam")
    for username, role, organisation in (("ny-medlem", "member", "falu-kommun"), ("ny-samordnare", "coordinator", ""),
                                         ("ny-granskare", "auditor", ""), ("ny-admin", "admin", "")):
        assert create_account(adam, username, role, organisation).status_code == 302, username
        assert account(world, username).role == role
    assert change_account(adam, "eva", "role", role="auditor", organisation="").status_code == 302
    assert account(world, "eva").role == "auditor"
    assert change_account(adam, "ny-admin", "disable", reason="Test").status_code == 302
    assert account(world, "ny-admin").disabled
    assert change_account(adam, "ny-samordnare", "password", password="nytt-losenord-1").status_code == 302
    assert sign_in_api(world, "ny-samordnare", "nytt-losenord-1").status_code == 201


def test_coordinator_manages_members_and_auditors(world):
    eva = signed_in_client(world, "eva")
    assert create_account(eva, "ny-medlem", "member", "falu-kommun").status_code == 302
    assert create_account(eva, "ny-granskare", "auditor").status_code == 302
    assert change_account(eva, "ny-medlem", "role", role="member", organisation="mora-kommun").status_code == 302
    assert account(world, "ny-medlem").organisation == "mora-kommun"
    assert change_account(eva, "ny-medlem", "role", role="auditor", organisation="").status_code == 302
    assert account(world, "ny-medlem").role == "auditor"
    assert change_account(eva, "maja", "disable", reason="Ledig").status_code == 302
    assert account(world, "maja").disabled
    assert change_account(eva, "maja", "enable").status_code == 302
    assert not account(world, "maja").disabled
    assert change_account(eva, "gun", "password", password="nytt-losenord-1").status_code == 302
    assert sign_in_api(world, "gun", "nytt-losenord-1").status_code == 201


def test_coordinator_gets_403_creating_a_coordinator_or_admin(world):
    eva = signed_in_client(world, "eva")
    for username, role in (("ny-samordnare", "coordinator"), ("ny-admin", "admin")):
        before = world.wiki.position()
        response = create_account(eva, username, role)
        assert response.status_code == 403, (role, response.status_code)
        assert not account_exists(world, username)
        assert world.wiki.position() == before


REFUSED_CHANGES = [
    # (who, whose account, action, form fields)
    ("eva", "adam", "disable", {"reason": "x"}),
    ("eva", "adam", "role", {"role": "member", "organisation": "falu-kommun"}),
    ("eva", "adam", "password", {"password": "kapat-losenord-1"}),
    ("eva", "ebba", "disable", {"reason": "x"}),
    ("eva", "ebba", "role", {"role": "auditor", "organisation": ""}),
    ("eva", "ebba", "password", {"password": "kapat-losenord-1"}),
    ("eva", "maja", "role", {"role": "coordinator", "organisation": ""}),
    ("eva", "maja", "role", {"role": "admin", "organisation": ""}),
    ("eva", "gun", "role", {"role": "coordinator", "organisation": ""}),
    ("adam", "adam", "disable", {"reason": "x"}),
    ("adam", "adam", "role", {"role": "member", "organisation": "falu-kommun"}),
    ("adam", "adam", "role", {"role": "coordinator", "organisation": ""}),
    ("eva", "eva", "disable", {"reason": "x"}),
    ("eva", "eva", "role", {"role": "member", "organisation": "falu-kommun"}),
]

COORDINATOR_REFUSALS = [c for c in REFUSED_CHANGES if c[0] == "eva" and c[1] != "eva"]


def _state(world, username):
    a = account(world, username)
    return a.role, a.organisation, a.disabled, a.password_hash


@pytest.mark.parametrize("who,whose,action,fields", REFUSED_CHANGES,
                         ids=[f"{w}-{a}-{x}-{f.get('role', '')}" for w, a, x, f in REFUSED_CHANGES])
def test_refused_account_changes_record_nothing(world, who, whose, action, fields):
    """A coordinator touches no coordinator or admin and promotes no one above member/auditor;
    nobody disables or demotes themselves."""
    world.account("ebba", "coordinator")
    client = signed_in_client(world, who)
    before, state = world.wiki.position(), _state(world, whose)
    response = change_account(client, whose, action, **fields)
    assert response.status_code in (302, 403)
    assert world.wiki.position() == before, "a refused account change was recorded"
    assert _state(world, whose) == state
    if action == "password":
        assert sign_in_api(world, whose, fields["password"]).status_code == 401


@pytest.mark.parametrize("who,whose,action,fields", COORDINATOR_REFUSALS,
                         ids=[f"{w}-{a}-{x}-{f.get('role', '')}" for w, a, x, f in COORDINATOR_REFUSALS])
def test_coordinator_gets_403_changing_a_coordinator_or_admin_or_promoting(world, who, whose, action, fields):
    world.account("ebba", "coordinator")
    client = signed_in_client(world, who)
    response = change_account(client, whose, action, **fields)
    assert response.status_code == 403


def test_members_and_auditors_manage_no_accounts(world):
    for username in ("maja", "gun"):
        client = signed_in_client(world, username)
        before = world.wiki.position()
        assert client.get("/konton").status_code == 403
        assert client.get("/konton/olle").status_code == 403
        token = csrf_token(client)
        assert client.post("/konton", data={"csrf_token": token, "username": "ny-medlem", "role": "member",
                                            "organisation": "falu-kommun", "password": PASSWORD}).status_code == 403
        assert client.post("/konton/olle", data={"csrf_token": token, "action": "disable"}).status_code == 403
        assert world.wiki.position() == before
        assert not account_exists(world, "ny-medlem")
        assert not account(world, "olle").disabled
    anonymous = world.app.test_client()
    response = create_account(anonymous, "ny-medlem", "member", "falu-kommun")
    assert response.status_code == 302 and "/logga-in" in response.location
    assert not account_exists(world, "ny-medlem")


def test_role_change_applies_to_an_existing_token_at_once(world):
    token = world.token("maja")
    assert world.client.post("/api/v1/examples", headers=bearer(token), json={"title": "Före"}).status_code == 201
    adam = signed_in_client(world, "adam")
    assert change_account(adam, "maja", "role", role="auditor", organisation="").status_code == 302
    refused = world.client.post("/api/v1/examples", headers=bearer(token), json={"title": "Efter"})
    assert refused.status_code == 403
    assert world.client.get("/api/v1/audit/digest", headers=bearer(token)).status_code == 200


# ---- disabling ---------------------------------------------------------------------------------------


def test_disabling_revokes_tokens_sessions_and_sign_in_at_once(world):
    token = world.token("maja")
    browser = signed_in_client(world, "maja")
    assert world.client.get("/api/v1/roster", headers=bearer(token)).status_code == 200
    assert browser.get("/konto").status_code == 200

    eva = signed_in_client(world, "eva")
    assert change_account(eva, "maja", "disable", reason="Har slutat").status_code == 302

    for path in ("/api/v1/roster", "/api/v1/examples", "/api/v1/health"):
        response = world.client.get(path, headers=bearer(token))
        assert response.status_code == 401, path
        assert response.json["error"]["code"]
    disabled = sign_in_api(world, "maja")
    wrong = sign_in_api(world, "olle", "fel-losenord")
    assert disabled.status_code == wrong.status_code == 401
    assert disabled.get_json() == wrong.get_json(), "a disabled account answers like a wrong password"
    page = world.app.test_client()
    failed = page.post("/logga-in", data={"username": "maja", "password": PASSWORD, "csrf_token": csrf_token(page)})
    assert failed.status_code == 401
    assert browser.get("/konto").status_code == 302 and "/logga-in" in browser.get("/konto").location

    # enabling again lets her sign in, but the revoked token stays revoked
    assert change_account(eva, "maja", "enable").status_code == 302
    assert world.client.get("/api/v1/roster", headers=bearer(token)).status_code == 401
    assert sign_in_api(world, "maja").status_code == 201


# ---- passwords -----------------------------------------------------------------------------------------


def test_change_own_password_on_the_page(world):
    browser = signed_in_client(world, "maja")
    page = browser.get("/konto/losenord")
    assert page.status_code == 200 and 'name="current_password"' in page.get_data(as_text=True)
    before = world.wiki.position()

    wrong = post_form(browser, "/konto/losenord", current_password="inte-rätt-lösenord",
                      new_password=NEW_PASSWORD, repeat_password=NEW_PASSWORD)
    assert wrong.status_code == 400
    mismatch = post_form(browser, "/konto/losenord", current_password=PASSWORD,
                         new_password=NEW_PASSWORD, repeat_password=NEW_PASSWORD + "x")
    assert mismatch.status_code == 400
    too_short = post_form(browser, "/konto/losenord", current_password=PASSWORD,
                          new_password="kort", repeat_password="kort")
    assert too_short.status_code == 400
    assert world.wiki.position() == before
    assert sign_in_api(world, "maja", NEW_PASSWORD).status_code == 401

    done = post_form(browser, "/konto/losenord", current_password=PASSWORD,
                     new_password=NEW_PASSWORD, repeat_password=NEW_PASSWORD)
    assert done.status_code == 302
    assert sign_in_api(world, "maja", NEW_PASSWORD).status_code == 201
    assert sign_in_api(world, "maja", PASSWORD).status_code == 401
    items = audit_events(world, aggregate=str(world.wiki.account_id_for("maja")), type="Account.PasswordChanged")
    assert [i["actor"] for i in items] == ["maja"]


def test_password_change_page_needs_sign_in(world):
    client = world.app.test_client()
    response = client.get("/konto/losenord")
    assert response.status_code == 302 and "/logga-in" in response.location


def test_passwords_are_hashed_with_scrypt_and_salted(world):
    maja, olle = account(world, "maja").password_hash, account(world, "olle").password_hash
    assert maja.startswith("scrypt$") and olle.startswith("scrypt$")
    assert maja != olle, "the same password must give different hashes (a salt)"
    n, r = int(maja.split("$")[1]), int(maja.split("$")[2])
    assert n * r * 128 >= 16 * 1024 * 1024, "scrypt should use at least 16 MiB"
    assert PASSWORD not in maja


# ---- tokens ------------------------------------------------------------------------------------------------


def test_delete_current_token_revokes_only_that_token(world):
    first = sign_in_api(world, "maja").json["token"]
    second = sign_in_api(world, "maja").json["token"]
    assert first != second
    response = world.client.delete("/api/v1/tokens/current", headers=bearer(first))
    assert response.status_code == 204
    assert world.client.get("/api/v1/examples", headers=bearer(first)).status_code == 401
    assert world.client.delete("/api/v1/tokens/current", headers=bearer(first)).status_code == 401
    assert world.client.get("/api/v1/roster", headers=bearer(second)).status_code == 200
    assert world.client.delete("/api/v1/tokens/current").status_code == 401
    revoked = audit_events(world, aggregate=str(world.wiki.account_id_for("maja")), type="Account.TokenRevoked")
    assert [i["actor"] for i in revoked] == ["maja"]


def test_an_expired_token_gets_401(world):
    raw = events.passwords.new_token()
    acc = world.wiki.get_account("maja")
    acc.issue_token(token_hash=events.passwords.token_hash(raw), expires_at="2000-01-01T00:00:00Z", actor="maja")
    world.wiki.save(acc)
    for method, path in (("GET", "/api/v1/examples"), ("GET", "/api/v1/roster"), ("DELETE", "/api/v1/tokens/current")):
        response = world.client.open(path, method=method, headers=bearer(raw))
        assert response.status_code == 401, (method, path)
        assert response.json["error"]["code"]
    # a token that expires later works, so the refusal is about the date
    later = events.passwords.new_token()
    acc = world.wiki.get_account("maja")
    acc.issue_token(token_hash=events.passwords.token_hash(later), expires_at="2999-01-01T00:00:00Z", actor="maja")
    world.wiki.save(acc)
    assert world.client.get("/api/v1/roster", headers=bearer(later)).status_code == 200


def test_issued_tokens_expire(world):
    response = sign_in_api(world, "maja")
    assert response.status_code == 201
    expires = response.json["expires_at"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", expires)
    assert expires > "2020-01-01T00:00:00Z"


def test_forged_token_gets_401(world):
    for header in ("Bearer " + "A" * 43, "Bearer ", "Basic bWFqYTpsb3Nlbm9yZA==", "Bearer " + "x" * 500):
        response = world.client.get("/api/v1/examples", headers={"Authorization": header})
        assert response.status_code == 401, header


def test_tokens_and_passwords_are_never_stored_in_the_clear(world):
    tokens = [sign_in_api(world, username).json["token"] for username in ("maja", "eva", "gun")]
    revoked = sign_in_api(world, "olle").json["token"]
    assert world.client.delete("/api/v1/tokens/current", headers=bearer(revoked)).status_code == 204
    assert world.client.get("/api/v1/roster", headers=bearer(tokens[0])).status_code == 200
    world.services.wait_for_index(world.wiki.position())   # let the search index settle too
    contents = dict(data_files(Path(world.app.config["DATA_DIR"])))
    assert any("sqlite" in p.name or p.name.endswith(".db") for p in contents), [p.name for p in contents]
    secrets = [t.encode() for t in tokens + [revoked]] + [PASSWORD.encode()]
    for path, data in contents.items():
        for secret in secrets:
            assert secret not in data, f"{secret[:6]!r}… is stored in the clear in {path.name}"
    # the hash is what is stored
    assert events.passwords.token_hash(tokens[0]).encode() in b"".join(contents.values())
