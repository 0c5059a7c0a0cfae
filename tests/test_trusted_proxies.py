"""`WIKI_TRUSTED_PROXIES`: behind N reverse proxies the client's address comes from
X-Forwarded-For, so sign-in throttling counts clients, not the proxy; without it the header is
ignored, so no client picks its own address to dodge the throttle."""

import re

import pytest
from werkzeug.middleware.proxy_fix import ProxyFix

from stores import make_app
from tests.conftest import PASSWORD, World

PROXY = "10.9.0.1"


def sign_in(world, username, password, forwarded_for=None, address=PROXY):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return world.client.post("/api/v1/tokens", json={"username": username, "password": password},
                             headers=headers, environ_base={"REMOTE_ADDR": address})


def fail_ten_times(world, forwarded_for):
    """Ten failures, one per account name, so only the address can be what is throttled."""
    for n in range(10):
        assert sign_in(world, f"okand-{n}", "fel-losenord", forwarded_for(n)).status_code == 401


@pytest.fixture
def behind_one_proxy(tmp_path):
    app = make_app({"DATA_DIR": str(tmp_path / "proxied"), "TESTING": True, "INDEX_FOLLOWER": "none",
                    "TRUSTED_PROXIES": "1"})
    world = World(app)
    world.account("adam", "admin")
    world.account("eva", "coordinator")
    yield world
    app.extensions["lansgrupp"].close()


def test_without_trusted_proxies_x_forwarded_for_is_ignored(world):
    assert world.app.config["TRUSTED_PROXIES"] == 0
    fail_ten_times(world, lambda n: f"203.0.113.{n}")   # a new made-up address each time
    response = sign_in(world, "adam", PASSWORD, "198.51.100.77")
    assert response.status_code == 429, "a forged X-Forwarded-For dodged the throttle"
    assert sign_in(world, "adam", PASSWORD, address="10.9.0.2").status_code == 201


def test_behind_one_proxy_one_clients_failures_do_not_lock_out_another(behind_one_proxy):
    world = behind_one_proxy
    fail_ten_times(world, lambda n: "203.0.113.5")
    assert sign_in(world, "adam", PASSWORD, "203.0.113.6").status_code == 201
    assert sign_in(world, "adam", PASSWORD, "203.0.113.5").status_code == 429
    # the page sign-in counts the same forwarded address
    page = world.app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get("/logga-in").get_data(as_text=True)).group(1)
    response = page.post("/logga-in", data={"username": "eva", "password": PASSWORD, "csrf_token": token},
                         headers={"X-Forwarded-For": "203.0.113.5"}, environ_base={"REMOTE_ADDR": PROXY})
    assert response.status_code == 429
    response = page.post("/logga-in", data={"username": "eva", "password": PASSWORD, "csrf_token": token},
                         headers={"X-Forwarded-For": "203.0.113.6"}, environ_base={"REMOTE_ADDR": PROXY})
    assert response.status_code == 302


def test_behind_one_proxy_a_client_cannot_forge_the_address_the_proxy_adds(behind_one_proxy):
    world = behind_one_proxy
    # the client sends its own X-Forwarded-For; the proxy appends the address it saw
    fail_ten_times(world, lambda n: f"192.0.2.{n}, 203.0.113.9")
    assert sign_in(world, "adam", PASSWORD, "192.0.2.200, 203.0.113.9").status_code == 429


def test_behind_one_proxy_the_scheme_and_host_come_from_the_proxy(behind_one_proxy, world):
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "wiki.example.se"}
    feed = behind_one_proxy.client.get("/feeds/changes.atom", headers=forwarded).get_data(as_text=True)
    assert 'href="https://wiki.example.se/feeds/changes.atom"' in feed
    # without the setting the same headers change nothing
    feed = world.client.get("/feeds/changes.atom", headers=forwarded).get_data(as_text=True)
    assert "wiki.example.se" not in feed and 'href="http://localhost/feeds/changes.atom"' in feed


def test_the_setting_is_read_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("WIKI_TRUSTED_PROXIES", "2")
    app = make_app({"DATA_DIR": str(tmp_path / "two"), "TESTING": True, "INDEX_FOLLOWER": "none"})
    try:
        assert app.config["TRUSTED_PROXIES"] == 2
        assert isinstance(app.wsgi_app, ProxyFix) and app.wsgi_app.x_for == app.wsgi_app.x_host == 2
    finally:
        app.extensions["lansgrupp"].close()


@pytest.mark.parametrize("value", ["-1", "ett", "1.5", "²"])
def test_a_bad_trusted_proxies_setting_stops_the_start(tmp_path, monkeypatch, value):
    monkeypatch.setenv("WIKI_TRUSTED_PROXIES", value)
    with pytest.raises(ValueError, match="WIKI_TRUSTED_PROXIES"):
        make_app({"DATA_DIR": str(tmp_path / "bad"), "TESTING": True, "INDEX_FOLLOWER": "none"})
