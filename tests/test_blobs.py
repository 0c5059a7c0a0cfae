"""The encrypted, content-addressed blob store (events/blobs.py) on its real stores: files in a
temporary folder, and PostgreSQL rows when WIKI_TEST_POSTGRES is set."""

import hashlib
import io
import os
import random
import threading
import tracemalloc
from pathlib import Path

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response
from werkzeug.wsgi import wrap_file

from events.application import store_environment
from events.blobs import (
    CHUNK, RECORD, BlobCorrupt, BlobMissing, FileBlobStore, PostgresBlobStore, file_key, open_blob_store,
)
from events.personal_data import PostgresPersonKeys, SQLitePersonKeys, new_key
from stores import POSTGRES, store_for

file_only = pytest.mark.store_independent
STORES = [pytest.param("file", marks=file_only),
          pytest.param("postgres", marks=pytest.mark.skipif(not POSTGRES, reason="needs WIKI_TEST_POSTGRES"))]


def postgres_datastore(folder):
    from eventsourcing.postgres import PostgresDatastore
    env = store_environment(str(folder), store_for(folder))
    return PostgresDatastore(env["POSTGRES_DBNAME"], env["POSTGRES_HOST"], env["POSTGRES_PORT"],
                             env["POSTGRES_USER"], env["POSTGRES_PASSWORD"], schema=env["POSTGRES_SCHEMA"])


class Stored:
    """A blob store and a way to look at (and tamper with) what it stored."""

    def __init__(self, kind, folder):
        self.kind = kind
        self.folder = folder
        self.datastore = postgres_datastore(folder) if kind == "postgres" else None
        self.store = open_blob_store(self.datastore, str(folder))
        self.store.create_tables()

    def sql(self, statement, params=()):
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(statement.replace("{s}", self.datastore.schema), params)
            return cursor.fetchall() if cursor.description else None

    def files(self):
        return sorted(p for p in (self.folder / "blobs").rglob("*") if p.is_file())

    def everything(self) -> bytes:
        """Every stored byte."""
        if self.kind == "file":
            return b"".join(p.read_bytes() for p in self.files())
        rows = self.sql("SELECT data FROM {s}.blob_chunks") + self.sql("SELECT data FROM {s}.blob_derived")
        return b"".join(bytes(row["data"]) for row in rows)

    def records(self, sha) -> list[bytes]:
        if self.kind == "file":
            data = (self.folder / "blobs" / sha[:2] / sha).read_bytes()
            return [data[i:i + RECORD] for i in range(0, len(data), RECORD)]
        return [bytes(r["data"]) for r in self.sql("SELECT data FROM {s}.blob_chunks WHERE sha=%s ORDER BY n", (sha,))]

    def write_records(self, sha, records):
        if self.kind == "file":
            (self.folder / "blobs" / sha[:2] / sha).write_bytes(b"".join(records))
            return
        self.sql("DELETE FROM {s}.blob_chunks WHERE sha=%s", (sha,))
        for n, record in enumerate(records):
            self.sql("INSERT INTO {s}.blob_chunks (sha, n, data) VALUES (%s, %s, %s)", (sha, n, record))
        if len(records) != len(self.records(sha)):
            raise AssertionError("rows not written")

    def rows(self, sha) -> int:
        return sum(self.sql(f"SELECT count(*) AS n FROM {{s}}.{table} WHERE sha=%s", (sha,))[0]["n"]
                   for table in ("blobs", "blob_chunks", "blob_derived"))

    def close(self):
        if self.datastore is not None:
            self.datastore.close()


@pytest.fixture(params=STORES)
def stored(request, tmp_path):
    s = Stored(request.param, tmp_path)
    yield s
    s.close()


def content(size, seed=1) -> bytes:
    return random.Random(seed).randbytes(size)


def put(store, data, key):
    sha = hashlib.sha256(data).hexdigest()
    assert store.put(sha, io.BytesIO(data), key) is True
    return sha


@pytest.mark.parametrize("size", [1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5])
def test_round_trip(stored, size):
    data, key = content(size), new_key()
    sha = put(stored.store, data, key)
    assert stored.store.exists(sha) and stored.store.size(sha) == size
    assert stored.store.shas() == [sha]
    with stored.store.open(sha, key) as reader:
        assert reader.size == size and reader.readable() and reader.seekable()
        assert reader.read() == data
        assert reader.read() == b""
    assert reader.closed


