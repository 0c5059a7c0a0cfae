"""Accounts in the trail (issue 16): events name the acting account by its id; the name it signs
in with is sealed under the account's key and reserved by a keyed hash, so the log holds no
account name; erasing an account that is no longer used leaves "raderat konto" wherever it acted,
and every proof still verifies. Both stores."""

import threading
from pathlib import Path

import pytest

from events.accounts import account_id_of
from events.errors import Conflict
from conftest import PASSWORD
from test_audit_proofs import export, fresh_checkpoint, public_key, run_verifier
from test_accounts import csrf_token as _csrf
from test_erasure import files_holding, stored_log

NAME = b"vera-vinterek"  # a name no other test or fixture uses, so a byte scan can look for it


def erase(world, username="vera-vinterek", by="adam"):
    return world.api("POST", f"/accounts/{username}/erase", by)


@pytest.fixture
def vera(world):
    """A member who wrote an example, signed in and then stopped using the wiki."""
    world.account("vera-vinterek", "member", world.falun)
    slug = world.example("vera-vinterek", title="Veras exempel")
    edited = world.api("PUT", f"/examples/{slug}", "vera-vinterek", json={"summary": "Ny sammanfattning.",
                                                                       "base_version": 1})
    assert edited.status_code == 200, edited.json
    world.vera_slug = slug
    return world


def test_the_log_holds_no_account_name_and_events_name_the_account_by_id(vera):
    world = vera
    assert NAME not in stored_log(world, b"Account")
    account_id = str(world.wiki.account_id_for("vera-vinterek"))
    created = world.api("GET", f"/audit/events?aggregate={account_id}&type=Account.Created", "gun").json["items"]
    assert created[0]["data"]["username"] == "vera-vinterek"  # opened for the auditor
    assert created[0]["actor"] == "system" and created[0]["actor_id"] is None  # the test helper: no account
    items = world.api("GET", "/audit/events?type=LearningExample&actor=vera-vinterek", "gun").json["items"]
    assert [i["type"] for i in items] == ["LearningExample.Created", "LearningExample.Edited"]
    for item in items:
        assert item["data"]["actor"] == account_id and item["actor_id"] == account_id
        assert item["actor"] == "vera-vinterek" and item["actor_erased"] is False
    # the read model keeps the name, for sign-in lists and histories
    assert world.services.pages.account("vera-vinterek")["id"] == account_id
    history = world.api("GET", f"/examples/{world.vera_slug}/history", "eva").json["items"]
    assert {item["by"] for item in history} == {"vera-vinterek"}


def test_an_actor_recorded_by_name_in_older_events_is_the_same_account():
    from events.accounts import legacy_account_id
    assert account_id_of("anna") == str(legacy_account_id("anna"))
    assert account_id_of("0b7c6f4e-1a55-4bb9-a3b6-41b0b0b7f2a1") == "0b7c6f4e-1a55-4bb9-a3b6-41b0b0b7f2a1"


