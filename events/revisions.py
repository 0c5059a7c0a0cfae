"""The sealed text of a learning example's revisions: one key per revision in the key table.

A revision's `text` holds its whole content and its comment as ciphertext, with the id of
the key that opens it. Destroying that key (suppression) leaves the revision unreadable
for good, and no other revision depends on it.
"""

from uuid import uuid4

from .personal_data import new_key, seal_json, unseal_json


class RevisionTexts:
    def __init__(self, keys):
        self.keys = keys

    def seal(self, content: dict, comment: str) -> dict:
        """A new key for one revision, and the revision's text sealed with it."""
        key_id = f"revision:{uuid4()}"
        key = new_key()
        self.keys.store(key_id, key)
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
