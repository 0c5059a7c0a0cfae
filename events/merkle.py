"""A Merkle tree over the stored event log (RFC 9162, section 2.1), in memory and in files.

One leaf per stored row, in log order: `leaf_bytes` is the row exactly as stored, hashed as
SHA-256(0x00 ‖ leaf); inner nodes are SHA-256(0x01 ‖ left ‖ right), and a tree of n leaves
splits at the largest power of two below n. `TreeFile` keeps the tree in a folder so that a
root or a proof at any size costs O(log n) reads.
"""

import bisect
import fcntl
import hashlib
import os
from collections.abc import Callable, Iterable, Sequence

from .durability import fsync_folder

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
LEAF_PREFIX = b"lansgrupp-wiki/event/v1\n"
POSITION_SIZE = 8
FLUSH_LEAVES = 1 << 16


def leaf_bytes(position: int, originator_id: str, originator_version: int, topic: str, state: bytes) -> bytes:
    """The canonical bytes of one stored event row (`originator_id` as the UUID's canonical
    str). Topics never contain a newline: a verifier treats one as tampering, since it would
    blur the line between topic and state."""
    header = f"{position}\n{originator_id}\n{originator_version}\n{topic}\n"
    return LEAF_PREFIX + header.encode("utf-8", "surrogatepass") + state


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two below n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def fold(stack: Sequence[bytes]) -> bytes:
    """The root over a compact range: the complete subtrees of a tree, largest (leftmost) first."""
    if not stack:
        return EMPTY_ROOT
    root = stack[-1]
    for left in reversed(stack[:-1]):
        root = node_hash(left, root)
    return root


class CompactRange:
    """Leaf hashes pushed in order, kept as the O(log n) complete subtrees they form."""

    def __init__(self):
        self.size = 0
        self.stack: list[bytes] = []

    def push(self, hash_: bytes) -> None:
        stack = self.stack
        stack.append(hash_)
        self.size = size = self.size + 1
        while not size & 1:
            right = stack.pop()
            stack[-1] = hashlib.sha256(b"\x01" + stack[-1] + right).digest()
            size >>= 1

    def root(self) -> bytes:
        return fold(self.stack)


def root_of(hashes: Sequence[bytes]) -> bytes:
    """The tree hash over leaf hashes (EMPTY_ROOT for none)."""
    tree = CompactRange()
    for hash_ in hashes:
        tree.push(hash_)
    return tree.root()


# ---- proofs over any source of subtree hashes ----------------------------------------------

Subtree = Callable[[int, int], bytes]


def _audit_path(index: int, size: int, subtree: Subtree) -> list[bytes]:
    proof, low, high = [], 0, size
    while high - low > 1:
        k = _split(high - low)
        if index < low + k:
            proof.append(subtree(low + k, high))
            high = low + k
        else:
            proof.append(subtree(low, low + k))
            low += k
    return proof[::-1]


def _subproof(old_size: int, new_size: int, subtree: Subtree) -> list[bytes]:
    proof, low, high, m, whole = [], 0, new_size, old_size, True
    while True:
        n = high - low
        if m == n:
            if not whole:
                proof.append(subtree(low, high))
            return proof[::-1]
        k = _split(n)
        if m <= k:
            proof.append(subtree(low + k, high))
            high = low + k
        else:
            proof.append(subtree(low, low + k))
            low += k
            m -= k
            whole = False


def _check_inclusion_args(index: int, size: int, available: int) -> None:
    if not 0 <= index < size <= available:
        raise ValueError(f"no leaf {index} in a tree of {size} (of {available}) leaves")


def _check_consistency_args(old_size: int, new_size: int, available: int) -> None:
    if not 0 <= old_size <= new_size <= available:
        raise ValueError(f"no consistency proof from {old_size} to {new_size} (of {available}) leaves")


def inclusion_proof(hashes: Sequence[bytes], index: int, size: int) -> list[bytes]:
    """The audit path of leaf `index` in the tree of the first `size` hashes."""
    _check_inclusion_args(index, size, len(hashes))
    return _audit_path(index, size, lambda low, high: root_of(hashes[low:high]))


def consistency_proof(hashes: Sequence[bytes], old_size: int, new_size: int) -> list[bytes]:
    """The proof that the tree of `old_size` hashes is a prefix of the one of `new_size`
    (empty when old_size is 0 or equals new_size)."""
    _check_consistency_args(old_size, new_size, len(hashes))
    if old_size in (0, new_size):
        return []
    return _subproof(old_size, new_size, lambda low, high: root_of(hashes[low:high]))


def _hashes(*values) -> bool:
    return all(isinstance(value, bytes) and len(value) == HASH_SIZE for value in values)


def _sizes(*values) -> bool:
    return all(isinstance(value, int) and not isinstance(value, bool) for value in values)


