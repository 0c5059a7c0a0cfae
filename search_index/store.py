"""The Whoosh index on disk: one folder per build, named by a symlink that a rebuild swaps.

Only the follower writes (one at a time, guarded by Whoosh's own lock and our file lock);
every thread of every process may read through `searcher()`.
"""

import os
import shutil
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import EmptyIndexError

from .bulk import write_fresh
from .documents import FORMAT, TRACKING_ID, document, schema

WRITE_LOCK_TIMEOUT = 30.0
OPEN_ATTEMPTS = 8


class PositionConflict(Exception):
    """A batch would not move the index forward: it was applied already."""


class SearchIndex:
    def __init__(self, link: Path):
        self.link = Path(link)
        self._local = threading.local()
        self._lock = threading.Lock()
        if not self.link.exists() or not self._current_format():
            self._install(self.create_build())

    def _current_format(self) -> bool:
        """False when the index on disk was written by another version of the schema; the
        follower then builds a new one from the start of the log."""
        try:
            ix = self.open()
            with ix.searcher() as searcher:
                fields = searcher.document(id=TRACKING_ID)
            return fields is None or fields.get("format") == FORMAT
        except (OSError, EmptyIndexError):
            return False

    # ---- folders -----------------------------------------------------------------------

    def create_build(self) -> Path:
        """An empty index in a new folder beside the link (not yet in use)."""
        folder = self.link.parent / f"{self.link.name}-{uuid.uuid4().hex[:12]}"
        folder.mkdir(parents=True)
        whoosh_index.create_in(str(folder), schema())
        return folder

    def _install(self, folder: Path) -> None:
        temporary = self.link.parent / f".{self.link.name}-link-{uuid.uuid4().hex[:8]}"
        os.symlink(folder.name, temporary)
        os.replace(temporary, self.link)

    def swap_in(self, folder: Path) -> None:
        """Makes `folder` the index that readers and the follower use; removes the old one."""
        old = self.folder()
        self._install(folder)
        if old != folder:
            shutil.rmtree(old, ignore_errors=True)

    def folder(self) -> Path:
        return (self.link.parent / os.readlink(self.link)).resolve()

    def open(self, folder: Path | None = None):
        return whoosh_index.open_dir(str(folder or self.folder()))

    # ---- reading -----------------------------------------------------------------------

    def searcher(self):
        """A searcher on the newest commit, kept per thread while it is current."""
        for attempt in range(OPEN_ATTEMPTS):
            try:
                return self._current_searcher()
            except (OSError, EmptyIndexError):
                # A commit or a rebuild replaced files between listing and opening them.
                self.close()
                if attempt == OPEN_ATTEMPTS - 1:
                    raise
                time.sleep(0.01 * (attempt + 1))

    def _current_searcher(self):
        folder = self.folder()
        cached = getattr(self._local, "cached", None)
        if cached is not None:
            cached_folder, ix, searcher = cached
            if cached_folder == folder and searcher.up_to_date():
                return searcher
            searcher.close()
            self._local.cached = None
        ix = self.open(folder)
        searcher = ix.searcher()
        self._local.cached = (folder, ix, searcher)
        return searcher

    def position(self, searcher=None) -> int:
        searcher = searcher or self.searcher()
        fields = searcher.document(id=TRACKING_ID)
        return int(fields["position"]) if fields else 0

    def close(self) -> None:
        cached = getattr(self._local, "cached", None)
        if cached is not None:
            try:
                cached[2].close()
            except Exception:  # noqa: BLE001 - closing a searcher whose files are gone
                pass
            self._local.cached = None

    # ---- writing -----------------------------------------------------------------------

    @contextmanager
    def writer(self, folder: Path | None = None, **options):
        ix = self.open(folder)
        writer = ix.writer(timeout=WRITE_LOCK_TIMEOUT, **options)
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise

    def apply(self, writer, states: dict[str, dict], position: int, *, fresh: bool = False) -> None:
        """Writes the examples' new states and the new position in the writer's one commit."""
        if not fresh:
            current = self.position(writer.searcher())
            if position <= current:
                raise PositionConflict(f"index is at {current}, batch ends at {position}")
        add = writer.add_document if fresh else writer.update_document
        for state in states.values():
            add(**document(state))
        add(id=TRACKING_ID, kind="meta", position=position, format=FORMAT)

    def write_fresh(self, folder: Path, states: list[dict], position: int, workers: int = 1) -> None:
        """Fills the new, empty index in `folder` (a rebuild) in one commit."""
        write_fresh(self.open(folder), states, dict(id=TRACKING_ID, kind="meta", position=position, format=FORMAT),
                    workers)

    @staticmethod
    def stored_state(searcher, example_id: str) -> dict | None:
        fields = searcher.document(id=example_id)
        return fields["state"] if fields else None

    def example_count(self) -> int:
        searcher = self.searcher()
        return searcher.doc_count() - (1 if searcher.document(id=TRACKING_ID) else 0)

    def all_states(self) -> dict[str, dict]:
        """Every example's stored state (for comparing an index with a rebuild)."""
        searcher = self.searcher()
        return {fields["id"]: fields["state"]
                for docnum, fields in searcher.reader().iter_docs() if fields.get("id") != TRACKING_ID}
