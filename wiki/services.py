"""The application and its projections, one set per Flask app (and so per process)."""

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app

from events.application import Wiki, is_postgres, store_environment, table_creation_lock
from events.audit import AuditChain
from events.audit_tree import AuditTree
from events.checkpoints import load_or_create_key
from events.snapshots import snapshot_key
from events.readmodel import Behind, ReadModel
from search_index import SearchIndex
from search_index.projection import BackgroundFollower, FollowerLock, IndexFollower
from search_index.search import Searcher

from .throttle import PostgresFailures, SignInThrottle, SQLiteFailures
from .waiting import WaitSlots

logger = logging.getLogger(__name__)

LOCK_RETRY_SECONDS = 5.0


class StoreNotReady(Exception):
    """The event store's tables are missing: `flask --app wiki db init` creates them."""


@dataclass
class Services:
    wiki: Wiki
    pages: ReadModel
    index: SearchIndex
    searcher: Searcher
    audit: AuditChain
    audit_tree: AuditTree
    throttle: SignInThrottle
    follower: IndexFollower
    background: BackgroundFollower
    run_follower: bool = True
    ready: bool = False
    _last_lock_attempt: float = field(default=0.0)
    closers: list = field(default_factory=list)  # run first on close (the notifier thread)
    waits: WaitSlots | None = None

    @classmethod
    def open(cls, data_dir: str, event_store: str, create_tables: bool | None = None,
             run_follower: bool = True, log=None, settings: dict | None = None,
             audit: dict | None = None, check_read_model: bool = True) -> "Services":
        """`settings`: more of the application's environment (`ATTACHMENT_MAX_BYTES`); `audit`: the
        checkpoints' `origin`, `signing_key` and `every` (`AuditTree`)."""
        audit = {"origin": "localhost/lansgrupp-wiki", **(audit or {})}
        signing_key = load_or_create_key(str(Path(data_dir) / "signing.key"), audit.get("signing_key"))
        seed = signing_key.private_bytes_raw()
        env = {**store_environment(data_dir, event_store, create_tables),
               "ERASURE_LEDGER": str(Path(data_dir) / "erased-keys.log"), **(settings or {}),
               "SNAPSHOT_KEY": snapshot_key(seed)}
        if is_postgres(event_store):
            with table_creation_lock(env):
                wiki = Wiki(env=env)
                failures = PostgresFailures(wiki.recorder.datastore)
                if create_tables:
                    failures.create_tables()
        else:
            wiki = Wiki(env=env)
            failures = SQLiteFailures(str(Path(data_dir) / "throttle.sqlite"))
        pages = ReadModel(str(Path(data_dir) / "pages.sqlite"), wiki, check=check_read_model)
        index = SearchIndex(Path(data_dir) / "search")
        follower = IndexFollower(wiki, index)
        background = BackgroundFollower(follower, FollowerLock(Path(data_dir) / "search.lock"), log=log)
        chain = AuditChain(str(Path(data_dir) / "audit.sqlite"), wiki.recorder)
        tree = AuditTree(str(Path(data_dir) / "audit-tree"), wiki.recorder, audit["origin"], signing_key,
                         int(audit.get("every") or 1000))
        background.chores += [tree.update, chain.update]
        throttle = SignInThrottle(failures)
        searcher = Searcher(index, attachment_text=wiki.attachment_plain_text)
        return cls(wiki=wiki, pages=pages, index=index, searcher=searcher, audit=chain, audit_tree=tree,
                   throttle=throttle, follower=follower, background=background, run_follower=run_follower,
                   waits=WaitSlots(str(Path(data_dir) / "waits")))

    def warm(self) -> None:
        """Readies a new worker before it takes requests: the search's per-segment data is loaded
        (a missing or broken index is left to the first search, which answers for it)."""
        try:
            self.searcher.warm()
        except Exception as error:  # noqa: BLE001 - warming is an optimisation, never a failure
            logger.warning("search not warmed: %r", error)

    def catch_up(self) -> None:
        """Brings the read model up to the log. The hash chain and the Merkle tree are extended by
        the follower's chores, and by the audit routes and commands that read them."""
        self.pages.catch_up(wait=False)

    def ensure_ready(self) -> None:
        """Checks once per process that the store's tables exist."""
        if not self.ready:
            if not self.wiki.store_ready():
                raise StoreNotReady("event store has no tables: run `flask --app wiki db init`")
            self.ready = True

    def ensure_follower(self) -> None:
        """Starts this process's index follower if no other process on this data folder runs one."""
        if not self.run_follower or self.background.running:
            return
        now = time.monotonic()
        if now - self._last_lock_attempt < LOCK_RETRY_SECONDS:
            return
        self._last_lock_attempt = now
        self.background.start()

    def wait_for_index(self, position: int, timeout: float = 5.0) -> int:
        deadline = time.monotonic() + timeout
        self.background.wake.set()
        while True:
            reached = self.index.position()
            if reached >= position:
                return reached
            if time.monotonic() >= deadline:
                raise Behind(f"index position {reached} < {position}")
            time.sleep(0.02)

    def close(self) -> None:
        for closer in self.closers:
            closer()
        self.background.stop()
        self.index.close()
        self.audit.close()
        self.audit_tree.close()
        self.throttle.close()
        self.pages.close()
        self.wiki.close()


def services() -> Services:
    return current_app.extensions["lansgrupp"]
