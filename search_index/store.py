"""The Whoosh index on disk: one folder per build, named by a symlink that a rebuild swaps.

Only the follower writes (one at a time, guarded by Whoosh's own lock and our file lock);
every thread of every process may read through `searcher()`.

A folder that cannot be read (a truncated or overwritten file, a missing segment: what a crash
or a disk fault leaves) is set aside as `search.broken-<time>`. The link then names nothing:
searches raise `IndexUnavailable` and the follower rebuilds the index from the log. Files
are read, never memory-mapped, so a file cut short under a reader is an error, not a SIGBUS.
"""

import logging
import os
import re
import shutil
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.reading import SegmentReader
from whoosh.filedb.filestore import FileStorage

from .bulk import BulkSegmentWriter, write_fresh
from .documents import FORMAT, TRACKING_ID, document, schema
from .integrity import is_transient, verify
from .segments import write_segment_caches

WRITE_LOCK_TIMEOUT = 30.0
OPEN_ATTEMPTS = 8
CHECK_ATTEMPTS = 3
_TOC = re.compile(r"^_MAIN_(\d+)\.toc$")
logger = logging.getLogger(__name__)
TIER_SIZE = 10


class PositionConflict(Exception):
    """A batch would not move the index forward: it was applied already."""


class IndexUnavailable(Exception):
    """There is no readable index: it was missing or broken and the follower rebuilds it from the log."""


def _generation(folder: Path) -> int:
    """The newest commit's number in `folder`; -1 when there is none (or no folder)."""
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return -1
    return max((int(m.group(1)) for m in map(_TOC.match, names) if m), default=-1)


