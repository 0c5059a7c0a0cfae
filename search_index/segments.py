"""Per-segment caches: facet values per document, sorted term lists, published documents.

Whoosh segments never change once written (deletions aside, which do not matter here:
deleted documents never match), so what is computed for a segment stays valid until a
merge replaces it. A search after a commit pays only for the new small segment.

The follower writes what is slow to compute (facet rows and their bitsets, field lengths, the
text field's sorted terms) beside each segment it commits (`segment-caches/<segment>.v<format>.marshal`
in the index folder, `write_segment_caches`), so a fresh worker loads it instead of reading every stored
document in its first search. A cache file that is missing or does not fit its segment is
passed over, and the value is computed as before.
"""

import gc
import io
import marshal
import os
import pickle
import sys
import threading
import uuid
import zlib
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3LeafMatcher
from whoosh.reading import TermNotFound

from .documents import FACETS
from .facets import FacetBits, segment_bits

_MAX_SEGMENTS = 256
_MAX_SECTIONS = 16 * _MAX_SEGMENTS
_MISSING = object()
_NO_DOCS = np.zeros(0, dtype=np.int64)
_NO_WEIGHTS = np.zeros(0, dtype=np.float64)
_MAX_CACHED_POSTINGS = 4_000_000  # 16 bytes each
_MAX_POPULATIONS = 4
CACHE_FOLDER = "segment-caches"
CACHE_FORMAT = 5
TERM_FIELDS = ("text",)  # the fields whose sorted terms are kept on disk (compounds, prefixes)
KEYWORD_FIELDS = ("kind", "status")  # the fields whose documents per value are kept on disk (filters)
FREQUENT_FIELDS = ("text", "exact")  # the fields whose frequent terms' postings are kept on disk
FREQUENT_FROM_DOCS = 1000  # segments with fewer documents read every term from Whoosh's files
FREQUENT_SHARE = 50  # a term in at least 1/50 of a segment's documents is frequent ...
FREQUENT_MIN_POSTINGS = 100  # ... and in at least this many


def segment_readers(reader) -> list[tuple[int, object]]:
    """(offset, reader) per segment; an empty index has none."""
    if hasattr(reader, "readers"):
        parts = list(zip(reader.doc_offsets, reader.readers))
    else:
        parts = [(0, reader)]
    return [(offset, r) for offset, r in parts if getattr(r, "segment", lambda: None)() is not None]


def _segment_key(subreader) -> str:
    return subreader.segment().segment_id()


def cache_file_name(segment_key: str) -> str:
    """A segment's cache file; the format is in the name, so files of an older format are replaced."""
    return f"{segment_key}.v{CACHE_FORMAT}.marshal"


def _cache_folder(subreader) -> Path | None:
    """The index folder's `segment-caches` (a compound segment overlays its files on the index's storage)."""
    storage = getattr(subreader, "_storage", None)
    folder = getattr(getattr(storage, "b", storage), "folder", None)
    return Path(folder) / CACHE_FOLDER if folder else None


def _scorable(subreader) -> list[str]:
    return [name for name, field in subreader.schema.items() if field.scorable]


def _build_facets(subreader) -> list:
    """Per document: (status, organisations, ((facet, value), ...), updated, (start, end)) or None.
    Values are interned: each distinct one is kept once in memory and written once to the cache file."""
    rows, pairs = [], {}
    for docnum in range(subreader.doc_count_all()):
        fields = subreader.stored_fields(docnum)
        row = fields.get("facets")
        if row is None:
            rows.append(None)
            continue
        facets = tuple(pairs.setdefault((f, v), (sys.intern(f), sys.intern(v))) for f, v in row[1])
        status = fields.get("status")
        rows.append((sys.intern(status) if status else status, tuple(map(sys.intern, row[0])), facets,
                     fields.get("updated") or "", tuple(row[2]) if row[2] else None))
    return rows


def _build_lengths(subreader, field: str) -> list[int]:
    return [subreader.doc_field_length(n, field, 0) or 0 for n in range(subreader.doc_count_all())]


def _build_terms(subreader, field: str) -> tuple[list[str], list[str]]:
    forward = sorted(t.decode("utf-8") for t in subreader.lexicon(field))
    return forward, sorted(t[::-1] for t in forward)