def test_put_twice_stores_once(stored):
    data, key = content(2 * CHUNK + 7), new_key()
    sha = put(stored.store, data, key)
    before = stored.everything()
    assert stored.store.put(sha, io.BytesIO(data), key) is False
    assert stored.everything() == before  # not written again
    assert stored.store.shas() == [sha]
    with pytest.raises(ValueError):  # already stored, but the content is still checked
        stored.store.put(sha, io.BytesIO(data + b"x"), key)


def test_content_that_does_not_match_its_sha_is_refused(stored):
    data, key = content(3 * CHUNK + 5), new_key()
    wrong = hashlib.sha256(b"something else").hexdigest()
    with pytest.raises(ValueError):
        stored.store.put(wrong, io.BytesIO(data), key)
    with pytest.raises(ValueError):  # a file of 0 bytes is never stored
        stored.store.put(hashlib.sha256(b"").hexdigest(), io.BytesIO(b""), key)
    with pytest.raises(ValueError):
        stored.store.put("../../etc/passwd", io.BytesIO(data), key)
    assert not stored.store.exists(wrong) and stored.store.shas() == []
    assert stored.everything() == b""
    if stored.kind == "postgres":
        assert stored.rows(wrong) == 0
    with pytest.raises(BlobMissing):
        stored.store.size(wrong)
    with pytest.raises(BlobMissing):
        stored.store.open("not-a-sha", key)


def test_random_ranges_read_the_plaintext(stored):
    data, key = content(3 * CHUNK + 5, seed=7), new_key()
    sha = put(stored.store, data, key)
    rng = random.Random(3)
    with stored.store.open(sha, key) as reader:
        assert reader.seek(0, io.SEEK_END) == len(data) and reader.tell() == len(data)
        assert reader.read(10) == b""
        for _ in range(60):
            start = rng.randrange(len(data))
            length = rng.choice([1, 17, CHUNK - 1, CHUNK, CHUNK + 3, 2 * CHUNK + 9, len(data)])
            assert reader.seek(start) == start
            assert reader.read(length) == data[start:start + length]
            assert reader.tell() == min(start + length, len(data))
        reader.seek(CHUNK - 2)
        assert reader.seek(3, io.SEEK_CUR) == CHUNK + 1
        assert reader.read(4) == data[CHUNK + 1:CHUNK + 5]
        assert reader.seek(-5, io.SEEK_END) == len(data) - 5 and reader.read() == data[-5:]
        buffer = bytearray(CHUNK + 10)
        reader.seek(CHUNK - 5)
        assert reader.readinto(buffer) == len(buffer) and bytes(buffer) == data[CHUNK - 5:2 * CHUNK + 5]
        with pytest.raises(ValueError):
            reader.seek(-1)
    with pytest.raises(ValueError):
        reader.read(1)
    with io.BufferedReader(stored.store.open(sha, key)) as buffered:
        buffered.seek(2 * CHUNK + 100)
        assert buffered.read(50) == data[2 * CHUNK + 100:2 * CHUNK + 150]


def test_http_range_requests_through_werkzeug(stored):
    data, key = content(3 * CHUNK + 5, seed=9), new_key()
    sha = put(stored.store, data, key)
    for header, status, body in [("bytes=70000-70099", 206, data[70000:70100]),
                                 (f"bytes=-{CHUNK + 2}", 206, data[-(CHUNK + 2):]),
                                 (None, 200, data)]:
        builder = EnvironBuilder(headers={"Range": header} if header else {})
        environ = builder.get_environ()
        reader = stored.store.open(sha, key)
        response = Response(wrap_file(environ, reader), direct_passthrough=True, mimetype="application/octet-stream")
        response.make_conditional(Request(environ), accept_ranges=True, complete_length=reader.size)
        assert response.status_code == status
        assert b"".join(response.response) == body
        response.close()
        assert reader.closed


def test_a_tampered_chunk_is_corrupt(stored):
    data, key = content(3 * CHUNK + 5), new_key()
    sha = put(stored.store, data, key)
    records = stored.records(sha)
    assert len(records) == 4
    flipped = bytearray(records[1])
    flipped[100] ^= 1
    stored.write_records(sha, [records[0], bytes(flipped), *records[2:]])
    with stored.store.open(sha, key) as reader:
        assert reader.read(CHUNK) == data[:CHUNK]  # the other chunks still open
        reader.seek(3 * CHUNK)
        assert reader.read() == data[3 * CHUNK:]
        reader.seek(CHUNK + 10)
        with pytest.raises(BlobCorrupt):
            reader.read(5)
    with stored.store.open(sha, new_key()) as reader, pytest.raises(BlobCorrupt):  # the wrong key
        reader.read(1)


