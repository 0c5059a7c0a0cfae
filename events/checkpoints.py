"""Signed tree heads: C2SP `tlog-checkpoint` bodies in Go's signed-note format
(golang.org/x/mod/sumdb/note), signed with Ed25519.

A note is its text (lines ending in a newline), a blank line, and signature lines
`— <key name> <base64(key id ‖ signature)>`; the signature covers the text, final newline
included. An Ed25519 key's id is the first 4 bytes of SHA-256(name ‖ "\\n" ‖ 0x01 ‖ public key),
and its verifier key is written `<name>+<key id, 8 hex digits>+<base64(0x01 ‖ public key)>`.
"""

import base64
import binascii
import hashlib
import os
import re
import tempfile

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .durability import fsync_folder

ALGORITHM_ED25519 = b"\x01"
SIGNATURE_PREFIX = "— "
MAX_SIGNATURES = 100
HASH_SIZE = 32
DECIMAL = re.compile(r"0|[1-9][0-9]{0,18}")
HEX8 = re.compile(r"[0-9a-fA-F]{8}")


class BadNote(ValueError):
    """A note that is malformed, or that no signature by the expected key verifies."""


def _b64decode(text: str) -> bytes:
    """Standard, padded base64 (as Go's base64.StdEncoding), nothing else."""
    try:
        return binascii.a2b_base64(text.encode("ascii"), strict_mode=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise BadNote("not base64") from None


def _b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def valid_name(name: str) -> bool:
    """A key name: not empty, no spaces, no '+'."""
    return bool(name) and "+" not in name and not any(c.isspace() for c in name) and _valid_text(name)


def _valid_text(text: str) -> bool:
    """No control characters but newline, and encodable as UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return not any(c < " " and c != "\n" for c in text)


def key_id(name: str, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + ALGORITHM_ED25519 + public_key).digest()[:4]


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def checkpoint_body(origin: str, size: int, root: bytes) -> str:
    if not valid_origin(origin) or size < 0 or len(root) != HASH_SIZE:
        raise ValueError("not a checkpoint")
    return f"{origin}\n{size}\n{_b64encode(root)}\n"


def valid_origin(origin: str) -> bool:
    return bool(origin) and "\n" not in origin and _valid_text(origin)


def parse_checkpoint(body: str) -> tuple[str, int, bytes]:
    """(origin, size, root) of a checkpoint body; extension lines after the third are ignored."""
    if not body.endswith("\n"):
        raise BadNote("a checkpoint ends with a newline")
    lines = body[:-1].split("\n")
    if len(lines) < 3 or not all(lines):
        raise BadNote("a checkpoint has an origin, a size and a root hash, each on a line of its own")
    origin, size, root = lines[:3]
    if not valid_origin(origin):
        raise BadNote("bad origin line")
    if not DECIMAL.fullmatch(size):
        raise BadNote("bad tree size line")
    root_hash = _b64decode(root)
    if len(root_hash) != HASH_SIZE:
        raise BadNote("the root hash is not 32 bytes")
    return origin, int(size), root_hash


class NoteSigner:
    def __init__(self, name: str, private_key: Ed25519PrivateKey):
        if not valid_name(name):
            raise ValueError(f"bad key name {name!r}")
        self.name = name
        self.private_key = private_key
        self.public_key_bytes = _raw_public(private_key.public_key())
        self.key_id = key_id(name, self.public_key_bytes)

    def vkey(self) -> str:
        return f"{self.name}+{self.key_id.hex()}+{_b64encode(ALGORITHM_ED25519 + self.public_key_bytes)}"

    def signature_line(self, body: str) -> str:
        if not body.endswith("\n") or not _valid_text(body):
            raise BadNote("a note's text is lines ending in a newline, without control characters")
        signature = self.private_key.sign(body.encode("utf-8"))
        return f"{SIGNATURE_PREFIX}{self.name} {_b64encode(self.key_id + signature)}\n"

    def sign(self, body: str) -> str:
        return body + "\n" + self.signature_line(body)


class NoteVerifier:
    def __init__(self, name: str | None, public_key: bytes):
        """`name` None: any key name whose key id matches this public key (for a bare key)."""
        if len(public_key) != 32 or (name is not None and not valid_name(name)):
            raise ValueError("not an Ed25519 verifier key")
        self.name = name
        self.public_key_bytes = public_key
        self.public_key = Ed25519PublicKey.from_public_bytes(public_key)

    @classmethod
    def from_vkey(cls, vkey: str) -> "NoteVerifier":
        """From `<name>+<key id>+<base64(0x01 ‖ public key)>`; BadNote when malformed."""
        parts = vkey.split("+", 2)
        if len(parts) != 3 or not valid_name(parts[0]) or not HEX8.fullmatch(parts[1]):
            raise BadNote("not a verifier key")
        name, id_hex, encoded = parts
        key = _b64decode(encoded)
        if key[:1] != ALGORITHM_ED25519 or len(key) != 33:
            raise BadNote("not an Ed25519 verifier key")
        if key_id(name, key[1:]) != bytes.fromhex(id_hex):
            raise BadNote("the verifier key's id does not match its key")
        return cls(name, key[1:])

    def _ours(self, name: str, id_: bytes) -> bool:
        return (self.name is None or name == self.name) and id_ == key_id(name, self.public_key_bytes)

    def open(self, note: str | bytes) -> str:
        """The note's text if a signature line by this key verifies; BadNote otherwise (also for
        a malformed note, or a signature by this key that does not verify)."""
        if isinstance(note, bytes):
            try:
                note = note.decode("utf-8")
            except UnicodeDecodeError:
                raise BadNote("a note is UTF-8") from None
        if not _valid_text(note):
            raise BadNote("a note has no control characters")
        split = note.rfind("\n\n")
        if split < 0:
            raise BadNote("a note has a blank line before its signatures")
        text, signatures = note[:split + 1], note[split + 2:]
        if not signatures.endswith("\n"):
            raise BadNote("a note ends with a newline")
        lines = signatures[:-1].split("\n")
        if len(lines) > MAX_SIGNATURES:
            raise BadNote("too many signatures")
        verified = False
        for line in lines:
            if not line.startswith(SIGNATURE_PREFIX):
                raise BadNote("not a signature line")
            name, _, encoded = line[len(SIGNATURE_PREFIX):].partition(" ")
            signature = _b64decode(encoded) if encoded else b""
            if not valid_name(name) or len(signature) < 5:
                raise BadNote("malformed signature line")
            if not self._ours(name, signature[:4]):
                continue
            try:
                self.public_key.verify(signature[4:], text.encode("utf-8"))
            except InvalidSignature:
                raise BadNote(f"the signature by {name} does not verify") from None
            verified = True
        if not verified:
            raise BadNote("no signature by this key")
        return text


def private_key_from_seed(seed: bytes) -> Ed25519PrivateKey:
    if len(seed) != 32:
        raise ValueError("an Ed25519 private key is a 32-byte seed")
    return Ed25519PrivateKey.from_private_bytes(seed)


def _seed(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                             serialization.NoEncryption())


def load_or_create_key(path: str, configured: str | None = None) -> Ed25519PrivateKey:
    """The signing key: `configured` (WIKI_SIGNING_KEY, base64 of the 32-byte seed), else the seed
    in `path` (mode 0600), created on first use; processes racing to create it end with one key."""
    if configured:
        try:
            seed = binascii.a2b_base64(configured.strip().encode("ascii"), strict_mode=True)
        except (binascii.Error, UnicodeEncodeError) as error:
            raise ValueError("WIKI_SIGNING_KEY is not base64") from error
        return private_key_from_seed(seed)
    try:
        with open(path, "rb") as file:
            return private_key_from_seed(file.read())
    except FileNotFoundError:
        pass
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=".signing-key-")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(_seed(key))
            file.flush()
            os.fsync(file.fileno())
        os.link(temporary, path)
        fsync_folder(folder)
    except FileExistsError:
        with open(path, "rb") as file:
            return private_key_from_seed(file.read())
    finally:
        os.unlink(temporary)
    return key
