"""gunicorn settings for running the wiki as several processes:

    gunicorn -c python:wiki.gunicorn_config 'wiki:create_app()'

Each worker builds its own app after the fork (no preloading), so every process has its
own connection pool; the modules are imported once in the master, so a new worker (at start, or
after `max_requests`) starts quickly, and it loads the search's per-segment data before it takes
requests (`post_worker_init`), so its first searches are not slower than the rest.
`WIKI_WORKERS` (default 4) and `WIKI_BIND` (default 127.0.0.1:8000) set the obvious; gunicorn's
own flags override them.
"""

import importlib
import os
from pathlib import Path

bind = os.environ.get("WIKI_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WIKI_WORKERS", "4"))
worker_class = "sync"
preload_app = False
timeout = 60
graceful_timeout = 20
max_requests = 5000
max_requests_jitter = 500
accesslog = os.environ.get("WIKI_ACCESS_LOG") or None


def on_starting(server):
    """Refuses to start on a store without tables, with the command that creates them; checks the
    read model's file once for all workers (a worker started later, after `max_requests`, does not
    read a large file through again); imports the app's modules for the workers to inherit (no app,
    no connection is made here)."""
    importlib.import_module("wiki")
    from events.application import Wiki, store_environment
    from events.readmodel import set_aside_if_broken

    data_dir = os.path.abspath(os.environ.get("WIKI_DATA_DIR") or "instance")
    os.makedirs(data_dir, exist_ok=True)
    set_aside_if_broken(os.path.join(data_dir, "pages.sqlite"))
    os.environ["WIKI_READ_MODEL_CHECKED"] = str(Path(data_dir).resolve())
    wiki = Wiki(env=store_environment(data_dir, os.environ.get("WIKI_EVENT_STORE", "sqlite"), create_tables=None))
    try:
        if not wiki.store_ready():
            raise SystemExit("Händelselagret saknar tabeller: kör först flask --app wiki db init.")
    finally:
        wiki.close()


def post_worker_init(worker):
    """A new worker readies its search before it accepts a request."""
    worker.wsgi.extensions["lansgrupp"].warm()
