"""`WIKI_EVENT_STORE`: parsing, and PostgreSQL tables created once by `db init`."""

import uuid

import pytest

from events.application import store_environment
from stores import POSTGRES
from wiki import create_app

needs_postgres = pytest.mark.skipif(not POSTGRES, reason="needs WIKI_TEST_POSTGRES (scripts/test sets it)")


def test_sqlite_is_the_default_and_creates_its_tables():
    env = store_environment("/data", "sqlite")
    assert env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite"
    assert env["SQLITE_DBNAME"] == "/data/events.sqlite"
    assert env["CREATE_TABLE"] == "y"
    assert store_environment("/data", "sqlite", create_tables=False)["CREATE_TABLE"] == "n"


def test_a_postgresql_url_with_schema_and_pool_size():
    env = store_environment("/data", "postgresql://wiki:hemligt%2Fx@db.lan:6543/lansgrupp?schema=wiki_prod&pool_size=3")
    assert env["PERSISTENCE_MODULE"] == "eventsourcing.postgres"
    assert (env["POSTGRES_HOST"], env["POSTGRES_PORT"], env["POSTGRES_DBNAME"]) == ("db.lan", "6543", "lansgrupp")
    assert (env["POSTGRES_USER"], env["POSTGRES_PASSWORD"]) == ("wiki", "hemligt/x")
    assert (env["POSTGRES_SCHEMA"], env["POSTGRES_POOL_SIZE"]) == ("wiki_prod", "3")


def test_server_processes_do_not_create_postgresql_tables_unless_told():
    url = "postgresql://wiki:pw@127.0.0.1/wiki"
    assert store_environment("/data", url)["CREATE_TABLE"] == "n"
    assert store_environment("/data", url, create_tables=True)["CREATE_TABLE"] == "y"


@pytest.mark.parametrize("url", [
    "mysql://wiki@host/db", "postgresql://wiki@host/", "postgresql://wiki@host/db?schema=Drop;Table",
    "postgresql://wiki@host/db?pool_size=0", "postgresql://wiki@host/db?sslmode=disable&x=1",
])
def test_bad_store_settings_are_refused(url):
    with pytest.raises(ValueError):
        store_environment("/data", url)


@needs_postgres
@pytest.mark.postgres
def test_a_new_postgresql_store_answers_not_ready_until_db_init(tmp_path):
    schema = f"fresh_{uuid.uuid4().hex[:12]}"
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "TESTING": True, "INDEX_FOLLOWER": "none",
                      "EVENT_STORE": f"{POSTGRES}?schema={schema}"})
    try:
        client = app.test_client()
        response = client.get("/api/v1/examples")
        assert response.status_code == 503
        assert response.json["error"]["code"] == "not_ready"
        assert "db init" in response.json["error"]["message"]
        assert client.get("/").status_code == 503
        result = app.test_cli_runner().invoke(args=["index", "status"])
        assert result.exit_code != 0 and "db init" in result.output

        result = app.test_cli_runner().invoke(args=["db", "init"])
        assert result.exit_code == 0, result.output
        assert client.get("/api/v1/examples").status_code == 200
        assert client.post("/api/v1/tokens", json={"username": "x", "password": "y"}).status_code == 401
        created = app.test_cli_runner().invoke(args=["users", "create", "adam", "--role", "admin", "--password-stdin"],
                                               input="losenord-123\n")
        assert created.exit_code == 0, created.output
        token = client.post("/api/v1/tokens", json={"username": "adam", "password": "losenord-123"})
        assert token.status_code == 201, token.json
        again = app.test_cli_runner().invoke(args=["db", "init"])
        assert again.exit_code == 0, again.output
    finally:
        app.extensions["lansgrupp"].close()


@needs_postgres
@pytest.mark.postgres
def test_one_off_commands_create_missing_tables(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "TESTING": True, "INDEX_FOLLOWER": "none",
                      "EVENT_STORE": f"{POSTGRES}?schema=fresh_{uuid.uuid4().hex[:12]}"})
    try:
        result = app.test_cli_runner().invoke(args=["demo", "load"])
        assert result.exit_code == 0, result.output
        listing = app.test_client().get("/api/v1/examples").json
        assert listing["total"] >= 10  # the published ones
    finally:
        app.extensions["lansgrupp"].close()


def _open_together(data_dir, store, barrier, results):
    """Runs in a spawned process: opens an app that creates the store's tables."""
    try:
        from wiki import create_app as create
        barrier.wait(timeout=60)
        app = create({"DATA_DIR": data_dir, "TESTING": True, "INDEX_FOLLOWER": "none",
                      "EVENT_STORE": store, "CREATE_TABLES": "y"})
        app.extensions["lansgrupp"].close()
        results.put("ok")
    except BaseException as error:  # noqa: BLE001 - the parent reports it
        results.put(repr(error))


@needs_postgres
@pytest.mark.postgres
def test_processes_that_start_together_create_the_tables_once(tmp_path):
    """Concurrent CREATE TABLE IF NOT EXISTS fails in PostgreSQL ("tuple concurrently updated")."""
    import multiprocessing
    schema = f"fresh_{uuid.uuid4().hex[:12]}"
    import psycopg
    with psycopg.connect(POSTGRES, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(6), context.Queue()
    processes = [context.Process(target=_open_together,
                                 args=(str(tmp_path / f"node{i}"), f"{POSTGRES}?schema={schema}", barrier, results))
                 for i in range(6)]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    assert outcomes == ["ok"] * 6
