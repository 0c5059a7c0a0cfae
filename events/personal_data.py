"""Personal data sealed with a key per person (or per revision), the keys kept outside the event log.

A person's name, e-mail, phone and title are stored in the log only as AES-256-GCM
ciphertext (`sealed`). The key lives in a key table: `keys.sqlite` in the data folder with
the embedded store, a `person_keys` table in PostgreSQL's schema otherwise. Erasing a person
destroys the key, so the ciphertext that stays in the append-only log (and in its hash
chain) can never be read again.

A form's free-text note may name people too, so it is sealed in one layer per person the form
names (`seal_note`): reading it takes every one of their keys, and destroying any one of them
erases it.

The same key table holds a key per revision of a learning example (`seal_json`, bound to the
key's id): suppressing a revision destroys its key.
"""

import base64
import json
import os
import sqlite3

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .local_sqlite import LocalSQLite
from .messages import N_

PERSONAL_FIELDS = ("name", "email", "phone", "title")
ERASED_NAME = N_("raderad person")
ERASED_NOTE = N_("(anteckningen raderad)")
_VERSION = "v1:"


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def seal_json(key: bytes, context: str, data) -> str:
    """`data` as JSON in AES-256-GCM ciphertext bound to `context` (whose key it is)."""
    nonce = os.urandom(12)
    plain = json.dumps(data, ensure_ascii=False).encode()
    return _VERSION + base64.b64encode(nonce + AESGCM(key).encrypt(nonce, plain, context.encode())).decode()


def unseal_json(key: bytes | None, context: str, sealed: str):
    """What `seal_json` sealed, or None when the key is gone (erased, suppressed) or does not fit."""
    if key is None or not isinstance(sealed, str) or not sealed.startswith(_VERSION):
        return None
    raw = base64.b64decode(sealed[len(_VERSION):])
    try:
        plain = AESGCM(key).decrypt(raw[:12], raw[12:], context.encode())
    except InvalidTag:
        return None
    return json.loads(plain)


def seal(key: bytes, person_id: str, data: dict) -> str:
    """The personal fields as ciphertext bound to the person's id."""
    return seal_json(key, person_id, {k: data[k] for k in PERSONAL_FIELDS})


def unseal(key: bytes | None, person_id: str, sealed: str) -> dict | None:
    """The personal fields, or None when the key is gone (erased) or does not fit."""
    return unseal_json(key, person_id, sealed)


def _note_context(request_id: str, person_id: str) -> bytes:
    return f"note:{request_id}:{person_id}".encode()


def seal_note(note: str, request_id: str, keys: list[tuple[str, bytes]]) -> dict:
    """The note sealed with each person's key in turn (the first innermost), bound to the form's id.
    Every layer must be opened to read it, so it is gone once any one of these keys is."""
    data = note.encode()
    for person_id, key in keys:
        nonce = os.urandom(12)
        data = nonce + AESGCM(key).encrypt(nonce, data, _note_context(request_id, person_id))
    return {"people": [person_id for person_id, _ in keys], "sealed": _VERSION + base64.b64encode(data).decode()}


def unseal_note(note, request_id: str, key_of) -> str | None:
    """The note as written, or None once a key it was sealed with is gone. A plain `str` (a note
    recorded before notes were sealed) is returned as it is; `key_of(person_id)` gives a key or None."""
    if isinstance(note, str):
        return note
    sealed = note.get("sealed", "") if isinstance(note, dict) else ""
    if not sealed.startswith(_VERSION):
        return None
    data = base64.b64decode(sealed[len(_VERSION):])
    for person_id in reversed(note.get("people", [])):
        key = key_of(person_id)
        if key is None:
            return None
        try:
            data = AESGCM(key).decrypt(data[:12], data[12:], _note_context(request_id, person_id))
        except InvalidTag:
            return None
    return data.decode()


def erased_fields() -> dict:
    return {"name": ERASED_NAME, "email": "", "phone": "", "title": ""}


