"""gunicorn settings for running the wiki as several processes:

    gunicorn -c python:wiki.gunicorn_config 'wiki:create_app()'

Each worker builds its own app after the fork (no preloading), so every process has its
own connection pool; the modules are imported once in the master, so a new worker (at start, or
after `max_requests`) starts quickly, and it loads the search's per-segment data before it takes
requests (`post_worker_init`), so its first searches are not slower than the rest.
`WIKI_WORKERS` (default 4) and `WIKI_BIND` (default 127.0.0.1:8000) set the obvious; gunicorn's
own flags override them.

The index follower runs as a process of its own beside the workers (`WIKI_INDEX_FOLLOWER`
`process`, the default here), started by the master when it is ready, started again if it ends,
and stopped with the server: a follower thread inside a worker would share that worker's
interpreter with its requests (measured in docs/BENCHMARKS.md, "Edits"). `thread` lets a worker
follow instead (one per data folder, by `flock`); `none` leaves it to an `index follow` of your own.
"""

import importlib
import logging
import os
import select
import signal
import sys
import threading
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
FOLLOWER = os.environ.get("WIKI_INDEX_FOLLOWER", "process")
RESTART_DELAY = 1.0  # seconds before an ended follower process is started again


class FollowerProcess:
    """`flask --app wiki index follow` as a child of the master, kept running by a thread.

    It is started with `posix_spawn` (no pipe to the child that a worker forked meanwhile could
    hold open) and watched and signalled through a pidfd: the master's own reaper may collect it
    first, and a pidfd cannot mistake a new process with the same id for it."""

    def __init__(self, log: logging.Logger):
        self.log = log
        self.stopping = threading.Event()
        self._lock = threading.Lock()  # the spawn, and the signals stop() sends, against each other
        self._pidfd: int | None = None
        self.thread = threading.Thread(target=self._run, name="index-follower-process", daemon=True)

    def start(self) -> "FollowerProcess":
        self.thread.start()
        return self

    def _spawn(self) -> tuple[int, int] | None:
        with self._lock:
            if self.stopping.is_set():
                return None
            pid = os.posix_spawn(
                sys.executable, [sys.executable, "-m", "flask", "--app", "wiki", "index", "follow"],
                {**os.environ, "WIKI_FOLLOWER_PARENT": str(os.getpid())},
                file_actions=[(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)])
            self._pidfd = os.pidfd_open(pid)
            return pid, self._pidfd

    def _run(self) -> None:
        while True:
            try:
                spawned = self._spawn()
            except OSError as error:
                self.log.error("index follower process could not start: %r", error)
            else:
                if spawned is None:
                    return
                pid, pidfd = spawned
                select.select([pidfd], [], [])  # readable once the process has ended
                with self._lock:
                    self._pidfd = None
                    os.close(pidfd)
                try:
                    os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:  # the master's reaper collected it
                    pass
            if self.stopping.wait(RESTART_DELAY):
                return
            self.log.warning("index follower process ended; starting it again")

    def _signal(self, number: int) -> None:
        with self._lock:
            if self._pidfd is not None:
                try:
                    signal.pidfd_send_signal(self._pidfd, number)
                except ProcessLookupError:
                    pass

    def stop(self, timeout: float = 20.0) -> None:
        """Asks the process to stop (SIGTERM, then SIGKILL after `timeout`) and waits for it."""
        with self._lock:
            self.stopping.set()
        self._signal(signal.SIGTERM)
        self.thread.join(timeout)
        if self.thread.is_alive():
            self._signal(signal.SIGKILL)
            self.thread.join(5.0)


def on_starting(server):
    """Refuses to start on a store without tables, with the command that creates them; checks the
    read model's file once for all workers (a worker started later, after `max_requests`, does not
    read a large file through again); imports the app's modules for the workers to inherit (no app,
    no connection is made here)."""
    wiki_package = importlib.import_module("wiki")
    from events.application import Wiki, store_environment
    from events.readmodel import set_aside_if_broken

    data_dir = os.path.abspath(os.environ.get("WIKI_DATA_DIR") or "instance")
    os.makedirs(data_dir, exist_ok=True)
    set_aside_if_broken(os.path.join(data_dir, "pages.sqlite"))
    os.environ[wiki_package.READ_MODEL_CHECKED] = str(Path(data_dir).resolve())
    wiki = Wiki(env=store_environment(data_dir, os.environ.get("WIKI_EVENT_STORE", "sqlite"), create_tables=None))
    try:
        if not wiki.store_ready():
            raise SystemExit("Händelselagret saknar tabeller: kör först flask --app wiki db init.")
    finally:
        wiki.close()
    if FOLLOWER == "process":
        os.environ["WIKI_INDEX_FOLLOWER"] = "none"  # the workers leave following to the master's process


def when_ready(server):
    """Starts the index follower process (with `WIKI_INDEX_FOLLOWER` `process`)."""
    if FOLLOWER == "process":
        server.wiki_follower = FollowerProcess(server.log).start()


def on_exit(server):
    follower = getattr(server, "wiki_follower", None)
    if follower is not None:
        follower.stop(graceful_timeout)


def post_worker_init(worker):
    """A new worker readies its search before it accepts a request."""
    worker.wsgi.extensions["lansgrupp"].warm()
