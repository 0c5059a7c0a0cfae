"""A field's posting lists written in Whoosh's W3 format from arrays, all terms at once.

Whoosh's `W3PostingsWriter` takes one posting at a time and pickles each block's ids, weights
and values from Python lists. Here a field's postings come as arrays grouped by term
(`FieldPostings`), and the pickled items of every posting are made by numpy in one go; a block
is then a few slices of those buffers. What a reader gets is what Whoosh's writer gives: the
same blocks of `blocklimit` postings, the same block infos and term infos, and block data that
unpickles to the same ids, weights and values. The data pickles hold bytes with protocol 3's
opcode rather than protocol 2's call of `_codecs.encode`, which is also cheaper to read.
"""

import pickle
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import byte_to_length

_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.int64)
_LONGEST = 106374  # `length_to_byte` gives 255 from here on


def length_bytes(lengths: np.ndarray) -> np.ndarray:
    """`whoosh.util.numeric.length_to_byte` of each length."""
    return np.where(lengths >= _LONGEST, 255, np.searchsorted(_LENGTHS, lengths, side="left"))


@dataclass
class FieldPostings:
    """A field's postings grouped by term, in the order of its terms (UTF-8 bytes, sorted), each
    term's postings in the order of their documents. Posting i's value is
    `values[bounds[i]:bounds[i + 1]]`."""

    terms: list[bytes]
    starts: np.ndarray  # each term's first posting
    docs: np.ndarray  # int64
    weights: np.ndarray  # float64
    values: bytes | memoryview
    bounds: np.ndarray  # int64, one more than there are postings

    @classmethod
    def empty(cls) -> "FieldPostings":
        return cls([], np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), b"", np.zeros(1, np.int64))

    @classmethod
    def from_lists(cls, entries: dict) -> "FieldPostings":
        """From `{term: (docnums, weights, values)}`, terms as str or bytes, values bytes or None."""
        if not entries:
            return cls.empty()
        keyed = sorted((key.encode("utf-8") if isinstance(key, str) else key, found) for key, found in entries.items())
        counts = np.array([len(found[0]) for _, found in keyed], dtype=np.int64)
        docs = np.fromiter(chain.from_iterable(found[0] for _, found in keyed), dtype=np.int64, count=int(counts.sum()))
        weights = np.fromiter(chain.from_iterable(found[1] for _, found in keyed), dtype=np.float64, count=len(docs))
        values = [value or b"" for value in chain.from_iterable(found[2] for _, found in keyed)]  # None: no value
        bounds = np.zeros(len(values) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, values), dtype=np.int64, count=len(values)), out=bounds[1:])
        return cls([key for key, _ in keyed], np.cumsum(counts) - counts, docs, weights, b"".join(values), bounds)

    @classmethod
    def concatenated(cls, parts: list["FieldPostings"]) -> "FieldPostings":
        """Postings of terms given in order, each term in one part."""
        parts = [part for part in parts if part.terms]
        if len(parts) <= 1:
            return parts[0] if parts else cls.empty()
        posting_offsets = np.cumsum([0, *(len(part.docs) for part in parts)])
        value_offsets = np.cumsum([0, *(int(part.bounds[-1]) for part in parts)])
        return cls([term for part in parts for term in part.terms],
                   np.concatenate([part.starts + offset for part, offset in zip(parts, posting_offsets)]),
                   np.concatenate([part.docs for part in parts]), np.concatenate([part.weights for part in parts]),
                   memoryview(np.concatenate([np.frombuffer(part.values, dtype=np.uint8) for part in parts])),
                   np.concatenate([parts[0].bounds[:1], *(part.bounds[1:] + offset
                                                        for part, offset in zip(parts, value_offsets))]))

    def frequent(self, least: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """The document numbers and weights of each term with at least `least` postings."""
        counts = self.counts()
        found = {}
        for n in np.flatnonzero(counts >= least).tolist():
            start, end = int(self.starts[n]), int(self.starts[n] + counts[n])
            found[self.terms[n].decode("utf-8")] = (self.docs[start:end], self.weights[start:end])
        return found

    def counts(self) -> np.ndarray:
        return np.diff(np.append(self.starts, len(self.docs)))

    def merged(self, other: "FieldPostings") -> "FieldPostings":
        """Both sets of postings; for a term in both, this one's postings come first (a segment's
        added documents are numbered before the ones merged into it)."""
        if not other.terms:
            return self
        if not self.terms:
            return other
        terms = sorted(set(self.terms) | set(other.terms))
        rank = {term: n for n, term in enumerate(terms)}
        keys = np.concatenate([np.repeat([rank[t] for t in self.terms], self.counts()),
                               np.repeat([rank[t] for t in other.terms], other.counts())])
        order = np.argsort(keys, kind="stable")
        lengths = np.concatenate([np.diff(self.bounds), np.diff(other.bounds)])[order]
        value_bounds = np.concatenate([self.bounds[:-1], other.bounds + int(self.bounds[-1])])
        joined = memoryview(np.concatenate([np.frombuffer(self.values, dtype=np.uint8),
                                            np.frombuffer(other.values, dtype=np.uint8)]))
        runs = np.flatnonzero(np.diff(order) != 1) + 1  # postings that stay together keep their bytes together
        run_starts, run_ends = order[np.concatenate([[0], runs])], order[np.concatenate([runs - 1, [len(order) - 1]])] + 1
        values = b"".join(joined[a:b] for a, b in zip(value_bounds[run_starts].tolist(), value_bounds[run_ends].tolist()))
        bounds = np.zeros(len(order) + 1, dtype=np.int64)
        np.cumsum(lengths, out=bounds[1:])
        keys = keys[order]
        return FieldPostings(terms, np.flatnonzero(np.diff(keys, prepend=-1)),
                             np.concatenate([self.docs, other.docs])[order],
                             np.concatenate([self.weights, other.weights])[order], values, bounds)

    def slices(self, most: int) -> Iterator["FieldPostings"]:
        """These postings in parts of whole terms, each of about `most` postings (a term with
        more is a part of its own), so that writing them never needs arrays of all at once."""
        if len(self.docs) <= most:
            yield self
            return
        at = np.searchsorted(self.starts, np.arange(most, len(self.docs), most))
        cuts = np.unique(at[(at > 0) & (at < len(self.starts))]).tolist()
        for first, last in zip([0, *cuts], [*cuts, len(self.starts)]):
            start = int(self.starts[first])
            end = int(self.starts[last]) if last < len(self.starts) else len(self.docs)
            low, high = int(self.bounds[start]), int(self.bounds[end])
            yield FieldPostings(self.terms[first:last], self.starts[first:last] - start, self.docs[start:end],
                                self.weights[start:end], memoryview(self.values)[low:high],
                                self.bounds[start:end + 1] - low)


def place(out: np.ndarray, starts: np.ndarray, lengths: np.ndarray, data: np.ndarray) -> None:
    """Copies `data`, regions of `lengths` one after another, into `out` at `starts` (in order,
    not overlapping), through a mask of the regions: no index per byte."""
    present = lengths > 0
    starts, ends = starts[present], starts[present] + lengths[present]
    edges = np.zeros(len(out) + 1, dtype=np.int8)
    edges[starts] = 1
    edges[ends] -= 1
    out[np.cumsum(edges[:-1], dtype=np.int8).view(bool)] = data


def int_items(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each value (0 <= value < 2**31) as pickle writes an int: "K" and one byte, "M" and two
    (little-endian), or "J" and four. Returns the bytes and each item's offset (one more offset
    than values, the last the end)."""
    sizes = (values >= 0x100).astype(np.int8)
    sizes += values >= 0x10000
    sizes += sizes == 2  # 0, 1, 3: one, two or four bytes after the opcode
    offsets = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    offsets[1:] += np.arange(2, 2 * len(values) + 1, 2)
    out = np.empty(int(offsets[-1]), dtype=np.uint8)
    at = offsets[:-1]
    for size, opcode, dtype in ((0, b"K", "<u1"), (1, b"M", "<u2"), (3, b"J", "<i4")):
        chosen = sizes == size
        where = at[chosen]
        out[where] = ord(opcode)
        raw = values[chosen].astype(dtype).view(np.uint8).reshape(-1, size + 1)
        for i in range(size + 1):
            out[where + 1 + i] = raw[:, i]
    return out, offsets


def _bytes_items(values: bytes, bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each value as a pickled bytes object: "C" and a length byte, or "B" and four (little-endian),
    then the bytes. Returns the bytes and each item's offset (and the end)."""
    lengths = np.diff(bounds)
    heads = np.where(lengths < 0x100, 2, 5)
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(heads + lengths, out=offsets[1:])
    out = np.empty(int(offsets[-1]), dtype=np.uint8)
    at = offsets[:-1]
    short = heads == 2
    out[at[short]] = ord("C")
    out[at[short] + 1] = lengths[short]
    long_at = at[~short]
    out[long_at] = ord("B")
    raw = lengths[~short].astype("<u4").view(np.uint8).reshape(-1, 4)
    for i in range(4):
        out[long_at + 1 + i] = raw[:, i]
    place(out, at + heads, lengths, np.frombuffer(values, dtype=np.uint8))
    return out, offsets


def _pickled_bytes(data: bytes) -> bytes:
    return (b"C" + bytes((len(data),)) if len(data) < 0x100 else b"B" + len(data).to_bytes(4, "little")) + data


def write_terms(fieldwriter, postings: FieldPostings, lengths: np.ndarray | None) -> None:
    """Writes the posting lists and term infos of some of a field's terms, between
    `fieldwriter.start_field` and `finish_field`; called for the field's terms in their order.
    `lengths` gives each document's length in the field (0 for none), for a scorable field."""
    if not postings.terms:
        return
    postwriter = fieldwriter._postwriter
    limit = postwriter._blocklimit
    if postwriter._compression:
        raise ValueError("posting blocks are written uncompressed")
    fixed = fieldwriter._format.fixed_value_size()
    docs, weights = postings.docs, postings.weights
    total = len(docs)
    term_starts = postings.starts
    term_ends = np.append(term_starts[1:], total)
    counts = term_ends - term_starts

    blocks_per_term = (counts + limit - 1) // limit
    block_starts = np.repeat(term_starts, blocks_per_term) + limit * (
        np.arange(int(blocks_per_term.sum())) - np.repeat(np.cumsum(blocks_per_term) - blocks_per_term, blocks_per_term))
    block_ends = np.minimum(block_starts + limit, np.repeat(term_ends, blocks_per_term))

    deltas = docs.copy()
    deltas[1:] -= docs[:-1]
    deltas[block_starts] = docs[block_starts]
    id_bytes, id_offsets = int_items(deltas)

    rounded = weights.astype(np.float32).astype(np.float64)  # a block keeps them as array("f")
    weight_items = np.empty(total, dtype=[("opcode", "u1"), ("value", ">f8")])
    weight_items["opcode"] = ord("G")
    weight_items["value"] = rounded
    weight_bytes = memoryview(weight_items.view(np.uint8))
    all_one = np.logical_and.reduceat(rounded == 1.0, block_starts)
    all_same = np.maximum.reduceat(rounded, block_starts) == np.minimum.reduceat(rounded, block_starts)
    block_max_weights = np.maximum.reduceat(weights, block_starts)

    if lengths is not None and len(lengths):
        posting_lengths = lengths[docs]
    else:
        posting_lengths = np.zeros(total, dtype=np.int64)
    unset = np.iinfo(np.int64).max
    nonzero = np.where(posting_lengths > 0, posting_lengths, unset)
    block_min = np.minimum.reduceat(nonzero, block_starts)
    block_min_bytes = np.where(block_min == unset, 0, length_bytes(np.where(block_min == unset, 0, block_min)))
    block_max_bytes = length_bytes(np.maximum.reduceat(posting_lengths, block_starts))
    term_min = np.minimum.reduceat(nonzero, term_starts)
    term_min_bytes = np.where(term_min == unset, 0, length_bytes(np.where(term_min == unset, 0, term_min)))
    term_max_bytes = length_bytes(np.maximum.reduceat(posting_lengths, term_starts))
    term_weights = np.add.reduceat(rounded, term_starts)
    term_max_weights = np.maximum.reduceat(weights, term_starts)

    if fixed is None or fixed < 0:
        value_bytes, value_offsets = _bytes_items(postings.values, postings.bounds)
        value_bytes, value_offsets = memoryview(value_bytes), value_offsets.tolist()
    elif fixed > 0:
        value_bounds = postings.bounds.tolist()

    id_bytes = memoryview(id_bytes)
    id_offsets = id_offsets.tolist()
    starts_list, ends_list = block_starts.tolist(), block_ends.tolist()
    last_ids = docs[block_ends - 1].tolist()
    block_infos = zip(starts_list, ends_list, last_ids, block_max_weights.tolist(), all_one.tolist(),
                      all_same.tolist(), block_min_bytes.tolist(), block_max_bytes.tolist())
    dumps = pickle.dumps
    values = postings.values
    postfile = fieldwriter._postfile
    tindex = fieldwriter._tindex
    field_id = pack_ushort(fieldwriter._fieldid)
    pack_terminfo = W3TermInfo._struct.pack
    for term, blocks, weight, df, min_byte, max_byte, max_weight, first, last in zip(
            postings.terms, blocks_per_term.tolist(), term_weights.tolist(), counts.tolist(), term_min_bytes.tolist(),
            term_max_bytes.tolist(), term_max_weights.tolist(), docs[term_starts].tolist(),
            docs[term_ends - 1].tolist()):
        pieces = [WHOOSH3_HEADER_MAGIC]
        for n in range(blocks):
            start, end, last_id, block_max, one, same, block_min_byte, block_max_byte = next(block_infos)
            if one:
                weights_part = b"N"
            elif same:
                weights_part = weight_bytes[9 * start:9 * start + 9]
            else:
                weights_part = b"(" + weight_bytes[9 * start:9 * end] + b"t"
            if fixed is None or fixed < 0:
                values_part = b"(" + value_bytes[value_offsets[start]:value_offsets[end]] + b"t"
            elif fixed == 0:
                values_part = b"N"
            else:
                values_part = _pickled_bytes(values[value_bounds[start]:value_bounds[end]])
            data = b"".join((b"\x80\x03(", id_bytes[id_offsets[start]:id_offsets[end]], b"t", weights_part,
                             values_part, b"\x87."))
            info = dumps((end - start, last_id, block_max, 0, block_min_byte, block_max_byte), 2)
            size = len(info) + len(data)
            pieces += (pack_int(-size if n == blocks - 1 else size), info, data)
        written = b"".join(pieces)
        offset = postfile.tell()
        postfile.write(written)
        tindex.add(field_id + term, pack_terminfo(0, weight, df, min_byte, max_byte, max_weight, first, last)
                   + pack_long(offset) + pack_int(len(written)))
