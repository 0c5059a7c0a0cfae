"""The list of destroyed keys, kept where a restore can see it.

Erasing a person, an account's address, a revision's text or a file destroys a key. A backup made
before that still holds the key; restoring it would bring the data back. So every destroyed key's
id (never the key, never a name) is appended to a ledger file, by default in the data folder and
copied into every backup, better on other storage (`WIKI_ERASURE_LEDGER`). A restore destroys every
key that the backup's ledger and the ledgers it is given list.
"""

import json
import os
from datetime import datetime, timezone


class ErasureLedger:
    def __init__(self, path: str):
        self.path = path

    def record(self, key_ids) -> None:
        at = datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
        lines = "".join(json.dumps({"key": key_id, "at": at}) + "\n" for key_id in key_ids)
        if not lines:
            return
        folder = os.path.dirname(os.path.abspath(self.path))
        os.makedirs(folder, exist_ok=True)
        handle = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(handle, lines.encode())
            os.fsync(handle)
        finally:
            os.close(handle)

    def key_ids(self) -> set[str]:
        return read_ledger(self.path)


def read_ledger(path: str) -> set[str]:
    """The key ids a ledger lists (a line cut short by a crash is skipped)."""
    found: set[str] = set()
    try:
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                try:
                    key_id = json.loads(line).get("key")
                except (ValueError, AttributeError):
                    continue
                if isinstance(key_id, str):
                    found.add(key_id)
    except FileNotFoundError:
        pass
    return found
