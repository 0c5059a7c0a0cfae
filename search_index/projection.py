"""Follows the event log into the index, in batches, each committed with its position.

A batch's documents and the tracking position become visible in one Whoosh commit (a TOC
rename), so a crash at any moment leaves the index at the end of some earlier batch, and
the next run resumes from there: nothing is lost, nothing applied twice. An index that is
missing or was set aside as broken is rebuilt from the log. A batch that suppresses a
revision or destroys a file is committed with `optimize`: every segment is rewritten without
deleted documents, so no index file keeps a suppressed text or a destroyed file's words.
"""

import fcntl
import os
import shutil
import threading
import time
from pathlib import Path

from .store import IndexUnavailable, SearchIndex

BATCH = 500
PARALLEL_FROM = 2000  # below this a second process costs more CPU than the wall time it saves
PURGING = frozenset({"LearningExample.RevisionSuppressed", "LearningExample.AttachmentDestroyed",
                     "Meeting.AttachmentDestroyed"})


def _iso(moment) -> str:
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


class ExampleStates:
    """What the index keeps per example, evolved by the example's events. `revisions` opens a
    revision's sealed text; a suppressed revision leaves the text as it was (it is never the
    current one)."""

    @staticmethod
    def apply(state: dict | None, event, revisions) -> dict | None:
        name = type(event).__qualname__
        at = _iso(event.timestamp)
        if name == "LearningExample.Created":
            text = revisions.open_event(event) or {}
            return {"id": str(event.originator_id), "slug": event.slug, "status": "draft", "version": 1,
                    "content": dict(text.get("content") or {}), "created_at": at, "updated_at": at}
        if state is None:
            return None
        if name in ("LearningExample.Edited", "LearningExample.Reverted"):
            text = revisions.open_event(event) or {}
            state["content"].update(text.get("changes") or {})
            state["content"].update(text.get("content") or {})
            state["version"] += 1
        elif name == "LearningExample.Published":
            state["status"] = "published"
            state["slug"] = getattr(event, "slug", None) or state["slug"]
        elif name == "LearningExample.Archived":
            state["status"] = "archived"
        elif name == "LearningExample.SubmittedForReview":
            state["status"] = "in_review"
        elif name == "LearningExample.Returned":
            state["status"] = "draft"
        elif name.startswith("LearningExample.Attachment"):
            return ExampleStates.apply_attachment(state, event)
        else:
            return state
        state["updated_at"] = at
        return state


    @staticmethod
    def apply_attachment(state: dict, event) -> dict:
        """An example's or a meeting's files: added (name still sealed), removed or destroyed."""
        if type(event).__qualname__.endswith(".AttachmentAdded"):
            state.setdefault("attachments", []).append(
                {"id": event.attachment_id, "sha256": event.sha256, "type": event.media_type, "sealed": event.name})
        else:
            state["attachments"] = [a for a in state.get("attachments", []) if a["id"] != event.attachment_id]
        return state


class MeetingStates:
    """What the index keeps per meeting: its title, agenda and minutes as one text, found by
    signed-in readers only (`kind` "meeting"). The minutes are opened from their sealed text."""

    @staticmethod
    def apply(state: dict | None, event, revisions) -> dict | None:
        name = type(event).__qualname__
        at = _iso(event.timestamp)
        if name == "Meeting.Planned":
            state = {"kind": "meeting", "id": str(event.originator_id), "slug": "", "status": "planned",
                     "meeting": {"id": str(event.originator_id), "title": event.title, "date": event.date,
                                 "number": event.number},
                     "agenda": list(event.agenda), "items": [], "created_at": at}
        elif state is None:
            return None
        elif name == "Meeting.Changed":
            state["agenda"] = event.fields.get("agenda", state["agenda"])
            for field in ("title", "date"):
                state["meeting"][field] = event.fields.get(field, state["meeting"][field])
        elif name in ("Meeting.MinutesWritten", "Meeting.MinutesCorrected"):
            text = revisions.open(event.text) or {}
            state["items"] = (text.get("content") or {}).get("items", [])
        elif name in ("Meeting.Held", "Meeting.Cancelled"):
            state["status"] = "held" if name == "Meeting.Held" else "cancelled"
        elif name.startswith("Meeting.Attachment"):
            return ExampleStates.apply_attachment(state, event)
        else:
            return state
        state["updated_at"] = at
        state["content"] = {"title": state["meeting"]["title"], "summary": "", "body": MeetingStates.text(state)}
        return state

    @staticmethod
    def text(state: dict) -> str:
        parts = []
        for index, item in enumerate(state["agenda"]):
            parts += [item.get("title") or "", item.get("text") or ""]
            for minutes in state["items"]:
                if minutes.get("agenda_index") == index:
                    parts.append(minutes.get("text") or "")
                    parts += [decision.get("text") or "" for decision in minutes.get("decisions") or []]
                    parts += [task.get("title") or "" for task in minutes.get("tasks") or []]
        return "\n\n".join(part for part in parts if part)