def verify_inclusion(leaf_hash: bytes, index: int, size: int, proof: list[bytes], root: bytes) -> bool:
    """RFC 9162, 2.1.3.2."""
    if not (_sizes(index, size) and _hashes(leaf_hash, root, *proof)) or not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: list[bytes]) -> bool:
    """RFC 9162, 2.1.4.2; from size 0 (whose root is EMPTY_ROOT) or to the same size the proof is empty."""
    if not (_sizes(old_size, new_size) and _hashes(old_root, new_root, *proof)) or not 0 <= old_size <= new_size:
        return False
    if old_size == 0:
        return not proof and old_root == EMPTY_ROOT
    if old_size == new_size:
        return not proof and old_root == new_root
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root


# ---- the tree kept in files ----------------------------------------------------------------

class TreeFileError(RuntimeError):
    """The files are shorter than their `size` says: rebuild the tree from the log."""


class TreeFile:
    """The tree kept in a folder (e.g. <data>/audit-tree/): `level-KK` holds the hashes of the
    complete subtrees of 2**KK leaves, in order (level 0: the leaf hashes), `positions` the log
    position of each leaf (8 bytes, big-endian), and `size` the number of leaves, written last
    (fsync, then rename) so that a crash mid-append leaves the tree as it was; the next append
    cuts off what lies beyond. One writer at a time (flock on `lock`), any number of readers:
    they read `size` first and only what it covers."""

    def __init__(self, folder: str):
        self.folder = folder
        os.makedirs(folder, exist_ok=True)
        self._readers: dict[str, int] = {}

    def close(self) -> None:
        readers, self._readers = self._readers, {}
        for fd in readers.values():
            os.close(fd)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- reading ---------------------------------------------------------------------------

    def _path(self, name: str) -> str:
        return os.path.join(self.folder, name)

    @staticmethod
    def _level_name(level: int) -> str:
        return f"level-{level:02d}"

    def _pread(self, name: str, length: int, offset: int) -> bytes:
        fd = self._readers.get(name)
        if fd is None:
            try:
                fd = os.open(self._path(name), os.O_RDONLY)
            except FileNotFoundError:
                raise TreeFileError(f"{name} is missing in {self.folder}") from None
            kept = self._readers.setdefault(name, fd)
            if kept != fd:  # another thread opened it meanwhile
                os.close(fd)
                fd = kept
        data = os.pread(fd, length, offset)
        if len(data) != length:
            raise TreeFileError(f"{name} in {self.folder} is shorter than its size says")
        return data

    def _node(self, level: int, index: int) -> bytes:
        return self._pread(self._level_name(level), HASH_SIZE, index * HASH_SIZE)

    def _subtree(self, low: int, high: int) -> bytes:
        n = high - low
        if n & (n - 1) == 0 and low % n == 0:
            level = n.bit_length() - 1
            return self._node(level, low >> level)
        k = _split(n)
        return node_hash(self._subtree(low, low + k), self._subtree(low + k, high))

    def size(self) -> int:
        try:
            with open(self._path("size"), "rb") as file:
                return int(file.read())
        except FileNotFoundError:
            return 0

    def root(self, size: int | None = None) -> bytes:
        available = self.size()
        size = available if size is None else size
        if not 0 <= size <= available:
            raise ValueError(f"no tree of {size} leaves (of {available})")
        return self._subtree(0, size) if size else EMPTY_ROOT

    def leaf_hash_at(self, index: int) -> bytes:
        _check_inclusion_args(index, index + 1, self.size())
        return self._node(0, index)

    def position_of(self, index: int) -> int:
        _check_inclusion_args(index, index + 1, self.size())
        return int.from_bytes(self._pread("positions", POSITION_SIZE, index * POSITION_SIZE), "big")

    def leaf_index(self, position: int) -> int | None:
        """The index of the leaf of the row at `position`, or None."""
        size = self.size()
        positions = _Positions(self)
        index = bisect.bisect_left(positions, position, 0, size)
        return index if index < size and positions[index] == position else None

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        _check_inclusion_args(index, size, self.size())
        return _audit_path(index, size, self._subtree)

    def consistency_proof(self, old_size: int, new_size: int) -> list[bytes]:
        _check_consistency_args(old_size, new_size, self.size())
        if old_size in (0, new_size):
            return []
        return _subproof(old_size, new_size, self._subtree)

    # ---- writing ---------------------------------------------------------------------------

    def _locked(self):
        return _Lock(self._path("lock"))

    def _levels(self) -> list[str]:
        return sorted(name for name in os.listdir(self.folder) if name.startswith("level-"))

    def _cut(self, size: int) -> None:
        """Cuts every file to what `size` covers (the remains of an append that did not finish)."""
        lengths = {"positions": size * POSITION_SIZE}
        for name in self._levels():
            lengths[name] = (size >> int(name[len("level-"):])) * HASH_SIZE
        for name, length in lengths.items():
            try:
                actual = os.path.getsize(self._path(name))
            except FileNotFoundError:
                actual = 0
            if actual < length:
                raise TreeFileError(f"{name} in {self.folder} is shorter than its size says")
            if actual > length:
                os.truncate(self._path(name), length)
        if size and size.bit_length() > len(self._levels()):
            raise TreeFileError(f"a level is missing in {self.folder}")

    def _write_size(self, size: int) -> None:
        temporary = self._path("size.tmp")
        with open(temporary, "wb") as file:
            file.write(f"{size}\n".encode())
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, self._path("size"))
        fsync_folder(self.folder)

    def append(self, items: Iterable[tuple[int, bytes]]) -> int:
        """Appends (position, leaf hash) pairs in log order; returns the new size. A pair whose
        position the tree already holds (another writer was first) is skipped if its hash is the
        one kept, else refused (ValueError), like a position that is not after the last one."""
        with self._locked():
            size = self.size()
            self._cut(size)
            writer = _Writer(self, size)
            try:
                known = last = self.position_of(size - 1) if size else 0
                for position, hash_ in items:
                    if not (isinstance(position, int) and 0 < position < 1 << 63 and _hashes(hash_)):
                        raise ValueError(f"not a (position, leaf hash) pair: {position!r}, {hash_!r}")
                    if position <= last:
                        index = self.leaf_index(position) if last == known else None
                        if index is None or self.leaf_hash_at(index) != hash_:
                            raise ValueError(f"position {position} is not after {last}, nor a kept leaf")
                        continue
                    writer.add(position, hash_)
                    last = position
                new_size = writer.finish()
            finally:
                writer.close()
            if new_size != size:
                self._write_size(new_size)
            return new_size

    def reset(self) -> None:
        """Empties the tree (to rebuild it from the log)."""
        with self._locked():
            self._write_size(0)
            for name in ["positions", *self._levels()]:
                if os.path.exists(self._path(name)):
                    os.truncate(self._path(name), 0)