class SearchIndex:
    def __init__(self, link: Path):
        self.link = Path(link)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._in_format: set[Path] = set()
        self._readable: set[tuple[Path, int]] = set()
        if not os.path.lexists(self.link):
            self._install(self.create_build())

    def _current_format(self, folder: Path) -> Path:
        """`folder`, or a new empty index in its place when the one there was written by another
        version of the schema (the follower then fills it from the start of the log)."""
        if folder in self._in_format:
            return folder
        with self.open(folder).searcher() as searcher:
            fields = searcher.document(id=TRACKING_ID)
        if fields is not None and fields.get("format") != FORMAT:
            replacement = self.create_build()
            self.swap_in(replacement)
            folder = replacement
        self._in_format.add(folder)
        return folder

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
        try:
            old = self.folder()
        except IndexUnavailable:
            old = None
        self._install(folder)
        if old is not None and old != folder:
            shutil.rmtree(old, ignore_errors=True)

    def folder(self) -> Path:
        """The folder the link names; `IndexUnavailable` when it names none (set aside, rebuilding)."""
        try:
            folder = (self.link.parent / os.readlink(self.link)).resolve()
        except OSError:
            raise IndexUnavailable("the search index is missing") from None
        if not folder.is_dir():
            raise IndexUnavailable("the search index is being rebuilt")
        return folder

    def open(self, folder: Path | None = None):
        return FileStorage(str(folder or self.folder()), supports_mmap=False).open_index()

    # ---- broken indexes -----------------------------------------------------------------

    def check(self, folder: Path | None = None) -> bool:
        """Reads the whole index in `folder` (the link's by default). A broken one is set aside and
        False returned; a readable one is remembered per commit, so asking again costs nothing."""
        try:
            folder = folder or self.folder()
        except IndexUnavailable:
            return False
        failure = None
        for _ in range(CHECK_ATTEMPTS):
            generation = _generation(folder)
            if generation < 0 and not folder.is_dir():
                return False
            if (folder, generation) in self._readable:
                return True
            try:
                verify(self.open(folder))
            except Exception as error:  # noqa: BLE001 - whatever reading raises, the index is unreadable
                if is_transient(error):
                    raise
                failure = error
                if _generation(folder) != generation:
                    continue  # a commit came in between: look at the new one
                break
            else:
                if len(self._readable) > 1000:
                    self._readable.clear()
                self._readable.add((folder, generation))
                return True
        self._set_aside(folder, failure)
        return False

    def _set_aside(self, folder: Path, error: BaseException | None) -> None:
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        target = self.link.parent / f"{self.link.name}.broken-{stamp}-{uuid.uuid4().hex[:6]}"
        try:
            os.rename(folder, target)
        except FileNotFoundError:
            return  # another process set it aside first, or a rebuild replaced it
        self.close()
        logger.error("search index %s cannot be read (%r); moved to %s, the follower rebuilds it from the log",
                     folder, error, target)

    @contextmanager
    def guarded(self, folder: Path):
        """Runs a block that reads or writes `folder`: an error there has the index checked, and a
        broken index set aside (`IndexUnavailable`)."""
        try:
            yield
        except IndexUnavailable:
            raise
        except Exception as error:
            if not is_transient(error) and not self.check(folder):
                raise IndexUnavailable("the search index was broken and is being rebuilt") from error
            raise

    # ---- reading -----------------------------------------------------------------------

    def searcher(self):
        """A searcher on the newest commit, kept per thread while it is current."""
        return self.reading()[1]

    def reading(self) -> tuple[Path, object]:
        """(folder, searcher) of the newest commit. A folder that will not open is checked and, when
        broken, set aside: `IndexUnavailable`."""
        failure: Exception | None = None
        for attempt in range(OPEN_ATTEMPTS):
            folder = self.folder()
            try:
                folder = self._current_format(folder)
                return folder, self._current_searcher(folder)
            except Exception as error:  # noqa: BLE001 - checked below
                # A commit or a rebuild may have replaced files between listing and opening them.
                self.close()
                if is_transient(error):
                    raise
                failure = error
                time.sleep(0.01 * (attempt + 1))
        with self.guarded(folder):
            raise failure

    def _current_searcher(self, folder: Path):
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
        if searcher is None:
            folder, searcher = self.reading()
            with self.guarded(folder):
                return self.position(searcher)
        known = getattr(searcher, "lansgrupp_position", None)
        if known is None:  # a searcher reads one commit: its position is read once
            fields = searcher.document(id=TRACKING_ID)
            known = searcher.lansgrupp_position = int(fields["position"]) if fields else 0
        return known

    def close(self) -> None:
        cached = getattr(self._local, "cached", None)
        if cached is not None:
            try:
                cached[2].close()
            except Exception:  # noqa: BLE001 - closing a searcher whose files are gone
                pass
            self._local.cached = None

    # ---- writing -----------------------------------------------------------------------

    @staticmethod
    def merge_tiers(writer, segments: list) -> list:
        """The follower's merge policy: segments are in tiers by the number of digits of their
        document count, and a tier is merged into one segment when it holds `TIER_SIZE` of them.
        A commit of a few documents then seldom merges anything (Whoosh's own policy merged the
        small segments again at nearly every commit), and the index keeps a few segments per tier.
        A segment whose documents are all deleted (edits replace documents) is dropped unread."""
        tiers: dict[int, list] = {}
        live = [segment for segment in segments if segment.doc_count() > 0]
        for segment in live:
            tiers.setdefault(len(str(max(segment.doc_count_all(), 1))), []).append(segment)
        merged = [segment for tier in tiers.values() if len(tier) >= TIER_SIZE for segment in tier]
        for segment in merged:
            reader = SegmentReader(writer.storage, writer.schema, segment)
            writer.add_reader(reader)
            reader.close()
        return [segment for segment in live if segment not in merged]

    @contextmanager
    def writer(self, folder: Path | None = None, **options):
        """A writer on `folder` (the link's by default); a broken index gives `IndexUnavailable`."""
        linked = folder is None
        folder = folder or self.folder()
        with self.guarded(folder):
            if linked:
                folder = self._current_format(folder)
            writer = BulkSegmentWriter(self.open(folder), timeout=WRITE_LOCK_TIMEOUT, **options)
            try:
                yield writer
            except BaseException:
                writer.cancel()
                raise

    def apply(self, writer, states: dict[str, dict], position: int, *, fresh: bool = False, searcher=None) -> None:
        """Writes the examples' new states and the new position in the writer's one commit; the
        documents they replace are found with one searcher (`searcher`, else the writer's) and
        deleted by number, as `update_document` would, without a new searcher per document."""
        if not fresh:
            searcher = searcher or writer.searcher()
            current = self.position(searcher)
            if position <= current:
                raise PositionConflict(f"index is at {current}, batch ends at {position}")
            reader = searcher.reader()
            for doc_id in [*states, TRACKING_ID]:
                if ("id", doc_id) in reader:  # its live documents, read from the postings unscored
                    for docnum in reader.postings("id", doc_id).all_ids():
                        writer.delete_document(docnum)
        for state in states.values():
            writer.add_document(**document(state))
        writer.add_document(id=TRACKING_ID, kind="meta", position=position, format=FORMAT)

    def write_caches(self, folder: Path | None = None) -> int:
        """Writes the per-segment cache files of the newest commit in `folder` (the link's by
        default), so that a fresh worker's first search reads them instead of every document."""
        folder = folder or self.folder()
        try:
            with self.open(folder).searcher() as searcher:
                return write_segment_caches(folder, searcher)
        except OSError as error:  # no room, or the folder went in a rebuild: searches compute them
            logger.warning("segment caches not written in %s: %s", folder, error)
            return 0

    def write_fresh(self, folder: Path, states: list[dict], position: int, workers: int = 1) -> None:
        """Fills the new, empty index in `folder` (a rebuild) in one commit."""
        write_fresh(self.open(folder), states, dict(id=TRACKING_ID, kind="meta", position=position, format=FORMAT),
                    workers)

    @staticmethod
    def stored_state(searcher, example_id: str) -> dict | None:
        fields = searcher.document(id=example_id)
        return fields["state"] if fields else None

    def example_count(self) -> int:
        folder, searcher = self.reading()
        with self.guarded(folder):
            return searcher.doc_count() - (1 if searcher.document(id=TRACKING_ID) else 0)

    def all_states(self) -> dict[str, dict]:
        """Every example's stored state (for comparing an index with a rebuild)."""
        folder, searcher = self.reading()
        with self.guarded(folder):
            return {fields["id"]: fields["state"]
                    for docnum, fields in searcher.reader().iter_docs() if fields.get("id") != TRACKING_ID}
