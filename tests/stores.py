"""Which event store the tests run on.

SQLite in the test's temporary data folder by default. With `WIKI_TEST_POSTGRES` set to a
server's URL (scripts/test does this), every data folder gets its own PostgreSQL schema,
named from the folder's path, so a test that opens a folder again meets the same log.
"""

import hashlib
import os
from pathlib import Path

from wiki import create_app

POSTGRES = os.environ.get("WIKI_TEST_POSTGRES", "")


def store_for(data_dir) -> str:
    if not POSTGRES:
        return "sqlite"
    import psycopg
    schema = "t_" + hashlib.sha1(str(Path(data_dir).resolve()).encode()).hexdigest()[:24]
    with psycopg.connect(POSTGRES, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    return f"{POSTGRES}?schema={schema}"


def make_app(config: dict):
    """`create_app` on the tests' store, creating its tables."""
    config = dict(config)
    if "EVENT_STORE" not in config:
        config["EVENT_STORE"] = store_for(config["DATA_DIR"])
        config.setdefault("CREATE_TABLES", "y")
    return create_app(config)