def test_swapped_moved_or_missing_chunks_are_corrupt(stored):
    data, key = content(3 * CHUNK + 5), new_key()
    sha = put(stored.store, data, key)
    records = stored.records(sha)
    stored.write_records(sha, [records[1], records[0], *records[2:]])
    with stored.store.open(sha, key) as reader, pytest.raises(BlobCorrupt):
        reader.read(1)
    stored.write_records(sha, records)
    with stored.store.open(sha, key) as reader:
        assert reader.read() == data
    other = content(3 * CHUNK + 5, seed=2)  # a chunk of another file under the same key
    other_sha = put(stored.store, other, key)
    stored.write_records(sha, [stored.records(other_sha)[0], *records[1:]])
    with stored.store.open(sha, key) as reader, pytest.raises(BlobCorrupt):
        reader.read(1)


@file_only
def test_a_file_cut_short_is_corrupt(tmp_path):
    store, key = FileBlobStore(str(tmp_path / "blobs")), new_key()
    data = content(3 * CHUNK)
    sha = put(store, data, key)
    path = tmp_path / "blobs" / sha[:2] / sha
    path.write_bytes(path.read_bytes()[:2 * RECORD])  # whole records: the new last one says "more"
    assert store.size(sha) == 2 * CHUNK
    with store.open(sha, key) as reader:
        assert reader.read(CHUNK) == data[:CHUNK]
        with pytest.raises(BlobCorrupt):
            reader.read(1)
    path.write_bytes(path.read_bytes()[:RECORD + 20])  # not a whole record
    with pytest.raises(BlobCorrupt):
        store.size(sha)


def test_destroy_leaves_nothing(stored):
    key, other_key = new_key(), new_key()
    data = b"Hemlig bilaga om en namngiven person. " * 5000
    sha = put(stored.store, data, key)
    stored.store.put_derived(sha, "text", b'{"text": "Hemlig text"}', key)
    stored.store.put_derived(sha, "thumb", b"\x89PNG-thumbnail", key)
    kept = content(CHUNK + 1, seed=5)
    kept_sha = put(stored.store, kept, other_key)
    stored.store.put_derived(kept_sha, "text", b"kvar", other_key)
    ciphertexts = [record[40:80] for record in stored.records(sha)]
    if stored.kind == "postgres":
        filenode = stored.sql("SELECT pg_relation_filenode('{s}.blob_chunks') AS f")[0]["f"]
    stored.store.destroy(sha)
    assert not stored.store.exists(sha) and stored.store.shas() == [kept_sha]
    with pytest.raises(BlobMissing):
        stored.store.size(sha)
    with pytest.raises(BlobMissing):
        stored.store.open(sha, key)
    assert stored.store.get_derived(sha, "text", key) is None and stored.store.get_derived(sha, "thumb", key) is None
    everything = stored.everything()
    for needle in [data[:64], b"Hemlig", *ciphertexts]:
        assert needle not in everything
    if stored.kind == "file":
        scanned = b"".join(p.read_bytes() for p in Path(stored.folder).rglob("*") if p.is_file())
        assert all(needle not in scanned for needle in [b"Hemlig", *ciphertexts])
        assert [p.name for p in stored.files()] == sorted([kept_sha, f"{kept_sha}.text"])
    else:
        assert stored.rows(sha) == 0 and stored.rows(kept_sha) == 1 + 2 + 1  # blob, chunks, text
        assert stored.sql("SELECT pg_relation_filenode('{s}.blob_chunks') AS f")[0]["f"] != filenode  # rewritten
    with stored.store.open(kept_sha, other_key) as reader:
        assert reader.read() == kept
    assert stored.store.get_derived(kept_sha, "text", other_key) == b"kvar"
    stored.store.destroy(sha)  # absent: no error


def test_the_stored_bytes_never_hold_the_plaintext(stored):
    key = new_key()
    data = (b"Personnummer 19121212-1212, Storgatan 1, Falun. " * 6000)[:3 * CHUNK + 5]
    sha = put(stored.store, data, key)
    stored.store.put_derived(sha, "text", b'{"text": "Storgatan 1, Falun"}', key)
    everything = stored.everything()
    assert len(everything) > len(data)
    for needle in [b"19121212", b"Storgatan", data[:32], key]:
        assert needle not in everything
    if stored.kind == "file":
        assert all(p.stat().st_mode & 0o777 == 0o600 for p in stored.files())


