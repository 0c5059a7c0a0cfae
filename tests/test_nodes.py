"""Two nodes on one PostgreSQL store: each with its own data folder, gunicorn workers and
index follower. What one node acknowledges, the other answers with `min_position`."""

import pytest

from bench.cluster import Node, flask_command
from stores import POSTGRES, store_for
from wiki.demo import DEMO_PASSWORD

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES, reason="nodes share a PostgreSQL store (scripts/test sets WIKI_TEST_POSTGRES)"),
]


@pytest.fixture(scope="module")
def nodes(tmp_path_factory):
    base = tmp_path_factory.mktemp("nodes")
    store = store_for(base / "shared-store")
    flask_command(str(base / "a"), store, "db", "init")
    flask_command(str(base / "a"), store, "demo", "load")
    a, b = Node(base / "a", store, workers=2), Node(base / "b", store, workers=2)
    with a, b:
        yield a, b


def test_a_write_on_one_node_is_searchable_on_the_other(nodes):
    a, b = nodes
    token = a.token("maja.lind", DEMO_PASSWORD)
    status, created = a.request("POST", "/api/v1/examples", {
        "title": "Tvånodsprovet i Falun", "summary": "Skrivet på nod A.",
        "body": "Ett ovanligt ord: snöskottningsrutin."}, token=token)
    assert status == 201, created
    status, published = a.request("POST", f"/api/v1/examples/{created['slug']}/publish",
                                  {}, token=a.token("eva.strand", DEMO_PASSWORD))
    assert status == 200, published
    status, found = b.get(f"/api/v1/search?q=snöskottningsrutin&min_position={published['position']}")
    assert status == 200, found
    assert [hit["slug"] for hit in found["hits"]] == [published["slug"]]
    status_a, page_a = a.get(f"/api/v1/examples/{created['slug']}?min_position={published['position']}")
    status_b, page_b = b.get(f"/api/v1/examples/{created['slug']}?min_position={published['position']}")
    assert (status_a, status_b) == (200, 200)
    assert page_a == page_b
    assert page_b["status"] == "published"


def test_an_edit_conflict_spans_the_nodes(nodes):
    a, b = nodes
    token_a, token_b = a.token("maja.lind", DEMO_PASSWORD), b.token("eva.strand", DEMO_PASSWORD)
    status, created = a.request("POST", "/api/v1/examples", {"title": "Konflikt mellan noder"}, token=token_a)
    assert status == 201
    first = a.request("PUT", f"/api/v1/examples/{created['slug']}", {"base_version": 1, "body": "A"}, token=token_a)
    second = b.request("PUT", f"/api/v1/examples/{created['slug']}", {"base_version": 1, "body": "B"}, token=token_b)
    assert first[0] == 200
    assert second[0] == 409 and second[1]["error"]["code"] == "edit_conflict"
    status, page = b.get(f"/api/v1/examples/{created['slug']}?min_position={first[1]['position']}", token=token_b)
    assert (status, page["version"], page["body"]) == (200, 2, "A")


def test_the_roster_agrees_on_both_nodes(nodes):
    a, b = nodes
    coordinator = a.token("eva.strand", DEMO_PASSWORD)
    status, form = a.request("POST", "/api/v1/membership-requests", {
        "organisation": "mora-kommun", "note": "Ny ersättare",
        "changes": [{"action": "appoint", "role": "substitute", "from": "2026-09-01",
                     "person": {"name": "Tova Testsson", "email": "tova.testsson@example.se",
                                "phone": "070-000 00 00", "title": "Samordnare"}}]}, token=coordinator)
    assert status == 201, form
    status, approved = a.request("POST", f"/api/v1/membership-requests/{form['id']}/approve", {}, token=coordinator)
    assert status == 200, approved
    query = f"/api/v1/roster?at=2026-10-01&min_position={approved['position']}"
    roster_a = a.get(query, token=coordinator)
    roster_b = b.get(query, token=b.token("eva.strand", DEMO_PASSWORD))
    assert roster_a[0] == roster_b[0] == 200
    assert roster_a[1]["items"] == roster_b[1]["items"]
    mora = [item for item in roster_b[1]["items"] if item["organisation"]["slug"] == "mora-kommun"]
    assert mora and mora[0]["substitute"]["name"] == "Tova Testsson"


def test_sign_in_throttling_counts_across_nodes(nodes):
    a, b = nodes
    for _ in range(10):
        status, _ = a.request("POST", "/api/v1/tokens", {"username": "sara.berg", "password": "fel-losenord"})
        assert status == 401
    status, body = b.request("POST", "/api/v1/tokens", {"username": "sara.berg", "password": DEMO_PASSWORD})
    assert status == 429, body


def test_pages_agree_on_both_nodes(nodes):
    a, b = nodes
    position = a.get("/api/v1/health")[1]["position"]
    for path in ("/api/v1/examples?per_page=100", "/api/v1/organisations"):
        answers = [node.get(f"{path}&min_position={position}" if "?" in path else f"{path}?min_position={position}")
                   for node in (a, b)]
        assert answers[0][0] == answers[1][0] == 200
        assert answers[0][1] == answers[1][1]


def test_a_node_does_not_start_on_a_store_without_tables(tmp_path):
    node = Node(tmp_path / "bare", store_for(tmp_path / "empty-store"), workers=1)
    with pytest.raises(RuntimeError, match="gunicorn exited"):
        node.start(timeout=30)
    node.stop()
    log = (tmp_path / "bare-gunicorn.log").read_text()
    assert "db init" in log
