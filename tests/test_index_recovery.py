"""A broken search index brings nothing down (issue 20, item 13).

A file of the index cut short, overwritten or gone (what a crash or a disk fault leaves) is
found when the index is opened or searched, set aside as `search.broken-<time>` and rebuilt
from the event log. Pages keep answering meanwhile; search answers 503 `index_rebuilding`
until the rebuilt index is there; `index rebuild` and `db rebuild-pages` work regardless.
"""

import os
import random
import time
from pathlib import Path

import pytest

from events.permissions import Actor
from stores import make_app

COORDINATOR = Actor("eva", "coordinator", None)
PUBLISHED = {
    "jouren": ("Kvinnojouren i Falun", "Skyddat boende för kvinnor.", "Kvinnojouren erbjuder skyddat boende."),
    "heders": ("Samtal om hedersrelaterat våld", "Skolan och polisen samverkar.", "Personal utbildas i skolan."),
    "barn": ("Stöd till barn", "Barn som bevittnat våld får stöd.", "Kvinnojouren och skolan samarbetar."),
}
DRAFT = ("Utkast om kvinnojouren", "Ett utkast.", "Kvinnojouren planerar mer.")
WAIT_SECONDS = 60


# ---- corrupting ------------------------------------------------------------------------------

def _files(folder: Path) -> tuple[Path, Path]:
    """The table of contents and the largest segment file."""
    toc = max(folder.glob("_MAIN_*.toc"), key=lambda p: int(p.stem.rsplit("_", 1)[1]))
    segment = max((p for p in folder.iterdir() if p.name.startswith("MAIN_") and p.name != "MAIN_WRITELOCK"),
                  key=lambda p: p.stat().st_size)
    return toc, segment


def _garbage(size: int) -> bytes:
    return random.Random(size).randbytes(size)