def _is_indexed_event(notification) -> bool:
    return ".examples:LearningExample." in notification.topic or ".meetings:Meeting." in notification.topic


def _apply(state: dict | None, event, revisions) -> dict | None:
    if type(event).__qualname__.startswith("Meeting."):
        return MeetingStates.apply(state, event, revisions)
    return ExampleStates.apply(state, event, revisions)


class IndexFollower:
    """Applies the log to the index. Only the holder of the data folder's lock runs one."""

    def __init__(self, app, index: SearchIndex, batch: int = BATCH):
        self.app = app
        self.index = index
        self.batch = batch

    def run_once(self, folder: Path | None = None) -> int:
        """Applies at most one batch; returns how many notifications it covered."""
        with self.index.writer(folder) as writer:
            searcher = writer.searcher()
            position = self.index.position(searcher)
            notifications = self.app.recorder.select_notifications(
                start=position, limit=self.batch, inclusive_of_start=False)
            if not notifications:
                writer.cancel()
                return 0
            states: dict[str, dict] = {}
            purge = False
            for notification in notifications:
                if not _is_indexed_event(notification):
                    continue
                event = self.app.mapper.to_domain_event(notification)
                key = str(event.originator_id)
                state = states.get(key) or self.index.stored_state(searcher, key)
                state = _apply(state, event, self.app.revisions)
                if state is not None:
                    states[key] = state
                purge = purge or type(event).__qualname__ in PURGING
            self._with_attachment_text(states)
            self.index.apply(writer, states, notifications[-1].id, searcher=searcher)
            writer.commit(optimize=True) if purge else writer.commit(mergetype=self.index.merge_tiers)
        self.index.write_caches(folder)
        return len(notifications)

    def _with_attachment_text(self, states: dict[str, dict]) -> None:
        """Gives each example with attachments their names and, for this commit only, their text:
        read from the file's extraction, or extracted now (bounded, in the extractor's process).
        A file that could not be read adds no text; a destroyed one is gone from the state."""
        for state in states.values():
            files = state.get("attachments")
            if not files:
                continue
            texts = []
            for file in files:
                if "name" not in file:
                    file["name"] = self.app.attachment_name(file["id"], {"sha256": file["sha256"],
                                                                         "name": file.pop("sealed", "")}) or ""
                extracted = self.app.read_file_text(file["sha256"], file["type"], self.app.extractor)
                if extracted is not None and extracted.text:
                    texts.append(extracted.text)
            state["attachment_text"] = "\n\n".join(texts)

    def behind(self) -> bool:
        """Whether the log has events the index lacks, or there is no readable index."""
        try:
            position = self.index.position()
        except IndexUnavailable:
            return True
        return (self.app.recorder.max_notification_id() or 0) > position

    def advance(self) -> bool:
        """One step of following: rebuilds a missing or broken index from the log (in this process),
        else applies at most one batch. False when there was nothing to do."""
        try:
            return bool(self.run_once())
        except IndexUnavailable:
            self.rebuild(parallel=False)
            return True

    def catch_up(self, folder: Path | None = None) -> int:
        total = 0
        while True:
            count = self.run_once(folder)
            if not count:
                return total
            total += count

    def rebuild(self, progress=None, parallel: bool = True) -> int:
        """Builds a new index from the whole log (never reading the old one) and swaps it in; returns
        its position. `parallel` lets a large rebuild fork a second writer, which only a process
        without other threads (the command line) should do."""
        folder = self.index.create_build()
        try:
            self._fill(folder, progress, parallel)
            self.index.write_caches(folder)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        self.index.swap_in(folder)
        return self.index.position()

    def _fill(self, folder: Path, progress, parallel: bool) -> None:
        head = self.app.recorder.max_notification_id() or 0
        states: dict[str, dict] = {}
        position = 0
        while position < head:
            notifications = self.app.recorder.select_notifications(
                start=position, limit=self.batch, inclusive_of_start=False, stop=head)
            if not notifications:
                break
            for notification in notifications:
                if _is_indexed_event(notification):
                    event = self.app.mapper.to_domain_event(notification)
                    key = str(event.originator_id)
                    state = _apply(states.get(key), event, self.app.revisions)
                    if state is not None:
                        states[key] = state
            if progress:
                progress(notifications[-1].id - position)
            position = notifications[-1].id
        self._with_attachment_text(states)
        workers = 2 if parallel and len(states) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1 else 1
        self.index.write_fresh(folder, list(states.values()), position, workers)
        self.catch_up(folder)


