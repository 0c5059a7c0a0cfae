"""Signed checkpoints: Go's signed-note format (golang.org/x/mod/sumdb/note, checked against
the vectors of its note_test.go) carrying C2SP tlog-checkpoint bodies, and the signing key."""

import base64
import hashlib
import os
import stat
import threading

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from events.checkpoints import (BadNote, NoteSigner, NoteVerifier, checkpoint_body, load_or_create_key,
                                parse_checkpoint, private_key_from_seed)

pytestmark = pytest.mark.store_independent

# From golang.org/x/mod/sumdb/note/note_test.go (test data only).
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
GO_PETER_SIG = ("— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6Ryy"
                "BwJnAM=\n")
GO_ENOCH_SIG = ("— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc"
                "+QQ=\n")

ORIGIN = "wiki.lansgrupp.example/log"
ROOT = hashlib.sha256(b"a root").digest()


def go_signer() -> NoteSigner:
    seed = base64.b64decode(GO_SKEY.split("+", 4)[4])[1:]
    return NoteSigner("PeterNeumann", private_key_from_seed(seed))


@pytest.fixture
def signer():
    return NoteSigner("wiki.lansgrupp.example", Ed25519PrivateKey.generate())


def test_go_vectors_key_and_signature():
    signer = go_signer()
    assert signer.vkey() == GO_VKEY
    assert signer.key_id == bytes.fromhex("c74f20a3")
    assert signer.sign(GO_TEXT) == GO_TEXT + "\n" + GO_PETER_SIG
    assert NoteVerifier.from_vkey(GO_VKEY).open(GO_TEXT + "\n" + GO_PETER_SIG) == GO_TEXT


def test_go_vectors_open():
    peter = NoteVerifier.from_vkey(GO_VKEY)
    enoch = NoteVerifier.from_vkey(GO_ENOCH_VKEY)
    both = GO_TEXT + "\n" + GO_PETER_SIG + GO_ENOCH_SIG
    assert peter.open(both) == GO_TEXT  # an unknown signer's line is left alone
    assert enoch.open(both) == GO_TEXT
    assert peter.open(both.encode()) == GO_TEXT
    with pytest.raises(BadNote):
        enoch.open(GO_TEXT + "\n" + GO_PETER_SIG)
    with pytest.raises(BadNote):  # a signature by this key that does not verify
        peter.open(GO_TEXT + "\n" + GO_PETER_SIG[:60] + "ABCD" + GO_PETER_SIG[60:])
    with pytest.raises(BadNote):
        peter.open(GO_TEXT + "\n" + GO_PETER_SIG * 101)
    bad_messages = [
        GO_TEXT,
        GO_TEXT + "\n",
        GO_TEXT + "\n" + GO_PETER_SIG[:-1],
        "\x01" + GO_TEXT + "\n" + GO_PETER_SIG,
        b"\xff" + (GO_TEXT + "\n" + GO_PETER_SIG).encode(),
        GO_TEXT + "\n" + "— Bad Name " + GO_PETER_SIG.split(" ")[2].strip(),
        GO_TEXT + "\n" + GO_PETER_SIG + "Unexpected line.\n",
    ]
    for message in bad_messages:
        with pytest.raises(BadNote):
            peter.open(message)


