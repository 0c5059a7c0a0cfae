"""`wiki-audit-verify`: checks a log export against signed checkpoints, offline.

    wiki-audit-verify --export FILE --public-key FILE --checkpoint FILE [--checkpoint FILE ...]

Every checkpoint's signature must verify with the public key (the JSON of
`GET /audit/public-key`, or a bare verifier key line); the Merkle root recomputed from the
export at each checkpoint's size must equal the checkpoint's root (so the checkpoints agree
with the export and with each other). Exit 0 and `OK: N events, M checkpoints` when all holds;
exit 1 with a one-line summary naming the first bad position (or the narrowest range the
checkpoints allow) otherwise; exit 2 when the files cannot be read.
"""

import argparse
import binascii
import hashlib
import json
import sys
from dataclasses import dataclass

from .checkpoints import BadNote, NoteVerifier, parse_checkpoint
from .log_export import BadRow, parse_header, parse_row
from .merkle import EMPTY_ROOT, CompactRange


class Unreadable(Exception):
    """An input file that cannot be read or understood at all (exit 2)."""


@dataclass
class Checkpoint:
    path: str
    origin: str
    size: int
    root: bytes


@dataclass
class Failure:
    swedish: str
    english: str

    def line(self) -> str:
        return f"FEL: {self.swedish} / FAIL: {self.english}"


def read_verifier(path: str) -> NoteVerifier:
    """From the JSON of `GET /audit/public-key` (`vkey`, and/or the raw `key`), or a vkey line."""
    try:
        with open(path, encoding="utf-8") as file:
            text = file.read().strip()
    except (OSError, UnicodeDecodeError) as error:
        raise Unreadable(f"cannot read the public key {path}: {error}") from None
    try:
        if not text.startswith("{"):
            return NoteVerifier.from_vkey(text)
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("algorithm", "ed25519") != "ed25519":
            raise ValueError("not an ed25519 key")
        verifier = NoteVerifier.from_vkey(data["vkey"]) if data.get("vkey") is not None else None
        if data.get("key") is not None:
            raw = binascii.a2b_base64(str(data["key"]).encode("ascii"), strict_mode=True)
            if verifier is not None and raw != verifier.public_key_bytes:
                raise ValueError("its key and vkey differ")
            verifier = verifier or NoteVerifier(None, raw)
        if verifier is None:
            raise ValueError("no key")
        return verifier
    except (ValueError, TypeError, binascii.Error, UnicodeEncodeError) as error:
        raise Unreadable(f"the public key {path} is not one: {error}") from None


def read_checkpoint(path: str, verifier: NoteVerifier) -> Checkpoint | Failure:
    try:
        with open(path, "rb") as file:
            note = file.read()
    except OSError as error:
        raise Unreadable(f"cannot read the checkpoint {path}: {error}") from None
    try:
        origin, size, root = parse_checkpoint(verifier.open(note))
    except BadNote as error:
        return Failure(f"kontrollpunkten {path} går inte att verifiera med nyckeln ({error})",
                       f"checkpoint {path} does not verify with the key ({error})")
    return Checkpoint(path, origin, size, root)


def _row_position(line: bytes) -> int | None:
    try:
        position = json.loads(line).get("position")
    except (ValueError, AttributeError, RecursionError):
        return None
    return position if isinstance(position, int) and not isinstance(position, bool) else None


def verify_export(path: str, checkpoints: list[Checkpoint]) -> tuple[int, Failure | None]:
    """Streams the export once, keeping only a compact range of leaf hashes; returns the number
    of rows read and the first failure (None when the export agrees with every checkpoint)."""
    wanted: dict[int, list[Checkpoint]] = {}
    for checkpoint in checkpoints:
        wanted.setdefault(checkpoint.size, []).append(checkpoint)
    sizes = sorted(wanted)
    try:
        file = open(path, "rb")
    except OSError as error:
        raise Unreadable(f"cannot read the export {path}: {error}") from None
    with file:
        try:
            origin, declared = parse_header(file.readline())
        except BadRow as error:
            raise Unreadable(f"the export {path} is not a log export: {error}") from None
        for checkpoint in checkpoints:
            if checkpoint.origin != origin:
                return 0, Failure(
                    f"kontrollpunkten {checkpoint.path} gäller loggen {checkpoint.origin!r}, exporten {origin!r}",
                    f"checkpoint {checkpoint.path} is for the log {checkpoint.origin!r}, the export for {origin!r}")
        tree = CompactRange()
        last_position = 0
        good: tuple[int, int] | None = None  # (size, position of its last leaf) of the last checkpoint that holds
        next_size = 0
        if sizes and sizes[0] == 0:
            failure = _check(wanted[0], EMPTY_ROOT, good, 0, 0)
            if failure:
                return 0, failure
            next_size = 1
        sha256 = hashlib.sha256
        for number, line in enumerate(file, start=2):
            try:
                position, leaf = parse_row(line)
            except BadRow as error:
                position = _row_position(line)
                at = f"position {position}, " if position is not None else ""
                return tree.size, Failure(
                    f"första felaktiga position: {at}rad {number}: raden är trasig ({error})",
                    f"first bad position: {at}line {number}: malformed row ({error})")
            if position <= last_position:
                return tree.size, Failure(
                    f"första felaktiga position: {position} (rad {number}) kommer efter {last_position}",
                    f"first bad position: {position} (line {number}) comes after {last_position}")
            last_position = position
            tree.push(sha256(b"\x00" + leaf).digest())
            if next_size < len(sizes) and tree.size == sizes[next_size]:
                failure = _check(wanted[tree.size], tree.root(), good, tree.size, position)
                if failure:
                    return tree.size, failure
                good = (tree.size, position)
                next_size += 1
    count = tree.size
    if next_size < len(sizes):
        size = sizes[-1]
        return count, Failure(
            f"loggen slutar vid löv {count} men en kontrollpunkt omfattar {size}: "
            f"första saknade position: {last_position + 1}",
            f"the log ends at leaf {count} but a checkpoint covers {size}: "
            f"first missing position: {last_position + 1}")
    if count != declared:
        return count, Failure(
            f"exporten har {count} rader men dess huvud säger {declared}",
            f"the export has {count} rows but its header says {declared}")
    return count, None


