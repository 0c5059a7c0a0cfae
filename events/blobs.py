"""Attachments' bytes: a content-addressed store, each file encrypted under a key of its own.

A file is named by the SHA-256 of its plaintext and sealed with AES-256-GCM under the key
`file:<sha>` in the key table (`file_key`). It is stored in independent chunks of `CHUNK`
bytes of plaintext, so a byte range is read by decrypting only its chunks. Chunk `i` is
`nonce + ciphertext` with associated data `<sha>:<i>:last|more`: a chunk moved to another
place or another file, or a file cut short, fails to open (`BlobCorrupt`). A file's derived
objects (a thumbnail, its extracted text) are sealed with the same key, bound to their kind.
Destroying the key makes every copy unreadable; `destroy` also removes the stored bytes.

With the embedded store the chunks are a file in `<data>/blobs/<sha[:2]>/<sha>` (fixed-size
records, so a chunk's offset is computed); with PostgreSQL they are rows beside the log.
"""

import hashlib
import io
import os
import re
import secrets
import sqlite3
import time
from contextlib import suppress
from typing import BinaryIO, Callable, Iterator

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .durability import fsync_folder
from .personal_data import new_key

CHUNK = 64 * 1024
NONCE = 12
TAG = 16
RECORD = NONCE + CHUNK + TAG  # a full chunk as stored
STALE_TMP_SECONDS = 24 * 3600

_SHA = re.compile(r"[0-9a-f]{64}")
_KIND = re.compile(r"[a-z][a-z0-9_]{0,31}")


class BlobCorrupt(Exception):
    """Stored bytes that do not open with the file's key where they are (tampered, moved, cut short)."""


class BlobMissing(KeyError):
    """No blob with this SHA-256 is stored."""


def is_sha(sha) -> bool:
    return isinstance(sha, str) and _SHA.fullmatch(sha) is not None


def _check_sha(sha) -> None:
    if not is_sha(sha):
        raise ValueError("a blob is named by the lower-case hex SHA-256 of its content")


def _check_kind(kind) -> None:
    if not isinstance(kind, str) or not _KIND.fullmatch(kind):
        raise ValueError("a derived object's kind is a short lower-case name")


def _duplicate_key(error: Exception) -> bool:
    """Whether `error` is the unique violation of a key inserted concurrently."""
    from eventsourcing.persistence import IntegrityError
    if isinstance(error, (sqlite3.IntegrityError, IntegrityError)):
        return True
    with suppress(ImportError):
        from psycopg.errors import UniqueViolation
        return isinstance(error, UniqueViolation) or isinstance(error.__cause__, UniqueViolation)
    return False


def file_key(keys, sha: str, create: bool = True) -> bytes | None:
    """The file's key (`file:<sha>`) in the key table: the stored one, else a new one stored when
    `create` (two processes creating it at once end with the same key), else None."""
    _check_sha(sha)
    key_id = f"file:{sha}"
    key = keys.get(key_id)
    if key is not None or not create:
        return key
    key = new_key()
    try:
        keys.store(key_id, key)
    except Exception as error:
        if not _duplicate_key(error):
            raise
        return keys.get(key_id)
    return key