class _Positions:
    """The `positions` file as a sequence, for bisect."""

    def __init__(self, tree: TreeFile):
        self.tree = tree

    def __getitem__(self, index: int) -> int:
        return int.from_bytes(self.tree._pread("positions", POSITION_SIZE, index * POSITION_SIZE), "big")


class _Writer:
    """Buffers one append: the new nodes of every level, and the left nodes still waiting for
    their right sibling (at most one a level)."""

    def __init__(self, tree: TreeFile, size: int):
        self.tree = tree
        self.size = size
        self.flushed = size
        self.pending_leaves = 0
        self.counts: list[int] = []
        self.waiting: list[bytes | None] = []
        level = 0
        while size >> level:
            count = size >> level
            self.counts.append(count)
            self.waiting.append(tree._node(level, count - 1) if count & 1 else None)
            level += 1
        self.buffers: list[bytearray] = [bytearray() for _ in self.counts]
        self.positions = bytearray()
        self.fds: dict[str, int] = {}

    def add(self, position: int, hash_: bytes) -> None:
        self.positions += position.to_bytes(POSITION_SIZE, "big")
        self.pending_leaves += 1
        counts, waiting, buffers = self.counts, self.waiting, self.buffers
        level = 0
        while True:
            if level == len(counts):
                counts.append(0)
                waiting.append(None)
                buffers.append(bytearray())
            buffers[level] += hash_
            count = counts[level]
            counts[level] = count + 1
            if not count & 1:
                waiting[level] = hash_
                break
            hash_ = hashlib.sha256(b"\x01" + waiting[level] + hash_).digest()
            level += 1
        if self.pending_leaves >= FLUSH_LEAVES:
            self.flush()

    def _write(self, name: str, data: bytes | bytearray, offset: int) -> None:
        fd = self.fds.get(name)
        if fd is None:
            fd = self.fds[name] = os.open(self.tree._path(name), os.O_WRONLY | os.O_CREAT, 0o644)
        os.pwrite(fd, data, offset)

    def flush(self) -> None:
        if not self.pending_leaves:
            return
        self._write("positions", self.positions, self.flushed * POSITION_SIZE)
        self.flushed += self.pending_leaves
        for level, buffer in enumerate(self.buffers):
            if buffer:
                offset = self.counts[level] * HASH_SIZE - len(buffer)
                self._write(TreeFile._level_name(level), buffer, offset)
                buffer.clear()
        self.positions.clear()
        self.pending_leaves = 0

    def finish(self) -> int:
        self.flush()
        for fd in self.fds.values():
            os.fdatasync(fd)
        if self.flushed != self.size:
            fsync_folder(self.tree.folder)
        return self.flushed

    def close(self) -> None:
        fds, self.fds = self.fds, {}
        for fd in fds.values():
            os.close(fd)


class _Lock:
    def __init__(self, path: str):
        self.path = path

    def __enter__(self):
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)