def _load(raw: bytes):
    """`marshal.loads` with the cyclic collector paused: the many tuples it makes would otherwise
    set off full collections over a freshly started worker's heap (ten times the load itself)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return marshal.loads(raw)
    finally:
        if enabled:
            gc.enable()


def _build_keywords(subreader) -> dict[str, dict[str, bytes]]:
    """Local docnums per value of the fields every search filters on (kind, status), as int32 arrays."""
    kept = {}
    for field in KEYWORD_FIELDS:
        if field not in subreader.schema:
            continue
        kept[field] = {text.decode("utf-8"): _read_postings(subreader, field, text).ids.astype("<i4").tobytes()
                       for text in subreader.lexicon(field)}
    return kept


def _sections(subreader) -> dict[str, bytes]:
    """The cache file's sections, each encoded on its own: marshal, or int32 arrays for lengths."""
    rows = _build_facets(subreader)
    sections = {"facets": marshal.dumps(rows), "bits": marshal.dumps(segment_bits(rows)),
                "keywords": marshal.dumps(_build_keywords(subreader))}
    for field in _scorable(subreader):
        sections[f"lengths:{field}"] = np.asarray(_build_lengths(subreader, field), dtype="<i4").tobytes()
    for field in TERM_FIELDS:
        if field in subreader.schema:
            sections[f"terms:{field}"] = marshal.dumps(_build_terms(subreader, field))
    return sections


def write_cache_file(path: Path, docs: int, sections: dict[str, bytes]) -> None:
    """A cache file: 8 bytes giving the header's length, the header (marshal: format, document
    count, and each section's offset and length), then the sections; written by rename."""
    offsets, offset = {}, 0
    for name, raw in sections.items():
        offsets[name] = (offset, len(raw))
        offset += len(raw)
    _write_with_header(path, {"format": CACHE_FORMAT, "docs": docs, "sections": offsets}, sections.values())


def _write_with_header(path: Path, header: dict, chunks) -> None:
    """8 bytes giving the marshalled header's length, the header, then the chunks; by rename."""
    raw = marshal.dumps(header)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}")
    with open(temporary, "wb") as out:
        out.write(len(raw).to_bytes(8, "little"))
        out.write(raw)
        for chunk in chunks:
            out.write(chunk)
    os.replace(temporary, path)


def _read_header(file) -> tuple[dict, int]:
    """The header of a file `_write_with_header` wrote, and where its chunks start."""
    length = int.from_bytes(file.read(8), "little")
    if length > os.fstat(file.fileno()).st_size - 8:
        raise ValueError("not a file of ours")
    header = marshal.loads(file.read(length))
    if not isinstance(header, dict):
        raise ValueError("not a file of ours")
    return header, 8 + length


def read_cache_file(path: Path, sections=None) -> tuple[dict, dict[str, bytes]]:
    """(header, {section: bytes}) of a cache file, the sections named (all when None) read alone."""
    with open(path, "rb") as file:
        header, start = _read_header(file)
        if not isinstance(header.get("sections"), dict):
            raise ValueError("not a cache file")
        found = {}
        for name in header["sections"] if sections is None else sections:
            if name in header["sections"]:
                offset, size = header["sections"][name]
                file.seek(start + offset)
                found[name] = file.read(size)
                if len(found[name]) != size:
                    raise ValueError("a cache file cut short")
    return header, found


def write_segment_caches(index_folder: Path, searcher) -> int:
    """Writes the cache file of every segment of `searcher` that has none and removes those of
    segments no longer in the index; returns how many it wrote. Run by the follower after a commit.
    Each section is marshalled on its own, so a worker loads only those its searches need."""
    folder = Path(index_folder) / CACHE_FOLDER
    folder.mkdir(exist_ok=True)
    keep, written = set(), 0
    for _, subreader in segment_readers(searcher.reader()):
        name = cache_file_name(_segment_key(subreader))
        keep.update((name, postings_file_name(_segment_key(subreader))))
        if (folder / name).exists():
            continue
        postings = folder / postings_file_name(_segment_key(subreader))
        if subreader.doc_count_all() >= FREQUENT_FROM_DOCS and not postings.exists():  # else written by its writer
            _write_frequent_postings(postings, subreader)
        write_cache_file(folder / name, subreader.doc_count_all(), _sections(subreader))
        written += 1
    for path in folder.iterdir():
        if path.name not in keep:
            path.unlink(missing_ok=True)
    return written


class Postings(NamedTuple):
    ids: np.ndarray  # local docnums, sorted
    weights: np.ndarray  # float64, one per docnum


def postings_file_name(segment_key: str) -> str:
    return f"{segment_key}.v{CACHE_FORMAT}.postings"