def test_two_accounts_never_share_a_name(world):
    results = []

    def create():
        try:
            world.wiki.create_account("tvilling", "auditor", None, PASSWORD)
            results.append("created")
        except Conflict:
            results.append("conflict")

    threads = [threading.Thread(target=create) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["conflict", "conflict", "conflict", "created"]
    assert world.wiki.account_exists("tvilling")
    world.services.pages.catch_up()
    names = [a["username"] for a in world.services.pages.accounts()]
    assert names.count("tvilling") == 1


@pytest.mark.parametrize("username,status", [(None, 401), ("vera-vinterek", 403), ("eva", 403), ("gun", 403)])
def test_only_an_admin_erases_an_account(vera, username, status):
    world = vera
    world.headers(username)
    before = world.wiki.position()
    assert erase(world, by=username).status_code == status
    assert world.wiki.position() == before


def test_an_admin_cannot_erase_their_own_account(world):
    assert erase(world, "adam").status_code == 403


def test_an_erased_account_reads_raderat_konto_and_every_proof_still_verifies(vera, tmp_path):
    world = vera
    account_id = str(world.wiki.account_id_for("vera-vinterek"))
    token = world.token("vera-vinterek")
    kept = [fresh_checkpoint(world)]
    digest = world.api("GET", "/audit/digest", "gun").json
    data_dir = Path(world.app.config["DATA_DIR"])
    assert any(name.startswith("pages.sqlite") for name, _ in files_holding(data_dir, [NAME]))

    response = erase(world)
    assert response.status_code == 200, response.json
    world.services.pages.catch_up()

    # the name is gone: it no longer signs in, its token is dead, its key destroyed
    assert world.wiki.person_keys.get(f"account:{account_id}") is None
    assert world.client.post("/api/v1/tokens", json={"username": "vera-vinterek",
                                                      "password": PASSWORD}).status_code == 401
    assert world.client.get("/api/v1/examples", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert not world.wiki.account_exists("vera-vinterek")

    # the trail: its actions show "raderat konto", in the history, on the page and for the auditor
    history = world.api("GET", f"/examples/{world.vera_slug}/history", "eva").json["items"]
    assert {item["by"] for item in history} == {"raderat konto"}
    page = world.browser("eva").get(f"/exempel/{world.vera_slug}/historik").get_data(as_text=True)
    assert "raderat konto" in page and "vera-vinterek" not in page
    items = world.api("GET", "/audit/events?type=LearningExample.Created", "gun").json["items"]
    mine = [i for i in items if i["data"]["actor"] == account_id]
    assert mine and all(i["actor"] is None and i["actor_erased"] and i["actor_id"] == account_id for i in mine)
    created = world.api("GET", f"/audit/events?aggregate={account_id}", "gun").json["items"]
    assert created[0]["data"]["username"] is None and created[0]["data"]["username_erased"] is True
    assert created[-1]["type"] == "Account.Erased" and created[-1]["actor"] == "adam"
    listed = {a["id"]: a for a in world.services.pages.accounts()}
    assert listed[account_id]["username"] is None and listed[account_id]["erased"]
    accounts_page = world.browser("adam").get("/konton")
    assert accounts_page.status_code == 200 and "raderat konto" in accounts_page.get_data(as_text=True)

    # everything still verifies: the chain, its digest from before, and the offline verifier
    assert world.api("POST", "/audit/verify", "gun", json=digest).json == {"ok": True}
    kept.append(fresh_checkpoint(world))
    result = run_verifier(tmp_path, export(world, tmp_path), public_key(world), kept)
    assert result.returncode == 0, result.stdout + result.stderr

    # no file in the data folder holds the name, and neither does the log
    assert files_holding(data_dir, [NAME]) == []
    assert NAME not in stored_log(world, b"Account")

    # rebuilt from the log, the read model still knows no name
    assert world.app.test_cli_runner().invoke(args=["db", "rebuild-pages"]).exit_code == 0
    history = world.api("GET", f"/examples/{world.vera_slug}/history", "eva").json["items"]
    assert {item["by"] for item in history} == {"raderat konto"}
    assert files_holding(data_dir, [NAME]) == []


def test_an_erased_name_can_be_taken_again_by_a_new_account(vera):
    world = vera
    old_id = str(world.wiki.account_id_for("vera-vinterek"))
    assert erase(world).status_code == 200
    world.account("vera-vinterek", "auditor")
    world._tokens.clear()  # the old account's token died with it
    new_id = str(world.wiki.account_id_for("vera-vinterek"))
    assert new_id != old_id
    world.services.pages.catch_up()
    history = world.api("GET", f"/examples/{world.vera_slug}/history", "eva").json["items"]
    assert {item["by"] for item in history} == {"raderat konto"}  # the new account did none of it
    assert world.api("GET", "/examples", "vera-vinterek").status_code == 200
    assert erase(world).status_code == 200
    assert erase(world).status_code == 404


def test_the_admin_erases_a_disabled_account_on_its_page(vera):
    world = vera
    adam, eva = world.browser("adam"), world.browser("eva")
    page = adam.get("/konton/vera-vinterek").get_data(as_text=True)
    assert "Radera kontot" in page and 'value="erase"' not in page  # disable it first
    assert "Radera kontot" not in eva.get("/konton/vera-vinterek").get_data(as_text=True)  # coordinators do not
    csrf = _csrf(adam, "/konton/vera-vinterek")
    assert adam.post("/konton/vera-vinterek", data={"action": "disable", "reason": "Slutat", "csrf_token": csrf}
                     ).status_code == 302
    assert 'value="erase"' in adam.get("/konton/vera-vinterek").get_data(as_text=True)
    assert eva.post("/konton/vera-vinterek", data={"action": "erase", "csrf_token": _csrf(eva, "/konton/vera-vinterek")}
                    ).status_code == 403
    assert world.wiki.account_exists("vera-vinterek")
    answer = adam.post("/konton/vera-vinterek", data={"action": "erase", "csrf_token": csrf})
    assert answer.status_code == 302 and answer.location.endswith("/konton")
    assert not world.wiki.account_exists("vera-vinterek")
    listing = adam.get("/konton").get_data(as_text=True)
    assert "raderat konto" in listing and "vera-vinterek" not in listing
    assert adam.get("/konton/vera-vinterek").status_code == 404
