"""The sealed text of a learning example's revisions: one key per revision in the key table.

A revision's `text` holds its whole content and its comment as ciphertext, with the id of
the key that opens it. Destroying that key (suppression) leaves the revision unreadable
for good, and no other revision depends on it.
"""

import os
import threading
from uuid import uuid4

from .personal_data import new_key, seal_json, unseal_json

FRESH_KEYS = 32


class RevisionTexts:
    def __init__(self, keys):
        self.keys = keys
        self._fresh: list[tuple[str, bytes]] = []
        self._fresh_pid = os.getpid()
        self._lock = threading.Lock()

    def _new_key(self) -> tuple[str, bytes]:
        """A key no revision uses yet, already stored: keys are made and stored `FRESH_KEYS` at a
        time, in one synchronous commit, so an edit does not wait for a commit of its own key.
        A process keeps its own (a forked one never takes its parent's); keys left unused when a
        process ends seal nothing."""
        with self._lock:
            if self._fresh_pid != os.getpid():
                self._fresh, self._fresh_pid = [], os.getpid()
            if not self._fresh:
                fresh = [(f"revision:{uuid4()}", new_key()) for _ in range(FRESH_KEYS)]
                self.keys.store_many(fresh)
                self._fresh = fresh
            return self._fresh.pop()

    def seal(self, content: dict, comment: str) -> dict:
        """A new key for one revision, and the revision's text sealed with it."""
        key_id, key = self._new_key()
        return {"key": key_id, "sealed": seal_json(key, key_id, {"content": content, "comment": comment})}

    def open(self, text: dict | None) -> dict | None:
        """`{"content", "comment"}`, or None once the revision is suppressed."""
        if not text:
            return None
        if "plain" in text:
            return text["plain"]
        return unseal_json(self.keys.get(text["key"]), text["key"], text["sealed"])

    def open_event(self, event) -> dict | None:
        """What a revision's event says: `{"content", "comment"}` (whole content), or for events
        recorded before sealing `{"changes", "comment"}` (the changed fields); None once suppressed."""
        if getattr(event, "content", None) is not None:
            return {"content": event.content, "comment": event.comment}
        if getattr(event, "changes", None) is not None:
            return {"changes": event.changes, "comment": event.comment}
        return self.open(getattr(event, "text", None))

    def destroy(self, text: dict | None) -> None:
        if text and "key" in text:
            self.keys.destroy(text["key"])

    @staticmethod
    def is_sealed(text: dict | None) -> bool:
        return bool(text) and "key" in text