def frequent_least(docs: int) -> int:
    """The fewest documents a term of a segment of `docs` documents is in to be frequent."""
    return max(FREQUENT_MIN_POSTINGS, docs // FREQUENT_SHARE)


def write_frequent_postings(path: Path, docs: int, terms: dict[tuple[str, str], tuple]) -> None:
    """The posting lists of a large segment's frequent terms (in `FREQUENT_FIELDS`, in at least
    `frequent_least` documents), `{(field, term): (ids, weights)}`, as plain arrays: an index
    (marshal: document count, and per (field, term) its offset and length), then int32 ids and
    float32 weights (Whoosh's own weight precision) per term. A fresh worker reads one term's slice
    instead of decoding Whoosh's blocks."""
    index, chunks, offset = {}, [], 0
    for key in sorted(terms):
        ids, weights = terms[key]
        chunk = np.asarray(ids, dtype="<i4").tobytes() + np.asarray(weights, dtype="<f4").tobytes()
        index[key] = (offset, len(ids))
        chunks.append(chunk)
        offset += len(chunk)
    _write_with_header(path, {"format": CACHE_FORMAT, "docs": docs, "terms": index}, chunks)


def _write_frequent_postings(path: Path, subreader) -> None:
    """The frequent terms' postings of a segment read back from its files."""
    least = frequent_least(subreader.doc_count_all())
    terms = {}
    for field in FREQUENT_FIELDS:
        if field not in subreader.schema:
            continue
        for (name, text), info in subreader._terms.items_from(field, b""):
            if name != field:
                break
            if info.doc_frequency() >= least:
                postings = _read_postings(subreader, field, text)
                terms[(field, text.decode("utf-8"))] = (postings.ids, postings.weights)
    write_frequent_postings(path, subreader.doc_count_all(), terms)


class _FrequentPostings:
    """A segment's file of frequent terms' postings, opened once: `get` reads one term's slice."""

    def __init__(self, path: Path, docs: int):
        self.terms: dict = {}
        self.path = path
        try:
            with open(path, "rb") as file:
                header, start = _read_header(file)
        except (OSError, EOFError, ValueError, TypeError):
            return
        if header.get("format") == CACHE_FORMAT and header.get("docs") == docs:
            self.terms = header.get("terms") or {}
            self.start = start

    def get(self, field: str, text: str) -> Postings | None:
        found = self.terms.get((field, text))
        if found is None:
            return None
        offset, count = found
        try:
            with open(self.path, "rb") as file:
                file.seek(self.start + offset)
                raw = file.read(8 * count)
        except OSError:
            return None
        if len(raw) != 8 * count:
            return None
        return Postings(np.frombuffer(raw, dtype="<i4", count=count).astype(np.int64),
                        np.frombuffer(raw, dtype="<f4", offset=4 * count).astype(np.float64))


def _read_postings(subreader, field: str, text: bytes) -> Postings:
    """A term's postings in one segment (deleted documents included): the whole posting list read
    at once and its blocks decoded from memory, as Whoosh's W3 codec wrote them."""
    try:
        matcher = subreader._terms.matcher(field, text, subreader.schema[field].format)
    except (TermNotFound, KeyError):
        return Postings(_NO_DOCS, _NO_WEIGHTS)
    if not isinstance(matcher, W3LeafMatcher):
        return _postings_of(matcher)
    extent = matcher._length[0] if isinstance(matcher._length, tuple) else matcher._length  # a 1-tuple in 2.7.4
    raw = memoryview(matcher._postfile.get(matcher._startoffset, extent))
    if raw[:4] != WHOOSH3_HEADER_MAGIC:
        return _postings_of(subreader._terms.matcher(field, text, subreader.schema[field].format))
    ids: list = []
    weights: list = []
    position, end = 4, len(raw)
    while position < end:
        length = int.from_bytes(raw[position:position + 4], "big", signed=True)
        position += 4
        stop = position + abs(length)
        block = io.BytesIO(raw[position:stop])
        count, _, _, compression, _, _ = pickle.load(block)
        data = raw[position + block.tell():stop]
        block_ids, block_weights, _ = pickle.loads(zlib.decompress(data) if compression else data)
        block_ids = np.asarray(block_ids, dtype=np.int64)
        ids.append(block_ids if matcher._byteids else np.cumsum(block_ids))  # delta-coded from 0 in each block
        weights.append(np.ones(count) if block_weights is None else np.full(count, block_weights, dtype=np.float64)
                       if isinstance(block_weights, float) else np.asarray(block_weights, dtype=np.float64))
        position = stop
        if length < 0:
            break
    if not ids:
        return Postings(_NO_DOCS, _NO_WEIGHTS)
    return Postings(np.concatenate(ids), np.concatenate(weights))


def _postings_of(matcher) -> Postings:
    """Postings read through Whoosh's matcher, a block at a time (any matcher)."""
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return Postings(np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64))


