"""The Merkle tree over the stored log and the signed checkpoints of it, kept in a data folder.

Every stored event row, in log order, is a leaf: SHA-256(0x00 ‖ the row as canonical bytes,
ciphertext included; see `merkle.leaf_bytes`). The tree (`audit-tree/` in the data folder) is
extended as the log grows and can be rebuilt from it. A checkpoint is the C2SP
`tlog-checkpoint` of the tree (origin, size, root) in a note signed with the installation's
Ed25519 key; one is made once `every` events have been added since the last, or an hour has
passed with new events, and kept in `checkpoints.sqlite` so that readers and the Atom feed can
serve them. An outside auditor who keeps checkpoints can check, with `wiki-audit-verify` and
nothing but the log export and the public key, that the log still holds what each checkpoint
said: erasure destroys keys, never rows, so erased data still verifies.
"""

import base64
import logging
import os
import threading
import time
from datetime import datetime, timezone

from .checkpoints import NoteSigner, checkpoint_body
from .local_sqlite import LocalSQLite
from .merkle import TreeFile, leaf_bytes, leaf_hash

BATCH = 2000
DEFAULT_EVERY = 1000
HOUR = 3600.0
logger = logging.getLogger(__name__)


def row_leaf(notification) -> bytes:
    """The leaf bytes of one stored row as the store returns it."""
    return leaf_bytes(notification.id, str(notification.originator_id), notification.originator_version,
                      notification.topic, notification.state)


class AuditTree:
    """`folder`: the tree and its checkpoints (`<data>/audit-tree`); `signing_key`: the Ed25519 key
    (`checkpoints.load_or_create_key`), the same on every node of an installation."""

    def __init__(self, folder: str, recorder, origin: str, signing_key, every: int = DEFAULT_EVERY,
                 interval: float = HOUR):
        os.makedirs(folder, mode=0o700, exist_ok=True)
        self.recorder = recorder
        self.origin = origin
        self.every = max(1, every)
        self.interval = interval
        self.tree = TreeFile(os.path.join(folder, "tree"))
        self.signer = NoteSigner(origin, signing_key)
        self._sqlite = LocalSQLite(os.path.join(folder, "checkpoints.sqlite"))
        self._sqlite.connection().execute(
            "CREATE TABLE IF NOT EXISTS checkpoints (size INTEGER PRIMARY KEY, root BLOB NOT NULL, "
            "note TEXT NOT NULL, at TEXT NOT NULL)")
        self._lock = threading.Lock()
        self._latest: dict | None = None

    def close(self) -> None:
        self.tree.close()
        self._sqlite.close()

    # ---- extending the tree and checkpointing ------------------------------------------------

    def last_position(self) -> int:
        size = self.tree.size()
        return self.tree.position_of(size - 1) if size else 0

    def update(self, head: int | None = None) -> int:
        """Adds the rows stored since the tree's last leaf (up to at least `head`), then makes a
        checkpoint if one is due; returns the tree's size. A row the store cannot return stops the
        tree there (the hash chain's verify names it); reads go on."""
        if head is None:
            head = self.recorder.max_notification_id() or 0
        if head > self.last_position():
            with self._lock:
                position = self.last_position()
                try:
                    while position < head:
                        rows = self.recorder.select_notifications(start=position, limit=BATCH,
                                                                  inclusive_of_start=False)
                        if not rows:
                            break
                        self.tree.append([(row.id, leaf_hash(row_leaf(row))) for row in rows])
                        position = rows[-1].id
                except Exception:  # noqa: BLE001 - a malformed row: the tree waits, the chain reports it
                    logger.exception("audit tree: cannot extend after position %s", position)
        size = self.tree.size()
        if self._due(size):
            with self._lock:
                self._latest = None
                if self._due(size):
                    self.checkpoint(size)
        return size

    def _due(self, size: int) -> bool:
        if self._latest is None:
            self._latest = self.latest() or {"size": -1, "at": "1970-01-01T00:00:00Z"}
        latest = self._latest
        if size <= latest["size"]:
            return False
        if latest["size"] < 0 or size - latest["size"] >= self.every:
            return True
        at = datetime.fromisoformat(latest["at"].replace("Z", "+00:00")).timestamp()
        return time.time() - at >= self.interval

    def checkpoint(self, size: int | None = None) -> dict:
        """Signs and keeps a checkpoint of the tree at `size` (now, by default)."""
        size = self.tree.size() if size is None else size
        root = self.tree.root(size)
        note = self.signer.sign(checkpoint_body(self.origin, size, root))
        at = datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
        self._sqlite.connection().execute("INSERT OR IGNORE INTO checkpoints VALUES (?, ?, ?, ?)",
                                          (size, root, note, at))
        self._latest = {"size": size, "root": root.hex(), "note": note, "at": at}
        return self._latest

    # ---- reading -----------------------------------------------------------------------------

    def latest(self) -> dict | None:
        row = self._sqlite.connection().execute(
            "SELECT size, root, note, at FROM checkpoints ORDER BY size DESC LIMIT 1").fetchone()
        return _checkpoint(row) if row else None

    def checkpoints(self, limit: int = 50) -> list[dict]:
        rows = self._sqlite.connection().execute(
            "SELECT size, root, note, at FROM checkpoints ORDER BY size DESC LIMIT ?", (limit,)).fetchall()
        return [_checkpoint(row) for row in rows]

    def public_key(self) -> dict:
        return {"algorithm": "ed25519", "key": base64.b64encode(self.signer.public_key_bytes).decode(),
                "vkey": self.signer.vkey()}

    def leaf(self, position: int) -> dict | None:
        """The stored row at `position` as the tree hashes it, or None when the tree has no such leaf."""
        index = self.tree.leaf_index(position)
        if index is None:
            return None
        rows = self.recorder.select_notifications(start=position, limit=1)
        if not rows or rows[0].id != position:
            return None
        leaf = row_leaf(rows[0])
        return {"position": position, "leaf_index": index, "leaf": base64.b64encode(leaf).decode(),
                "leaf_hash": leaf_hash(leaf).hex()}

    def inclusion(self, position: int, tree_size: int) -> dict | None:
        """RFC 9162 inclusion proof of the leaf at `position` in the tree of `tree_size` leaves."""
        index = self.tree.leaf_index(position)
        if index is None or index >= tree_size:
            return None
        return {"leaf_index": index, "tree_size": tree_size,
                "hashes": [h.hex() for h in self.tree.inclusion_proof(index, tree_size)]}

    def consistency(self, old_size: int, new_size: int) -> dict:
        return {"from": old_size, "to": new_size,
                "hashes": [h.hex() for h in self.tree.consistency_proof(old_size, new_size)]}


def _checkpoint(row) -> dict:
    size, root, note, at = row
    return {"size": size, "root": bytes(root).hex(), "note": note, "at": at}