def _check(checkpoints: list[Checkpoint], root: bytes, good: tuple[int, int] | None, size: int,
           position: int) -> Failure | None:
    """A failure when a checkpoint of this size has another root, narrowed down by `good`."""
    bad = next((checkpoint for checkpoint in checkpoints if checkpoint.root != root), None)
    if bad is None:
        return None
    good_size, good_position = good or (0, 0)
    what_sv = f"(kontrollpunkten {bad.path}, storlek {size}, stämmer inte med exporten)"
    what_en = f"(checkpoint {bad.path}, size {size}, does not match the export)"
    if size == good_size + 1:
        return Failure(f"första felaktiga position: {position} {what_sv}",
                       f"first bad position: {position} {what_en}")
    if good is None:
        return Failure(f"första felaktiga position är högst {position} {what_sv}",
                       f"first bad position is at or before {position} {what_en}")
    return Failure(f"första felaktiga position är efter {good_position} och högst {position} {what_sv}",
                   f"first bad position is after {good_position} and at or before {position} {what_en}")


def first_difference(path: str, previous: str) -> int | None:
    """The position of the first row of the earlier export `previous` that the export at `path` no
    longer has as it was (changed, gone, or another row in its place); None when every row of
    `previous` is still there, unchanged and in place."""
    try:
        now, before = open(path, "rb"), open(previous, "rb")
    except OSError as error:
        raise Unreadable(f"cannot read the export: {error}") from None
    with now, before:
        now.readline()
        before.readline()
        for old_line in before:
            try:
                old_position, old_leaf = parse_row(old_line)
            except BadRow as error:
                raise Unreadable(f"the earlier export {previous} has a malformed row: {error}") from None
            line = now.readline()
            try:
                position, leaf = parse_row(line) if line else (None, None)
            except BadRow:
                return old_position
            if position != old_position or leaf != old_leaf:
                return old_position
    return None


def _narrowed(args, checkpoints: list[Checkpoint], failure: Failure) -> Failure:
    """With an earlier export that still agrees with the checkpoints it covers, the exact first
    position where the log changed since then."""
    try:
        with open(args.previous_export, "rb") as file:
            _, size = parse_header(file.readline())
    except (OSError, BadRow) as error:
        raise Unreadable(f"the earlier export {args.previous_export} is not a log export: {error}") from None
    covered = [checkpoint for checkpoint in checkpoints if checkpoint.size <= size]
    _, problem = verify_export(args.previous_export, covered)
    if problem is not None:
        return Failure(f"{failure.swedish}; den tidigare exporten stämmer inte heller: {problem.swedish}",
                       f"{failure.english}; the earlier export does not hold either: {problem.english}")
    position = first_difference(args.export, args.previous_export)
    if position is None:
        return failure
    return Failure(f"första felaktiga position: {position} (ändrad sedan den tidigare exporten)",
                   f"first bad position: {position} (changed since the earlier export)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="wiki-audit-verify",
        description="Verifiera en loggexport mot signerade kontrollpunkter / "
                    "verify a log export against signed checkpoints.")
    parser.add_argument("--export", required=True, help="the log export (JSON Lines)")
    parser.add_argument("--public-key", required=True, help="the JSON of GET /audit/public-key, or a vkey")
    parser.add_argument("--checkpoint", required=True, action="append", help="a signed checkpoint note")
    parser.add_argument("--previous-export", help="an earlier export kept with the checkpoints: names the exact "
                                                  "first position that changed since")
    args = parser.parse_args(argv)
    try:
        verifier = read_verifier(args.public_key)
        checkpoints = []
        for path in args.checkpoint:
            checkpoint = read_checkpoint(path, verifier)
            if isinstance(checkpoint, Failure):
                print(checkpoint.line())
                return 1
            checkpoints.append(checkpoint)
        count, failure = verify_export(args.export, checkpoints)
        if failure and args.previous_export:
            failure = _narrowed(args, checkpoints, failure)
    except Unreadable as error:
        print(f"wiki-audit-verify: {error}", file=sys.stderr)
        return 2
    if failure:
        print(failure.line())
        return 1
    print(f"OK: {count} events, {len(checkpoints)} checkpoints")
    return 0


if __name__ == "__main__":
    sys.exit(main())
