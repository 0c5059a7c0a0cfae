"""gunicorn settings for running the wiki as several processes:

    gunicorn -c python:wiki.gunicorn_config 'wiki:create_app()'

Each worker builds its own app after the fork (no preloading), so every process has its
own connection pool. `WIKI_WORKERS` (default 4) and `WIKI_BIND` (default 127.0.0.1:8000)
set the obvious; gunicorn's own flags override them.
"""

import os

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
    """Refuses to start on a store without tables, with the command that creates them."""
    from events.application import Wiki, store_environment

    data_dir = os.path.abspath(os.environ.get("WIKI_DATA_DIR") or "instance")
    os.makedirs(data_dir, exist_ok=True)
    wiki = Wiki(env=store_environment(data_dir, os.environ.get("WIKI_EVENT_STORE", "sqlite"), create_tables=None))
    try:
        if not wiki.store_ready():
            raise SystemExit("Händelselagret saknar tabeller: kör först flask --app wiki db init.")
    finally:
        wiki.close()