class SegmentCaches:
    def __init__(self):
        self._lock = threading.Lock()
        self._postings: OrderedDict = OrderedDict()
        self._postings_size = 0
        self._facets: dict[str, list] = {}
        self._terms: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
        self._joined: dict[tuple, list] = {}
        self._populations: OrderedDict = OrderedDict()
        self._stored: dict[str, dict] = {}

    def _from_disk(self, subreader, key: str, section: str):
        """A section of the segment's cache file, read and decoded once; None when there is no file
        that fits the segment, or it has no such section."""
        found = self._stored.get((key, section))
        if found is None:
            found = _MISSING
            folder = _cache_folder(subreader)
            try:
                header, raw = read_cache_file(folder / cache_file_name(key), [section]) if folder else ({}, {})
                if header.get("format") == CACHE_FORMAT and header.get("docs") == subreader.doc_count_all() \
                        and section in raw:
                    found = np.frombuffer(raw[section], dtype="<i4") if section.startswith("lengths:") \
                        else _load(raw[section])
            except (OSError, EOFError, ValueError, TypeError):
                found = _MISSING
            with self._lock:
                self._remember(self._stored, (key, section), found)
        return None if found is _MISSING else found

    def _remember(self, store: dict, key, value):
        if len(store) > (_MAX_SECTIONS if store is self._stored else _MAX_SEGMENTS):
            store.clear()
        store[key] = value
        return value

    # ---- facets --------------------------------------------------------------------

    def doc_facets(self, searcher) -> list:
        """Per global docnum: (status, organisations, ((facet, value), ...), updated, (start, end)) or None."""
        parts = segment_readers(searcher.reader())
        key = tuple(_segment_key(r) for _, r in parts)
        joined = self._joined.get(key)
        if joined is not None:
            return joined
        combined: list = []
        for _, subreader in parts:
            combined.extend(self._segment_facets(subreader))
        with self._lock:
            return self._remember(self._joined, key, combined)

    def facet_bits(self, searcher) -> FacetBits:
        """The bitsets of every facet value and period, over global docnums (see `facets.py`)."""
        parts = segment_readers(searcher.reader())
        key = (*(_segment_key(r) for _, r in parts), "bits")
        joined = self._joined.get(key)
        if joined is not None:
            return joined
        pieces, size = [], 0
        for offset, subreader in parts:
            pieces.append((offset, self._segment_bits(subreader)))
            size = offset + subreader.doc_count_all()
        with self._lock:
            return self._remember(self._joined, key, FacetBits.joined(pieces, size))

    def _segment_bits(self, subreader) -> dict:
        key = _segment_key(subreader)
        bits = self._from_disk(subreader, key, "bits")
        return bits if bits is not None else segment_bits(self._segment_facets(subreader))

    def _segment_facets(self, subreader) -> list:
        key = _segment_key(subreader)
        cached = self._facets.get(key)
        if cached is not None:
            return cached
        rows = self._from_disk(subreader, key, "facets")
        if rows is None:
            rows = _build_facets(subreader)
        with self._lock:
            return self._remember(self._facets, key, rows)

    # ---- postings and lengths ---------------------------------------------------------

    def postings(self, subreader, segment_key: str, field: str, text: str) -> Postings:
        """One term's local docnums (sorted) and weights in one segment, deleted documents included."""
        key = (segment_key, field, text)
        found = self._postings.get(key)
        if found is not None:
            return found
        found = self.frequent(subreader, segment_key).get(field, text)
        if found is None:
            found = _read_postings(subreader, field, subreader._text_to_bytes(field, text))
        with self._lock:
            self._postings[key] = found
            self._postings_size += len(found.ids) + 1
            while self._postings_size > _MAX_CACHED_POSTINGS and self._postings:
                _, evicted = self._postings.popitem(last=False)
                self._postings_size -= len(evicted.ids) + 1
        return found

    def frequent(self, subreader, segment_key: str) -> _FrequentPostings:
        """The segment's file of frequent terms' postings (its index read once)."""
        key = (segment_key, "frequent")
        found = self._facets.get(key)
        if found is None:
            folder = _cache_folder(subreader)
            found = _FrequentPostings(folder / postings_file_name(segment_key) if folder else Path("/nonexistent"),
                                      subreader.doc_count_all())
            with self._lock:
                self._remember(self._facets, key, found)
        return found

    def docs_of(self, subreader, segment_key: str, field: str, text: str) -> np.ndarray:
        """The term's local docnums in one segment (deleted ones included): the filters' fields from
        the cache file, the others from the postings."""
        if field in KEYWORD_FIELDS:
            kept = self._keywords(subreader, segment_key)
            if kept is not None and field in kept:
                return kept[field].get(text, _NO_DOCS)
        return self.postings(subreader, segment_key, field, text).ids

    def _keywords(self, subreader, segment_key: str) -> dict | None:
        key = (segment_key, "keywords")
        found = self._facets.get(key)
        if found is None:
            kept = self._from_disk(subreader, segment_key, "keywords")
            found = _MISSING if kept is None else {
                field: {value: np.frombuffer(docs, dtype="<i4").astype(np.int64) for value, docs in values.items()}
                for field, values in kept.items()}
            with self._lock:
                self._remember(self._facets, key, found)
        return None if found is _MISSING else found

    def published_docs(self, subreader, segment_key: str) -> np.ndarray:
        """Per local docnum of the segment, whether it is a published example (deleted ones included)."""
        key = (segment_key, "published")
        found = self._facets.get(key)
        if found is None:
            found = np.zeros(subreader.doc_count_all(), dtype=bool)
            kept = self._keywords(subreader, segment_key)
            if kept is not None and "status" in kept and "kind" in kept:
                found[kept["status"].get("published", _NO_DOCS)] = True
                examples = np.zeros_like(found)
                examples[kept["kind"].get("example", _NO_DOCS)] = True
                found &= examples
            else:
                rows = self._segment_facets(subreader)
                found[[n for n, row in enumerate(rows) if row is not None and row[0] == "published"]] = True
            with self._lock:
                self._remember(self._facets, key, found)
        return found

    def segment_lengths(self, subreader, segment_key: str, field: str) -> np.ndarray:
        key = (segment_key, "lengths", field)
        lengths = self._facets.get(key)
        if lengths is None:
            lengths = self._from_disk(subreader, segment_key, f"lengths:{field}")
            if lengths is None:
                lengths = _build_lengths(subreader, field)
            lengths = np.asarray(lengths, dtype=np.float64)
            with self._lock:
                self._remember(self._facets, key, lengths)
        return lengths

    def population(self, key: tuple, build: Callable):
        """What `build` makes for one state of the index (segments and their deletions), kept for the
        few newest states."""
        found = self._populations.get(key)
        if found is None:
            found = build()
            with self._lock:
                self._populations[key] = found
                while len(self._populations) > _MAX_POPULATIONS:
                    self._populations.popitem(last=False)
        return found

    # ---- terms ---------------------------------------------------------------------

    def terms(self, searcher, field: str) -> list[tuple[list[str], list[str]]]:
        """Per segment: the field's terms sorted, and the same terms reversed and sorted."""
        result = []
        for _, subreader in segment_readers(searcher.reader()):
            key = (_segment_key(subreader), field)
            cached = self._terms.get(key)
            if cached is None:
                cached = self._from_disk(subreader, key[0], f"terms:{field}") or _build_terms(subreader, field)
                with self._lock:
                    cached = self._remember(self._terms, key, tuple(cached))
            result.append(cached)
        return result

    def with_prefix(self, searcher, field: str, prefix: str, limit: int = 200,
                    accept: Callable[[str], bool] | None = None) -> list[str]:
        """The first `limit` terms (sorted) that start with `prefix`, counting only those `accept` takes."""
        found: set[str] = set()
        for forward, _ in self.terms(searcher, field):
            found.update(_take(forward, prefix, limit, accept))
        return sorted(found)[:limit]

    def with_suffix(self, searcher, field: str, suffix: str, limit: int = 200,
                    accept: Callable[[str], bool] | None = None) -> list[str]:
        """The first `limit` terms (sorted reversed) that end with `suffix`, counting only those `accept` takes."""
        found: set[str] = set()
        for _, backward in self.terms(searcher, field):
            found.update(t[::-1] for t in _take(backward, suffix[::-1], limit, accept and (lambda t: accept(t[::-1]))))
        return sorted(sorted(found, key=lambda t: t[::-1])[:limit])


def _take(ordered: list[str], prefix: str, limit: int, accept) -> list[str]:
    taken: list[str] = []
    for position in range(bisect_left(ordered, prefix), len(ordered)):
        term = ordered[position]
        if not term.startswith(prefix) or len(taken) >= limit:
            break
        if accept is None or accept(term):
            taken.append(term)
    return taken


__all__ = ["SegmentCaches", "FACETS", "write_segment_caches"]