def test_derived_objects(stored):
    key = new_key()
    sha = put(stored.store, content(10), key)
    assert stored.store.get_derived(sha, "thumb", key) is None
    stored.store.put_derived(sha, "thumb", b"first thumbnail", key)
    stored.store.put_derived(sha, "text", b'{"text": "utdrag"}', key)
    assert stored.store.get_derived(sha, "thumb", key) == b"first thumbnail"
    stored.store.put_derived(sha, "thumb", b"second", key)
    assert stored.store.get_derived(sha, "thumb", key) == b"second"
    assert stored.store.get_derived(sha, "text", key) == b'{"text": "utdrag"}'
    with pytest.raises(BlobCorrupt):
        stored.store.get_derived(sha, "thumb", new_key())
    with pytest.raises(ValueError):
        stored.store.put_derived(sha, "../x", b"", key)
    if stored.kind == "file":
        assert [p.name for p in stored.files()] == sorted([sha, f"{sha}.text", f"{sha}.thumb"])
        folder = stored.folder / "blobs" / sha[:2]
        (folder / f"{sha}.thumb").write_bytes((folder / f"{sha}.text").read_bytes())  # bound to its kind
    else:
        assert stored.rows(sha) == 1 + 1 + 2
        stored.sql("UPDATE {s}.blob_derived SET data = (SELECT data FROM {s}.blob_derived WHERE kind='text')"
                   " WHERE kind='thumb'")
    with pytest.raises(BlobCorrupt):
        stored.store.get_derived(sha, "thumb", key)


def key_table(stored):
    if stored.kind == "postgres":
        keys = PostgresPersonKeys(stored.datastore)
        keys.create_tables()
        return keys
    return SQLitePersonKeys(str(stored.folder / "keys.sqlite"))


def test_file_key_is_created_once_by_concurrent_threads(stored):
    keys = key_table(stored)
    sha = hashlib.sha256(b"delad fil").hexdigest()
    assert file_key(keys, sha, create=False) is None
    threads, found = 8, []
    barrier = threading.Barrier(threads)

    def create():
        barrier.wait()
        found.append(file_key(keys, sha))
        if stored.kind == "file":
            keys.close()  # this thread's connection

    workers = [threading.Thread(target=create) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(found) == threads and len(set(found)) == 1 and len(found[0]) == 32
    assert file_key(keys, sha, create=False) == found[0] == keys.get(f"file:{sha}")
    keys.close()


@file_only
def test_a_large_put_streams(tmp_path):
    store, key = FileBlobStore(str(tmp_path / "blobs")), new_key()
    path, digest, rng = tmp_path / "large.bin", hashlib.sha256(), random.Random(11)
    with open(path, "wb") as out:
        for _ in range(20 * 16):  # 20 MB
            block = rng.randbytes(64 * 1024)
            digest.update(block)
            out.write(block)
    sha = digest.hexdigest()
    with open(path, "rb") as source:
        tracemalloc.start()
        try:
            assert store.put(sha, source, key) is True
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 5 * 1024 * 1024
    assert store.size(sha) == 20 * 1024 * 1024
    with store.open(sha, key) as reader, open(path, "rb") as original:
        reader.seek(13 * 1024 * 1024 + 12345)
        original.seek(13 * 1024 * 1024 + 12345)
        assert reader.read(200000) == original.read(200000)
    assert os.listdir(tmp_path / "blobs" / "tmp") == []


@file_only
def test_a_killed_writer_leaves_no_blob(tmp_path):
    store, key = FileBlobStore(str(tmp_path / "blobs")), new_key()
    data = content(3 * CHUNK)
    sha = hashlib.sha256(data).hexdigest()

    class Failing(io.BytesIO):
        def read(self, size=-1):
            if self.tell() >= 2 * CHUNK:
                raise OSError("the upload broke off")
            return super().read(size)

    with pytest.raises(OSError):
        store.put(sha, Failing(data), key)
    assert not store.exists(sha) and store.shas() == [] and os.listdir(tmp_path / "blobs" / "tmp") == []
    stale = tmp_path / "blobs" / "tmp" / "left-by-a-killed-writer"
    stale.write_bytes(b"x")
    os.utime(stale, (0, 0))
    FileBlobStore(str(tmp_path / "blobs"))
    assert not stale.exists()


def test_open_blob_store_follows_the_event_store(tmp_path):
    assert isinstance(open_blob_store(None, str(tmp_path)), FileBlobStore)
    assert (tmp_path / "blobs").is_dir()
    if POSTGRES:
        datastore = postgres_datastore(tmp_path)
        try:
            assert isinstance(open_blob_store(datastore, str(tmp_path)), PostgresBlobStore)
        finally:
            datastore.close()
