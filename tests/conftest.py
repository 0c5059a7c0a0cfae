"""Fixtures: a real app on a real event store (SQLite, or PostgreSQL: see stores.py) in a temporary folder."""

from datetime import timedelta

import pytest

from events.permissions import Actor
from stores import make_app

PASSWORD = "losenord-123"


class World:
    """A fresh wiki with helpers to add organisations, accounts and tokens."""

    def __init__(self, app):
        self.app = app
        self.client = app.test_client()
        self.services = app.extensions["lansgrupp"]
        self.wiki = self.services.wiki
        self.system = Actor("system", "admin", None)
        self._tokens = {}

    def organisation(self, name="Falu kommun", kind="kommun", municipality="Falun", joined_on="2010-01-01"):
        slug, _ = self.wiki.register_organisation(
            self.system, {"name": name, "kind": kind, "municipality": municipality, "joined_on": joined_on})
        return slug

    def account(self, username, role, organisation=None):
        self.wiki.create_account(username, role, organisation, PASSWORD)
        return username

    def token(self, username):
        if username not in self._tokens:
            response = self.client.post("/api/v1/tokens", json={"username": username, "password": PASSWORD})
            assert response.status_code == 201, response.json
            self._tokens[username] = response.json["token"]
        return self._tokens[username]

    def browser(self, username=None):
        """A test client signed in to the pages with a real session (recorded as the sign-in page
        records it, without the password's hashing)."""
        client = self.app.test_client()
        if username:
            session_id, _ = self.wiki.start_session(self.wiki.get_account(username), timedelta(hours=8))
            with client.session_transaction() as session:
                session["username"], session["sid"] = username, session_id
        return client

    def headers(self, username=None):
        return {"Authorization": f"Bearer {self.token(username)}"} if username else {}

    def api(self, method, path, username=None, **kwargs):
        headers = {**self.headers(username), **kwargs.pop("headers", {})}
        return self.client.open("/api/v1" + path, method=method, headers=headers, **kwargs)

    def example(self, username, **fields):
        body = {"title": "Ett lärande exempel", "summary": "Kort sammanfattning.", "body": "## Bakgrund\n\nText.",
                **fields}
        response = self.api("POST", "/examples", username, json=body)
        assert response.status_code == 201, response.json
        return response.json["slug"]


@pytest.fixture
def app(tmp_path):
    app = make_app({"DATA_DIR": str(tmp_path / "data"), "TESTING": True})
    yield app
    app.extensions["lansgrupp"].close()


@pytest.fixture
def world(app):
    """Two municipalities, and one account of each role."""
    w = World(app)
    w.falun = w.organisation("Falu kommun", "kommun", "Falun")
    w.mora = w.organisation("Mora kommun", "kommun", "Mora")
    w.account("maja", "member", w.falun)
    w.account("olle", "member", w.mora)
    w.account("eva", "coordinator")
    w.account("gun", "auditor")
    w.account("adam", "admin")
    return w