def chunk_count(size: int) -> int:
    return -(-size // CHUNK)


def _aad(sha: str, index: int, final: bool) -> bytes:
    return f"{sha}:{index}:{'last' if final else 'more'}".encode()


def _seal(aead: AESGCM, data: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE)
    return nonce + aead.encrypt(nonce, data, aad)


def _open(aead: AESGCM, record: bytes, aad: bytes, what: str) -> bytes:
    if len(record) < NONCE + TAG:
        raise BlobCorrupt(what)
    try:
        return aead.decrypt(record[:NONCE], record[NONCE:], aad)
    except InvalidTag:
        raise BlobCorrupt(what) from None


def _read_full(source: BinaryIO, size: int) -> bytes:
    """Up to `size` bytes, fewer only at the end (a stream may return short reads)."""
    data = source.read(size) or b""
    if len(data) == size or not data:
        return data
    parts = [data]
    missing = size - len(data)
    while missing:
        more = source.read(missing)
        if not more:
            break
        parts.append(more)
        missing -= len(more)
    return b"".join(parts)


def _check_digest(source: BinaryIO, sha: str) -> None:
    digest = hashlib.sha256()
    while data := source.read(CHUNK):
        digest.update(data)
    if digest.hexdigest() != sha:
        raise ValueError("the content does not match its SHA-256")


def _sealed_chunks(sha: str, source: BinaryIO, key: bytes) -> Iterator[tuple[int, bytes, int]]:
    """(index, stored record, plaintext length) of each chunk of `source`, read and sealed one at a
    time. Raises ValueError, before yielding the last chunk, if the content's SHA-256 is not `sha`."""
    aead = AESGCM(key)
    digest = hashlib.sha256()
    current = _read_full(source, CHUNK)
    if not current:
        raise ValueError("an empty file is not stored")
    index = 0
    while current:
        digest.update(current)
        following = _read_full(source, CHUNK)
        final = not following
        if final and digest.hexdigest() != sha:
            raise ValueError("the content does not match its SHA-256")
        yield index, _seal(aead, current, _aad(sha, index, final)), len(current)
        current, index = following, index + 1


class BlobReader(io.RawIOBase):
    """A stored file's plaintext, readable and seekable; decrypts only the chunks read (the last
    one is kept). `read_record(i)` gives chunk i as stored."""

    def __init__(self, sha: str, key: bytes, size: int, read_record: Callable[[int], bytes],
                 on_close: Callable[[], None] | None = None):
        super().__init__()
        self.sha = sha
        self.size = size
        self._aead = AESGCM(key)
        self._chunks = chunk_count(size)
        self._read_record = read_record
        self._on_close = on_close
        self._position = 0
        self._cached: tuple[int, bytes] = (-1, b"")

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def _check_open(self) -> None:
        if self.closed:
            raise ValueError("I/O operation on closed blob")

    def tell(self) -> int:
        self._check_open()
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self._check_open()
        if whence == io.SEEK_SET:
            position = offset
        elif whence == io.SEEK_CUR:
            position = self._position + offset
        elif whence == io.SEEK_END:
            position = self.size + offset
        else:
            raise ValueError(f"invalid whence ({whence})")
        if position < 0:
            raise ValueError("negative seek position")
        self._position = position
        return position

    def _chunk(self, index: int) -> bytes:
        if self._cached[0] != index:
            final = index == self._chunks - 1
            plain = _open(self._aead, self._read_record(index), _aad(self.sha, index, final),
                          f"{self.sha} chunk {index}")
            if len(plain) != (self.size - index * CHUNK if final else CHUNK):
                raise BlobCorrupt(f"{self.sha} chunk {index}")
            self._cached = (index, plain)
        return self._cached[1]

    def readinto(self, buffer) -> int:
        self._check_open()
        view = memoryview(buffer).cast("B")
        done = 0
        while done < len(view) and self._position < self.size:
            index, start = divmod(self._position, CHUNK)
            plain = self._chunk(index)
            count = min(len(view) - done, len(plain) - start)
            view[done:done + count] = plain[start:start + count]
            done += count
            self._position += count
        return done

    def readall(self) -> bytes:
        return self.read(max(self.size - self.tell(), 0))

    def close(self) -> None:
        if self.closed:
            return
        try:
            if self._on_close is not None:
                self._on_close()
        finally:
            self._cached = (-1, b"")
            super().close()


class BlobStore:
    """What both stores do; blobs are named by their SHA-256 (lower-case hex). A malformed name is
    never stored: `exists` says False, `size`/`open` raise BlobMissing, `put` raises ValueError."""

    def create_tables(self) -> None:
        """Creates what the store needs (safe to run again)."""

    def put(self, sha: str, source: BinaryIO, key: bytes) -> bool:
        """Stores `source` (read from where it is, in CHUNK pieces) encrypted under `key`, all or
        nothing; True if stored now, False if it was stored already. ValueError if the content's
        SHA-256 is not `sha` (nothing is stored) or it is empty."""
        raise NotImplementedError

    def exists(self, sha: str) -> bool:
        raise NotImplementedError

    def size(self, sha: str) -> int:
        """The plaintext's size; BlobMissing if absent."""
        raise NotImplementedError

    def open(self, sha: str, key: bytes) -> BlobReader:
        """A reader of the plaintext; BlobMissing if absent."""
        raise NotImplementedError

    def put_derived(self, sha: str, kind: str, data: bytes, key: bytes) -> None:
        """Stores (or replaces) the file's derived object of this kind, sealed under the file's key."""
        raise NotImplementedError

    def get_derived(self, sha: str, kind: str, key: bytes) -> bytes | None:
        raise NotImplementedError

    def destroy(self, sha: str) -> None:
        """Removes the blob and its derived objects (nothing if absent)."""
        raise NotImplementedError

    def shas(self) -> list[str]:
        """Every stored blob, sorted."""
        raise NotImplementedError

    @staticmethod
    def _seal_derived(sha: str, kind: str, data: bytes, key: bytes) -> bytes:
        _check_sha(sha)
        _check_kind(kind)
        return _seal(AESGCM(key), bytes(data), f"{sha}:{kind}".encode())

    @staticmethod
    def _open_derived(sha: str, kind: str, sealed: bytes, key: bytes) -> bytes:
        return _open(AESGCM(key), sealed, f"{sha}:{kind}".encode(), f"{sha}.{kind}")


def _plain_size(stored: int, sha: str) -> int:
    full, rest = divmod(stored, RECORD)
    if rest == 0 and full:
        return full * CHUNK
    if rest <= NONCE + TAG:
        raise BlobCorrupt(f"{sha}: {stored} bytes is no whole number of chunks")
    return full * CHUNK + rest - NONCE - TAG


class FileBlobStore(BlobStore):
    """Blobs as files `<folder>/<sha[:2]>/<sha>` (chunk records back to back), derived objects
    beside them as `<sha>.<kind>`; written to `<folder>/tmp/` first, fsynced and renamed."""

    def __init__(self, folder: str):
        self.folder = folder
        self._tmp = os.path.join(folder, "tmp")
        os.makedirs(self._tmp, mode=0o700, exist_ok=True)
        self._clear_stale_tmp()

    def _clear_stale_tmp(self) -> None:
        """Removes what writers killed long ago left in tmp/ (a running writer's file is recent)."""
        limit = time.time() - STALE_TMP_SECONDS
        for entry in os.scandir(self._tmp):
            with suppress(FileNotFoundError):
                if entry.stat().st_mtime < limit:
                    os.unlink(entry.path)

    def _path(self, sha: str, kind: str | None = None) -> str:
        return os.path.join(self.folder, sha[:2], sha if kind is None else f"{sha}.{kind}")

    def _write(self, path: str, records) -> None:
        temporary = os.path.join(self._tmp, secrets.token_hex(16))
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as out:
                for record in records:
                    out.write(record)
                out.flush()
                os.fsync(out.fileno())
            folder = os.path.dirname(path)
            os.makedirs(folder, mode=0o700, exist_ok=True)
            os.replace(temporary, path)
        except BaseException:
            with suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        fsync_folder(folder)

    def put(self, sha: str, source: BinaryIO, key: bytes) -> bool:
        _check_sha(sha)
        if self.exists(sha):
            _check_digest(source, sha)
            return False
        self._write(self._path(sha), (record for _, record, _ in _sealed_chunks(sha, source, key)))
        return True

    def exists(self, sha: str) -> bool:
        return is_sha(sha) and os.path.isfile(self._path(sha))

    def size(self, sha: str) -> int:
        if not is_sha(sha):
            raise BlobMissing(sha)
        try:
            return _plain_size(os.stat(self._path(sha)).st_size, sha)
        except FileNotFoundError:
            raise BlobMissing(sha) from None

    def open(self, sha: str, key: bytes) -> BlobReader:
        if not is_sha(sha):
            raise BlobMissing(sha)
        try:
            descriptor = os.open(self._path(sha), os.O_RDONLY)
        except FileNotFoundError:
            raise BlobMissing(sha) from None
        try:
            size = _plain_size(os.fstat(descriptor).st_size, sha)
            return BlobReader(sha, key, size, lambda index: os.pread(descriptor, RECORD, index * RECORD),
                              on_close=lambda: os.close(descriptor))
        except BaseException:
            os.close(descriptor)
            raise

    def put_derived(self, sha: str, kind: str, data: bytes, key: bytes) -> None:
        self._write(self._path(sha, kind), [self._seal_derived(sha, kind, data, key)])

    def get_derived(self, sha: str, kind: str, key: bytes) -> bytes | None:
        _check_kind(kind)
        if not is_sha(sha):
            return None
        try:
            with open(self._path(sha, kind), "rb") as stored:
                sealed = stored.read()
        except FileNotFoundError:
            return None
        return self._open_derived(sha, kind, sealed, key)

    def destroy(self, sha: str) -> None:
        if not is_sha(sha):
            return
        folder = os.path.dirname(self._path(sha))
        try:
            names = os.listdir(folder)
        except FileNotFoundError:
            return
        for name in names:
            if name == sha or name.startswith(sha + "."):
                with suppress(FileNotFoundError):
                    os.unlink(os.path.join(folder, name))
        fsync_folder(folder)

    def shas(self) -> list[str]:
        found = []
        for prefix in os.listdir(self.folder):
            folder = os.path.join(self.folder, prefix)
            if len(prefix) == 2 and os.path.isdir(folder):
                found += [name for name in os.listdir(folder) if is_sha(name) and name[:2] == prefix]
        return sorted(found)


class PostgresBlobStore(BlobStore):
    """Blobs as rows beside the PostgreSQL log: `blobs` (size, chunk count; written last, so a blob
    is there once its row is), `blob_chunks` (one row per chunk) and `blob_derived`."""

    TABLES = ("blobs", "blob_chunks", "blob_derived")

    def __init__(self, datastore):
        from psycopg import sql
        self._datastore = datastore
        self._sql = sql
        self._tables = {name: sql.Identifier(datastore.schema, name) for name in self.TABLES}

    def _statement(self, statement: str):
        return self._sql.SQL(statement).format(**self._tables)

    def _rows(self, statement: str, params=()) -> list[dict]:
        with self._datastore.transaction(commit=True) as cursor:
            cursor.execute(self._statement(statement), params)
            return cursor.fetchall()

    def _run(self, statement: str, params=()) -> None:
        with self._datastore.transaction(commit=True) as cursor:
            cursor.execute(self._statement(statement), params)

    def create_tables(self) -> None:
        """Creates the tables unless they exist (checked first, so processes that start together
        on a store with tables never race on CREATE)."""
        present = self._rows("SELECT count(*) AS n FROM pg_tables WHERE schemaname=%s AND tablename = ANY(%s)",
                             (self._datastore.schema, list(self.TABLES)))
        if present[0]["n"] == len(self.TABLES):
            return
        with self._datastore.transaction(commit=True) as cursor:
            for statement in (
                "CREATE TABLE IF NOT EXISTS {blobs} (sha TEXT PRIMARY KEY, size BIGINT NOT NULL, chunks INT NOT NULL)",
                "CREATE TABLE IF NOT EXISTS {blob_chunks} (sha TEXT NOT NULL, n INT NOT NULL, data BYTEA NOT NULL,"
                " PRIMARY KEY (sha, n))",
                "CREATE TABLE IF NOT EXISTS {blob_derived} (sha TEXT NOT NULL, kind TEXT NOT NULL,"
                " data BYTEA NOT NULL, PRIMARY KEY (sha, kind))",
            ):
                cursor.execute(self._statement(statement))

    def put(self, sha: str, source: BinaryIO, key: bytes) -> bool:
        _check_sha(sha)
        if self.exists(sha):
            _check_digest(source, sha)
            return False
        insert_chunk = self._statement("INSERT INTO {blob_chunks} (sha, n, data) VALUES (%s, %s, %s)"
                                       " ON CONFLICT (sha, n) DO UPDATE SET data = EXCLUDED.data")
        size = chunks = 0
        with self._datastore.transaction(commit=True) as cursor:
            for index, record, length in _sealed_chunks(sha, source, key):
                cursor.execute(insert_chunk, (sha, index, record))
                size, chunks = size + length, chunks + 1
            cursor.execute(self._statement("INSERT INTO {blobs} (sha, size, chunks) VALUES (%s, %s, %s)"
                                           " ON CONFLICT (sha) DO NOTHING"), (sha, size, chunks))
            return cursor.rowcount == 1

    def exists(self, sha: str) -> bool:
        return is_sha(sha) and bool(self._rows("SELECT 1 FROM {blobs} WHERE sha=%s", (sha,)))

    def _entry(self, sha: str) -> dict:
        rows = self._rows("SELECT size, chunks FROM {blobs} WHERE sha=%s", (sha,)) if is_sha(sha) else []
        if not rows:
            raise BlobMissing(sha)
        return rows[0]

    def size(self, sha: str) -> int:
        return self._entry(sha)["size"]

    def open(self, sha: str, key: bytes) -> BlobReader:
        entry = self._entry(sha)
        if entry["chunks"] != chunk_count(entry["size"]):
            raise BlobCorrupt(f"{sha}: {entry['chunks']} chunks for {entry['size']} bytes")

        def read_record(index: int) -> bytes:
            rows = self._rows("SELECT data FROM {blob_chunks} WHERE sha=%s AND n=%s", (sha, index))
            if not rows:
                raise BlobCorrupt(f"{sha} chunk {index} is missing")
            return bytes(rows[0]["data"])

        return BlobReader(sha, key, entry["size"], read_record)

    def put_derived(self, sha: str, kind: str, data: bytes, key: bytes) -> None:
        self._run("INSERT INTO {blob_derived} (sha, kind, data) VALUES (%s, %s, %s)"
                  " ON CONFLICT (sha, kind) DO UPDATE SET data = EXCLUDED.data",
                  (sha, kind, self._seal_derived(sha, kind, data, key)))

    def get_derived(self, sha: str, kind: str, key: bytes) -> bytes | None:
        _check_kind(kind)
        if not is_sha(sha):
            return None
        rows = self._rows("SELECT data FROM {blob_derived} WHERE sha=%s AND kind=%s", (sha, kind))
        return self._open_derived(sha, kind, bytes(rows[0]["data"]), key) if rows else None

    def destroy(self, sha: str) -> None:
        """Deletes the rows, then rewrites the three tables (VACUUM FULL, which locks them while it
        runs) so that the bytes leave the table files; run even when nothing was left, so a destroy
        that crashed before its VACUUM is finished by the next."""
        if not is_sha(sha):
            return
        with self._datastore.transaction(commit=True) as cursor:
            for table in self.TABLES:
                cursor.execute(self._sql.SQL("DELETE FROM {} WHERE sha=%s").format(self._tables[table]), (sha,))
        with self._datastore.get_connection() as connection:  # autocommit: VACUUM FULL rewrites the files
            for table in self.TABLES:
                connection.execute(self._sql.SQL("VACUUM FULL {}").format(self._tables[table]))

    def shas(self) -> list[str]:
        return [row["sha"] for row in self._rows("SELECT sha FROM {blobs} ORDER BY sha")]


def open_blob_store(datastore, data_dir: str | None) -> BlobStore:
    """The blob store beside the event store: PostgreSQL's when `datastore` is a PostgresDatastore
    (the recorder's; call `create_tables()` where tables are created), else files in
    `<data_dir>/blobs`."""
    from eventsourcing.postgres import PostgresDatastore
    if isinstance(datastore, PostgresDatastore):
        return PostgresBlobStore(datastore)
    return FileBlobStore(os.path.join(data_dir, "blobs"))