COMMIT_GAP = 0.1  # seconds at least between two commits of the follower thread: under a stream of
# writes each commit takes all that came in meanwhile; a single write after a quiet spell is
# committed at once


class FollowerLock:
    """One follower per data folder: an exclusive, non-blocking flock on a file."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._handle = None

    def acquire(self) -> bool:
        if self._handle is not None:
            return True
        handle = open(self.path, "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._handle = handle
        return True

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None

    @property
    def held(self) -> bool:
        return self._handle is not None


class BackgroundFollower:
    """Runs the follower in a daemon thread while this process holds the lock. `chores`: other
    projection work of the data folder (the audit tree), called after each step."""

    def __init__(self, follower: IndexFollower, lock: FollowerLock, poll: float = 0.05, log=None, chores=()):
        self.follower = follower
        self.lock = lock
        self.poll = poll
        self.log = log
        self.chores = list(chores)
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def start(self) -> bool:
        if self.running:
            return True
        if not self.lock.acquire():
            return False
        self.thread = threading.Thread(target=self._run, name="search-index-follower", daemon=True)
        self.thread.start()
        return True

    def _run(self) -> None:
        follow(self.follower, self.stopping, self.poll, self.log, self.chores, wake=self.wake)

    def stop(self) -> None:
        self.stopping.set()
        self.wake.set()
        if self.thread is not None:
            self.thread.join(timeout=10)
        self.lock.release()


def run_chores(chores, log=None) -> None:
    for chore in chores:
        try:
            chore()
        except Exception as error:  # noqa: BLE001 - one chore failing stops neither the others nor the index
            if log:
                log(f"projection chore {getattr(chore, '__qualname__', chore)}: {error!r}")


def follow(follower: IndexFollower, stop: threading.Event, poll: float, log=None, chores=(),
           wake: threading.Event | None = None) -> None:
    """Follows the log until `stop`, by one thread that holds the data folder's lock (the web
    process's thread or `index follow`): the chores, then, while the index is behind, a batch at
    most every `COMMIT_GAP`, else a wait of `poll` (cut short by `wake`). An error (the store
    unreachable for a while, say) is logged and retried after a growing pause; the index's own
    position makes the retry apply nothing twice. A broken index is rebuilt."""
    failures, last_commit = 0, 0.0
    waiting = wake or stop
    while not stop.is_set():
        try:
            run_chores(chores, log)
            if follower.behind():
                gap = COMMIT_GAP - (time.monotonic() - last_commit)
                if gap > 0 and stop.wait(gap):  # gather what arrives meanwhile into one commit
                    break
                if follower.advance():
                    last_commit = time.monotonic()
                    failures = 0
                    continue
        except Exception as error:  # noqa: BLE001 - keep following; log and back off
            failures += 1
            if log:
                log(f"search index follower: {error!r}")
            stop.wait(min(5.0, 0.1 * 2 ** failures))
            continue
        waiting.wait(poll)
        if wake is not None:
            wake.clear()


def follow_forever(follower: IndexFollower, lock: FollowerLock, stop: threading.Event, poll: float = 0.05,
                   wait_for_lock: bool = True, log=None, chores=()) -> None:
    """The `index follow` command's loop: waits for the lock, then follows until `stop`."""
    while not lock.acquire():
        if not wait_for_lock or stop.wait(1.0):
            return
    try:
        follow(follower, stop, poll, log, chores)
    finally:
        lock.release()
