"""Page sessions are events on the account: signing out ends the session, a password change ends
every other session and token of the account, an administrator's reset ends all of them, and this
holds in another process or node that follows the same log. A copied cookie is what a thief has."""

import re
from datetime import timedelta
from pathlib import Path

import pytest

from events.application import is_postgres
from events.errors import NotSignedIn
from events.passwords import token_hash
from stores import make_app
from tests.conftest import PASSWORD

NEW_PASSWORD = "ett-helt-nytt-losenord"
COOKIE = "lansgrupp_session"


def csrf_token(client, path="/logga-in") -> str:
    page = client.get(path)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert match, f"no CSRF token on {path} ({page.status_code})"
    return match.group(1)


def sign_in(app, username, password=PASSWORD):
    """A browser signed in through the real sign-in form."""
    client = app.test_client()
    response = client.post("/logga-in", data={"username": username, "password": password,
                                              "csrf_token": csrf_token(client)})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def copy_of(client, app):
    """Another browser (of `app`) holding the same session cookie, as a thief would."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    return thief


def signed_in_as(client) -> str | None:
    """Whose account page the browser sees; None when it is sent to sign in."""
    response = client.get("/konto")
    if response.status_code == 302:
        assert "/logga-in" in response.location
        return None
    assert response.status_code == 200
    return "signed in"


def api_token(app, username, password=PASSWORD):
    response = app.test_client().post("/api/v1/tokens", json={"username": username, "password": password})
    assert response.status_code == 201, response.json
    return response.json["token"]


def token_works(app, token) -> bool:
    status = app.test_client().get("/api/v1/roster", headers={"Authorization": f"Bearer {token}"}).status_code
    assert status in (200, 401)
    return status == 200


def post_form(client, path, **fields):
    return client.post(path, data={"csrf_token": csrf_token(client, "/konto"), **fields})


def change_own_password(client, current=PASSWORD, new=NEW_PASSWORD):
    response = post_form(client, "/konto/losenord", current_password=current, new_password=new,
                         repeat_password=new)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def account_events(world, username):
    aggregate = world.wiki.account_id_for(username)
    items = world.api("GET", f"/audit/events?limit=500&aggregate={aggregate}", "gun").json["items"]
    return [(i["type"].split(".")[-1], i["actor"], i["data"]) for i in items]


@pytest.fixture
def other_node(world, tmp_path):
    """An app in another process's place: on PostgreSQL another node (its own data folder and
    read model on the same log), on SQLite another app on the same data folder."""
    apps = []

    def open_():
        config = {"TESTING": True, "INDEX_FOLLOWER": "none", "SECRET_KEY": world.app.config["SECRET_KEY"]}
        if is_postgres(world.app.config["EVENT_STORE"]):
            config.update(DATA_DIR=str(tmp_path / "other-node"), EVENT_STORE=world.app.config["EVENT_STORE"])
        else:
            config["DATA_DIR"] = world.app.config["DATA_DIR"]
        app = make_app(config)
        apps.append(app)
        return app

    yield open_
    for app in apps:
        app.extensions["lansgrupp"].close()


# ---- signing out ----------------------------------------------------------------------------------


def test_after_sign_out_the_old_cookie_is_anonymous(world):
    browser = sign_in(world.app, "maja")
    thief = copy_of(browser, world.app)
    assert signed_in_as(thief), "the copied cookie works while the session lives"
    response = browser.post("/logga-ut", data={"csrf_token": csrf_token(browser, "/konto")})
    assert response.status_code == 302
    assert signed_in_as(browser) is None
    assert signed_in_as(thief) is None, "the cookie from before sign-out still signs in"


def test_sign_out_ends_the_session_on_another_node(world, other_node):
    browser = sign_in(world.app, "maja")
    node = other_node()
    thief = copy_of(browser, node)
    assert signed_in_as(thief)
    browser.post("/logga-ut", data={"csrf_token": csrf_token(browser, "/konto")})
    assert signed_in_as(thief) is None


def test_sign_out_records_the_session_hash_only(world):
    browser = sign_in(world.app, "maja")
    with browser.session_transaction() as session:
        session_id = session["sid"]
    browser.post("/logga-ut", data={"csrf_token": csrf_token(browser, "/konto")})
    kinds = [kind for kind, _, _ in account_events(world, "maja")]
    assert kinds[-2:] == ["SessionStarted", "SessionEnded"]
    for _, actor, data in account_events(world, "maja")[-2:]:
        assert actor == "maja" and data["session_hash"] == "[skyddat]"
    raw = b"".join(p.read_bytes() for p in Path(world.app.config["DATA_DIR"]).glob("*.sqlite*"))
    assert session_id.encode() not in raw
    assert token_hash(session_id).encode() in raw


def test_signing_in_again_ends_the_previous_session(world):
    browser = sign_in(world.app, "maja")
    before = copy_of(browser, world.app)
    response = browser.post("/logga-in", data={"username": "maja", "password": PASSWORD,
                                               "csrf_token": csrf_token(browser)})
    assert response.status_code == 302
    assert signed_in_as(browser)
    assert signed_in_as(before) is None


# ---- cookies that name no live session ------------------------------------------------------------


def test_a_cookie_without_a_session_id_signs_nobody_in(world):
    client = world.app.test_client()
    with client.session_transaction() as session:
        session["username"] = "adam"   # what every cookie held before sessions were recorded
    assert signed_in_as(client) is None
    assert client.get("/konton").status_code == 302


def test_a_made_up_or_borrowed_session_id_signs_nobody_in(world):
    forged = world.app.test_client()
    with forged.session_transaction() as session:
        session["username"], session["sid"] = "adam", "A" * 43
    assert signed_in_as(forged) is None
    # maja's real session id under adam's name
    maja = world.browser("maja")
    with maja.session_transaction() as session:
        maja_sid = session["sid"]
    borrowed = world.app.test_client()
    with borrowed.session_transaction() as session:
        session["username"], session["sid"] = "adam", maja_sid
    assert signed_in_as(borrowed) is None
    assert signed_in_as(maja)


def test_an_expired_session_signs_nobody_in(world):
    account = world.wiki.get_account("maja")
    session_id, _ = world.wiki.start_session(account, timedelta(seconds=-1))
    client = world.app.test_client()
    with client.session_transaction() as session:
        session["username"], session["sid"] = "maja", session_id
    assert signed_in_as(client) is None
    session_id, _ = world.wiki.start_session(account, timedelta(hours=1))
    with client.session_transaction() as session:
        session["username"], session["sid"] = "maja", session_id
    assert signed_in_as(client)


# ---- password changes and resets ----------------------------------------------------------------


def test_a_password_change_ends_every_other_session_and_token(world, other_node):
    changer = sign_in(world.app, "maja")
    other_browser = sign_in(world.app, "maja")
    changer_copy = copy_of(changer, world.app)
    token = api_token(world.app, "maja")
    someone_else = sign_in(world.app, "olle")
    olle_token = api_token(world.app, "olle")
    node = other_node()
    other_browser_on_node = copy_of(other_browser, node)
    assert signed_in_as(other_browser_on_node) and token_works(node, token)

    change_own_password(changer)

    assert signed_in_as(changer), "the session that changed the password goes on"
    assert signed_in_as(changer_copy), "the changer's session is the same session in any browser"
    assert signed_in_as(other_browser) is None
    assert signed_in_as(other_browser_on_node) is None
    assert not token_works(world.app, token) and not token_works(node, token)
    assert signed_in_as(someone_else) and token_works(world.app, olle_token), "other accounts are untouched"
    # signing in again takes the new password, and what it starts lives
    assert world.client.post("/api/v1/tokens", json={"username": "maja", "password": PASSWORD}).status_code == 401
    fresh = api_token(world.app, "maja", NEW_PASSWORD)
    assert token_works(node, fresh)
    assert signed_in_as(sign_in(node, "maja", NEW_PASSWORD))
    # the event names the kept session by its hash, never in the clear
    kind, actor, data = [e for e in account_events(world, "maja") if e[0] == "PasswordChanged"][-1]
    assert (actor, data["keep"]) == ("maja", "[skyddat]")


def test_an_admin_reset_ends_all_sessions_and_tokens_of_the_account(world, other_node):
    browser = sign_in(world.app, "maja")
    node = other_node()
    on_node = copy_of(browser, node)
    token = api_token(world.app, "maja")
    adam = sign_in(world.app, "adam")
    adam_token = api_token(world.app, "adam")
    response = post_form(adam, "/konton/maja", action="password", password="ett-tillfalligt-losenord")
    assert response.status_code == 302
    assert signed_in_as(browser) is None and signed_in_as(on_node) is None
    assert not token_works(world.app, token) and not token_works(node, token)
    assert signed_in_as(adam) and token_works(world.app, adam_token), "the admin's own session goes on"
    assert token_works(node, api_token(node, "maja", "ett-tillfalligt-losenord"))


def test_an_admin_resetting_their_own_password_keeps_the_session_they_did_it_in(world):
    adam = sign_in(world.app, "adam")
    elsewhere = sign_in(world.app, "adam")
    token = api_token(world.app, "adam")
    response = post_form(adam, "/konton/adam", action="password", password="ett-tillfalligt-losenord")
    assert response.status_code == 302
    assert signed_in_as(adam)
    assert signed_in_as(elsewhere) is None and not token_works(world.app, token)


def test_a_coordinator_reset_of_a_member_ends_the_members_sessions(world):
    browser = sign_in(world.app, "maja")
    eva = world.browser("eva")
    assert post_form(eva, "/konton/maja", action="password", password="ett-tillfalligt-losenord").status_code == 302
    assert signed_in_as(browser) is None
    assert signed_in_as(eva)


def test_a_refused_password_change_ends_nothing(world):
    changer = sign_in(world.app, "maja")
    other_browser = sign_in(world.app, "maja")
    token = api_token(world.app, "maja")
    response = post_form(changer, "/konto/losenord", current_password="fel-losenord-1",
                         new_password=NEW_PASSWORD, repeat_password=NEW_PASSWORD)
    assert response.status_code == 400
    assert signed_in_as(other_browser) and token_works(world.app, token)


def test_ended_sessions_and_tokens_stay_ended_when_the_read_model_is_rebuilt(world):
    changer = sign_in(world.app, "maja")
    other_browser = sign_in(world.app, "maja")
    token = api_token(world.app, "maja")
    signed_out = sign_in(world.app, "olle")
    thief = copy_of(signed_out, world.app)
    signed_out.post("/logga-ut", data={"csrf_token": csrf_token(signed_out, "/konto")})
    change_own_password(changer)
    world.services.pages.rebuild()
    assert signed_in_as(changer)
    assert signed_in_as(other_browser) is None and signed_in_as(thief) is None
    assert not token_works(world.app, token)


def test_disabling_ends_sessions_and_enabling_does_not_revive_them(world):
    browser = sign_in(world.app, "maja")
    eva = world.browser("eva")
    for action, fields in (("disable", {"reason": "Ledig"}), ("enable", {})):
        assert post_form(eva, "/konton/maja", action=action, **fields).status_code == 302
    assert signed_in_as(browser) is None
    assert signed_in_as(sign_in(world.app, "maja"))


def test_delete_current_token_still_revokes_only_that_token(world):
    browser = sign_in(world.app, "maja")
    first, second = api_token(world.app, "maja"), api_token(world.app, "maja")
    headers = {"Authorization": f"Bearer {first}"}
    assert world.client.delete("/api/v1/tokens/current", headers=headers).status_code == 204
    assert not token_works(world.app, first) and token_works(world.app, second)
    assert signed_in_as(browser), "revoking a token leaves the page session alone"


# ---- a password that changed between the check and the sign-in ----------------------------------


def test_no_session_or_token_for_a_password_that_changed_after_it_was_checked(world):
    checked = world.wiki.check_password("maja", PASSWORD)
    assert checked is not None
    world.wiki.reset_password(world.system, "maja", NEW_PASSWORD)
    before = world.wiki.position()
    with pytest.raises(NotSignedIn):
        world.wiki.start_session(checked, timedelta(hours=1))
    with pytest.raises(NotSignedIn):
        world.wiki.issue_token(checked)
    assert world.wiki.position() == before