def truncated_segment(folder):
    segment = _files(folder)[1]
    os.truncate(segment, segment.stat().st_size // 2)


def segment_of_garbage(folder):
    segment = _files(folder)[1]
    segment.write_bytes(_garbage(segment.stat().st_size))


def garbage_inside_a_segment(folder):
    segment = _files(folder)[1]
    size = segment.stat().st_size
    with open(segment, "r+b") as handle:
        handle.seek(size // 10)
        handle.write(_garbage(size * 8 // 10))


def missing_segment(folder):
    _files(folder)[1].unlink()


def truncated_table_of_contents(folder):
    toc = _files(folder)[0]
    os.truncate(toc, toc.stat().st_size // 2)


def table_of_contents_of_garbage(folder):
    toc = _files(folder)[0]
    toc.write_bytes(_garbage(toc.stat().st_size))


CORRUPTIONS = [truncated_segment, segment_of_garbage, garbage_inside_a_segment, missing_segment,
               truncated_table_of_contents, table_of_contents_of_garbage]


def index_folder(app) -> Path:
    link = Path(app.config["DATA_DIR"]) / "search"
    return (link.parent / os.readlink(link)).resolve()


def broken_folders(app) -> list[Path]:
    return sorted(Path(app.config["DATA_DIR"]).glob("search.broken-*"))


# ---- the wiki ----------------------------------------------------------------------------------

def write_examples(services) -> dict[str, str]:
    """The examples above (and a draft); returns {key: slug}."""
    services.wiki.register_organisation(COORDINATOR, {"name": "Falu kommun", "kind": "kommun",
                                                      "joined_on": "2010-01-01"})
    slugs = {}
    for key, (title, summary, body) in PUBLISHED.items():
        written = services.wiki.create_example(COORDINATOR, {"title": title, "summary": summary, "body": body,
                                                             "organisations": ["falu-kommun"]})
        slugs[key] = services.wiki.publish_example(COORDINATOR, written.slug).slug
    title, summary, body = DRAFT
    services.wiki.create_example(COORDINATOR, {"title": title, "summary": summary, "body": body,
                                               "organisations": ["falu-kommun"]})
    return slugs


def seeded(data_dir: Path) -> dict[str, str]:
    """A data folder with the examples, indexed in several commits; no app left open."""
    app = make_app({"DATA_DIR": str(data_dir), "TESTING": True, "INDEX_FOLLOWER": "none"})
    services = app.extensions["lansgrupp"]
    try:
        slugs = write_examples(services)
        services.follower.batch = 3
        services.follower.catch_up()
        assert services.index.position() == services.wiki.position()
    finally:
        services.close()
    return slugs


def search(client, q):
    return client.get("/api/v1/search", query_string={"q": q, "per_page": 50})


def found(response) -> set[str]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return {hit["slug"] for hit in response.get_json()["hits"]}


def assert_rebuilding(response):
    assert response.status_code == 503, (response.status_code, response.get_data(as_text=True)[:300])
    body = response.get_json()
    assert set(body) == {"error"} and body["error"]["code"] == "index_rebuilding", body
    assert "byggs om" in body["error"]["message"]
    assert response.headers.get("Retry-After")


def assert_pages_answer(client, slugs):
    for path in ("/", "/exempel", f"/exempel/{slugs['jouren']}", "/api/v1/examples"):
        assert client.get(path).status_code == 200, path
    health = client.get("/api/v1/health")
    assert health.status_code == 200 and health.get_json()["status"] == "ok"


def until_found(client, q, expected: set[str]) -> list[int]:
    """Searches until the answer has exactly `expected`; every other answer must be 503
    `index_rebuilding`. Returns the statuses seen."""
    statuses, deadline = [], time.monotonic() + WAIT_SECONDS
    while True:
        response = search(client, q)
        statuses.append(response.status_code)
        if response.status_code == 200 and found(response) == expected:
            return statuses
        if response.status_code != 200:
            assert_rebuilding(response)
        assert time.monotonic() < deadline, (q, statuses[-5:], response.get_data(as_text=True)[:300])
        time.sleep(0.05)


def expected_for(slugs) -> dict[str, set[str]]:
    return {"kvinnojouren": {slugs["jouren"], slugs["barn"]}, "hedersvåld": {slugs["heders"]}}


# ---- a running wiki ----------------------------------------------------------------------------

@pytest.fixture
def running(tmp_path):
    app = make_app({"DATA_DIR": str(tmp_path / "data"), "TESTING": True})
    services = app.extensions["lansgrupp"]
    app.slugs = write_examples(services)
    client = app.test_client()
    for q, expected in expected_for(app.slugs).items():
        until_found(client, q, expected)
    yield app
    services.close()


@pytest.mark.parametrize("corrupt", CORRUPTIONS)
def test_a_running_wiki_serves_pages_and_rebuilds_a_corrupted_index(running, corrupt):
    app, client, services = running, running.test_client(), running.extensions["lansgrupp"]
    broken = index_folder(app)
    corrupt(broken)

    assert_pages_answer(client, app.slugs)
    for q, expected in expected_for(app.slugs).items():
        response = search(client, q)  # from what this process has open, or 503 once it found the damage
        if response.status_code == 503:
            assert_rebuilding(response)
        else:
            assert found(response) == expected
    assert client.get("/sok", query_string={"q": "kvinnojouren"}).status_code in (200, 503)

    # The next write makes the follower open the index afresh: it finds it broken and rebuilds it.
    written = services.wiki.create_example(COORDINATOR, {"title": "Kvinnojouren i Mora", "summary": "Ny jour.",
                                                         "body": "Kvinnojouren öppnar i Mora.",
                                                         "organisations": ["falu-kommun"]})
    new = services.wiki.publish_example(COORDINATOR, written.slug).slug
    expected = expected_for(app.slugs)
    until_found(client, "kvinnojouren", expected["kvinnojouren"] | {new})
    assert found(search(client, "hedersvåld")) == expected["hedersvåld"]
    assert_pages_answer(client, app.slugs)

    assert index_folder(app) != broken
    assert len(broken_folders(app)) == 1
    health = client.get("/api/v1/health").get_json()
    assert health["index"] == "ok" and health["index_position"] == services.wiki.position()


# ---- a wiki started on a corrupted index -------------------------------------------------------------

@pytest.mark.parametrize("corrupt", CORRUPTIONS)
def test_a_wiki_started_on_a_corrupted_index_serves_pages_and_answers_503_until_rebuilt(tmp_path, corrupt):
    data = tmp_path / "data"
    slugs = seeded(data)
    app = make_app({"DATA_DIR": str(data), "TESTING": True, "INDEX_FOLLOWER": "none"})
    services = app.extensions["lansgrupp"]
    try:
        broken = index_folder(app)
        corrupt(broken)
        client = app.test_client()
        assert_pages_answer(client, slugs)

        q = "kvinnojouren"
        response = search(client, q)
        if response.status_code == 200:  # the corruption is where this search does not read
            assert found(response) == expected_for(slugs)[q]
            services.index.check()
            response = search(client, q)
        assert_rebuilding(response)
        assert broken_folders(app) and not broken.exists()
        page = client.get("/sok", query_string={"q": q})
        assert page.status_code == 503 and page.headers.get("Retry-After")
        assert "Sökindexet byggs om" in page.get_data(as_text=True)
        health = client.get("/api/v1/health")
        assert health.status_code == 200 and health.get_json()["index"] == "rebuilding"
        assert client.get("/api/v1/search", query_string={"q": q, "min_position": 1}).status_code == 503
        status = app.test_cli_runner().invoke(args=["index", "status"])
        assert status.exit_code == 0 and "byggs om" in status.output, status.output

        rebuilt = app.test_cli_runner().invoke(args=["index", "rebuild"])
        assert rebuilt.exit_code == 0, rebuilt.output
        for q, expected in expected_for(slugs).items():
            assert found(search(client, q)) == expected
        assert services.index.position() == services.wiki.position()
    finally:
        services.close()


@pytest.mark.parametrize("corrupt", [truncated_segment, table_of_contents_of_garbage, missing_segment])
def test_a_wiki_started_on_a_corrupted_index_rebuilds_it_with_its_follower(tmp_path, corrupt):
    data = tmp_path / "data"
    slugs = seeded(data)
    corrupt(index_folder_of(data))
    app = make_app({"DATA_DIR": str(data), "TESTING": True})
    try:
        client = app.test_client()
        assert_pages_answer(client, slugs)
        for q, expected in expected_for(slugs).items():
            until_found(client, q, expected)
        assert broken_folders(app)
    finally:
        app.extensions["lansgrupp"].close()


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def index_folder_of(data: Path) -> Path:
    return (data / os.readlink(data / "search")).resolve()


# ---- the command line ----------------------------------------------------------------------------

@pytest.mark.parametrize("corrupt", CORRUPTIONS)
def test_rebuild_commands_work_on_a_corrupted_index(tmp_path, corrupt):
    data = tmp_path / "data"
    slugs = seeded(data)
    broken = index_folder_of(data)
    corrupt(broken)
    before = files_of(broken)
    app = make_app({"DATA_DIR": str(data), "TESTING": True, "INDEX_FOLLOWER": "none"})
    services = app.extensions["lansgrupp"]
    try:
        runner = app.test_cli_runner()
        pages = runner.invoke(args=["db", "rebuild-pages"])
        assert pages.exit_code == 0, pages.output
        assert "Läsmodellen byggd till position" in pages.output
        # The pages' rebuild neither needs nor touches the index.
        assert index_folder_of(data) == broken and files_of(broken) == before

        rebuilt = runner.invoke(args=["index", "rebuild"])
        assert rebuilt.exit_code == 0, rebuilt.output
        assert f"Sökindexet är byggt till position {services.wiki.position()} (4 exempel)" in rebuilt.output
        assert not broken.exists()
        client = app.test_client()
        for q, expected in expected_for(slugs).items():
            assert found(search(client, q)) == expected
        assert_pages_answer(client, slugs)
    finally:
        services.close()