def test_go_vectors_mangled_verifier_keys():
    """As in Go's TestNewVerifier: every proper substring and every one-byte change is refused."""
    assert NoteVerifier.from_vkey(GO_VKEY).name == "PeterNeumann"
    for i in range(len(GO_VKEY) + 1):
        for j in range(i + 1, len(GO_VKEY) + 1):
            if (i, j) != (0, len(GO_VKEY)):
                with pytest.raises(BadNote):
                    NoteVerifier.from_vkey(GO_VKEY[i:j])
    for i in range(len(GO_VKEY)):
        mangled = GO_VKEY[:i] + chr(ord(GO_VKEY[i]) + 1) + GO_VKEY[i + 1:]
        with pytest.raises(BadNote):
            NoteVerifier.from_vkey(mangled)
    for bad in ["PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
                "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                "PeterNeumann+0xc74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"]:
        with pytest.raises(BadNote):
            NoteVerifier.from_vkey(bad)


def test_round_trip(signer):
    body = checkpoint_body(ORIGIN, 1234, ROOT)
    assert body == f"{ORIGIN}\n1234\n{base64.b64encode(ROOT).decode()}\n"
    note = signer.sign(body)
    lines = note.split("\n")
    assert lines[3] == "" and lines[4].startswith("\u2014 wiki.lansgrupp.example ") and lines[5] == ""
    signature = base64.b64decode(lines[4].split(" ")[2])
    assert signature[:4] == signer.key_id and len(signature) == 68
    verifier = NoteVerifier.from_vkey(signer.vkey())
    assert verifier.open(note) == body
    assert parse_checkpoint(verifier.open(note)) == (ORIGIN, 1234, ROOT)


def test_vkey_format(signer):
    name, id_hex, key = signer.vkey().split("+", 2)
    assert name == "wiki.lansgrupp.example"
    assert id_hex == signer.key_id.hex() and len(id_hex) == 8
    raw = base64.b64decode(key)
    assert raw == b"\x01" + signer.public_key_bytes and len(signer.public_key_bytes) == 32
    assert signer.key_id == hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
    with pytest.raises(ValueError):
        NoteSigner("with space", Ed25519PrivateKey.generate())
    with pytest.raises(ValueError):
        NoteSigner("a+b", Ed25519PrivateKey.generate())


def test_wrong_key_and_altered_body(signer):
    note = signer.sign(checkpoint_body(ORIGIN, 10, ROOT))
    other = NoteSigner("wiki.lansgrupp.example", Ed25519PrivateKey.generate())
    with pytest.raises(BadNote):
        NoteVerifier.from_vkey(other.vkey()).open(note)  # same name, another key: another key id
    verifier = NoteVerifier.from_vkey(signer.vkey())
    for altered in [note.replace("\n10\n", "\n11\n"), note.replace(ORIGIN, ORIGIN + "x"), "x" + note]:
        with pytest.raises(BadNote):
            verifier.open(altered)
    forged = note.replace(signer.sign(checkpoint_body(ORIGIN, 10, ROOT)).split("\n\n")[1],
                          other.signature_line(checkpoint_body(ORIGIN, 10, ROOT)).replace(
                              other.name, signer.name))
    with pytest.raises(BadNote):
        verifier.open(forged)
    # a bare public key (no name) accepts a line whose key id matches it
    assert NoteVerifier(None, signer.public_key_bytes).open(note) == checkpoint_body(ORIGIN, 10, ROOT)
    with pytest.raises(BadNote):
        NoteVerifier(None, other.public_key_bytes).open(note)


@pytest.mark.parametrize("body", [
    "", "origin\n", "origin\n5\n", f"origin\n5\n{base64.b64encode(ROOT).decode()}",
    f"\n5\n{base64.b64encode(ROOT).decode()}\n", f"origin\n05\n{base64.b64encode(ROOT).decode()}\n",
    f"origin\n-5\n{base64.b64encode(ROOT).decode()}\n", f"origin\n5x\n{base64.b64encode(ROOT).decode()}\n",
    f"origin\n 5\n{base64.b64encode(ROOT).decode()}\n", f"origin\n5\n{base64.b64encode(ROOT[:31]).decode()}\n",
    "origin\n5\nnot base64!\n", f"origin\n5\n{base64.b64encode(ROOT).decode()}\n\n",
])
def test_malformed_checkpoints(body):
    with pytest.raises(BadNote):
        parse_checkpoint(body)


def test_checkpoint_extension_lines_are_ignored():
    body = checkpoint_body(ORIGIN, 0, ROOT) + "extension one\nextension two\n"
    assert parse_checkpoint(body) == (ORIGIN, 0, ROOT)


def test_signer_refuses_text_a_note_cannot_carry(signer):
    for text in ["no newline", "a\x00b\n"]:
        with pytest.raises(BadNote):
            signer.sign(text)


def test_key_configured_or_created_once(tmp_path):
    seed = bytes(range(32))
    configured = load_or_create_key(str(tmp_path / "unused"), base64.b64encode(seed).decode())
    assert NoteSigner("n", configured).public_key_bytes == NoteSigner("n", private_key_from_seed(seed)).public_key_bytes
    assert not (tmp_path / "unused").exists()
    with pytest.raises(ValueError):
        load_or_create_key(str(tmp_path / "unused"), "not base64!")
    with pytest.raises(ValueError):
        load_or_create_key(str(tmp_path / "unused"), base64.b64encode(seed[:31]).decode())

    path = str(tmp_path / "keys" / "signing-key")
    keys, barrier = [], threading.Barrier(8)

    def create():
        barrier.wait()
        keys.append(NoteSigner("n", load_or_create_key(path)).public_key_bytes)

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 8 and len(set(keys)) == 1
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and os.path.getsize(path) == 32
    assert sorted(os.listdir(tmp_path / "keys")) == ["signing-key"]
    assert NoteSigner("n", load_or_create_key(path)).public_key_bytes == keys[0]