class SQLitePersonKeys:
    """Keys in `keys.sqlite`: WAL with a synchronous commit (a key is on disk before the event
    that needs it is saved) and `secure_delete`; every destruction is followed by a checkpoint
    that empties the WAL, so a destroyed key is overwritten in the file and leaves no copy in a
    journal. (A rollback journal did the same at four times the cost of storing a key.)"""

    def __init__(self, path: str):
        self.path = path
        if not os.path.exists(path):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        self._sqlite = LocalSQLite(path, journal_mode="WAL", secure_delete=True, synchronous="FULL")
        self._purge_pending = False
        self.create_tables()

    def _purge(self, attempts: int = 50) -> None:
        """Empties the WAL after a key is destroyed; if a reader keeps it busy, the next
        write tries again."""
        self._purge_pending = not self._sqlite.checkpoint(attempts)

    def _db(self) -> sqlite3.Connection:
        return self._sqlite.connection()

    def create_tables(self) -> None:
        self._db().execute("CREATE TABLE IF NOT EXISTS person_keys (person_id TEXT PRIMARY KEY, key BLOB NOT NULL)")

    def store(self, person_id: str, key: bytes) -> None:
        self._db().execute("INSERT INTO person_keys VALUES (?, ?)", (person_id, key))
        if self._purge_pending:
            self._purge(attempts=1)

    def get_or_create(self, key_id: str) -> bytes:
        """The key, made on first use; the first of racing processes wins."""
        self._db().execute("INSERT OR IGNORE INTO person_keys VALUES (?, ?)", (key_id, new_key()))
        return self.get(key_id)

    def store_many(self, keys: list[tuple[str, bytes]]) -> None:
        """Many keys in one transaction (a bulk import)."""
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany("INSERT INTO person_keys VALUES (?, ?)", keys)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        if self._purge_pending:
            self._purge(attempts=1)

    def destroy_many(self, ids: list[str]) -> None:
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany("DELETE FROM person_keys WHERE person_id=?", [(i,) for i in ids])
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self._purge()
        if self.ledger is not None:
            self.ledger.record(ids)

    def get(self, person_id: str) -> bytes | None:
        row = self._db().execute("SELECT key FROM person_keys WHERE person_id=?", (person_id,)).fetchone()
        return bytes(row[0]) if row else None

    ledger = None  # an `ErasureLedger` that is told of every key destroyed

    def destroy(self, person_id: str) -> None:
        self._db().execute("DELETE FROM person_keys WHERE person_id=?", (person_id,))
        self._purge()
        if self.ledger is not None:
            self.ledger.record([person_id])

    def close(self) -> None:
        self._sqlite.close()


class PostgresPersonKeys:
    """Keys in `person_keys` beside the PostgreSQL log, shared by every node."""

    def __init__(self, datastore):
        from psycopg import sql
        self._datastore = datastore
        self._sql = sql
        self._table = sql.Identifier(datastore.schema, "person_keys")

    def _run(self, statement: str, params=(), fetch: bool = False):
        with self._datastore.transaction(commit=True) as cursor:
            cursor.execute(self._sql.SQL(statement).format(table=self._table), params)
            return cursor.fetchall() if fetch else None

    def create_tables(self) -> None:
        self._run("CREATE TABLE IF NOT EXISTS {table} (person_id TEXT PRIMARY KEY, key BYTEA NOT NULL)")

    def store(self, person_id: str, key: bytes) -> None:
        self._run("INSERT INTO {table} (person_id, key) VALUES (%s, %s)", (person_id, key))

    def get_or_create(self, key_id: str) -> bytes:
        """The key, made on first use; the first of racing nodes wins."""
        self._run("INSERT INTO {table} (person_id, key) VALUES (%s, %s) ON CONFLICT (person_id) DO NOTHING",
                  (key_id, new_key()))
        return self.get(key_id)

    def store_many(self, keys: list[tuple[str, bytes]]) -> None:
        """Many keys in one transaction (a bulk import)."""
        with self._datastore.transaction(commit=True) as cursor:
            cursor.executemany(self._sql.SQL("INSERT INTO {table} (person_id, key) VALUES (%s, %s)").format(
                table=self._table), keys)

    def destroy_many(self, ids: list[str]) -> None:
        with self._datastore.transaction(commit=True) as cursor:
            cursor.executemany(self._sql.SQL("DELETE FROM {table} WHERE person_id=%s").format(table=self._table),
                               [(i,) for i in ids])
        if self.ledger is not None:
            self.ledger.record(ids)

    def get(self, person_id: str) -> bytes | None:
        rows = self._run("SELECT key FROM {table} WHERE person_id=%s", (person_id,), fetch=True)
        return bytes(rows[0]["key"]) if rows else None

    ledger = None  # an `ErasureLedger` that is told of every key destroyed

    def destroy(self, person_id: str) -> None:
        self._run("DELETE FROM {table} WHERE person_id=%s", (person_id,))
        if self.ledger is not None:
            self.ledger.record([person_id])
        with self._datastore.get_connection() as connection:  # autocommit: VACUUM FULL rewrites the file
            connection.execute(self._sql.SQL("VACUUM FULL {table}").format(table=self._table))

    def close(self) -> None:
        """The event store owns the connection pool."""
