"""The `text` and `exact` postings of many documents, inverted with numpy.

`BulkSegmentWriter` hands each document's title, summary, body and attachment text to
`TextInverter.add`, which only turns its words into numbers (a word is analysed once per writer,
by `analysis.word_terms`). At the segment's end `postings` sorts all words of all documents by
term at once and gives, per term, the document numbers, weights and encoded values that
`TextAnalyzer` with Whoosh's `Positions` format and `ExactAnalyzer` with its `Frequency` format
would give, byte for byte (`FieldPostings`): the same index, without a Python loop per word.
"""

from array import array
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from .analysis import PART_BOOSTS, PART_GAP, PART_SEPARATOR, WORD, word_terms
from .posting_blocks import FieldPostings, int_items, place

_PICKLE_LIST = np.frombuffer(b"\x80\x02]q\x00", dtype=np.uint8)  # protocol 2, an empty list, memo 0
_PICKLE_BATCH = 1000  # pickle writes a longer list in batches; such rare postings are encoded by Whoosh


class _WordIds(dict):
    """Word -> number, a new number for a new word, whose terms are noted in the inverter."""

    def __init__(self, inverter: "TextInverter"):
        super().__init__()
        self.inverter = inverter

    def __missing__(self, word: str) -> int:
        number = self[word] = len(self)
        self.inverter.note_word(word)
        return number


class _Terms:
    """The terms of one field: term -> number, and each word's term number (-1: none)."""

    def __init__(self):
        self.numbers: dict[str, int] = {}
        self.of_word = array("i")

    def note(self, term: str | None) -> None:
        if term is None:
            self.of_word.append(-1)
        else:
            self.of_word.append(self.numbers.setdefault(term, len(self.numbers)))

    def of(self, words: np.ndarray) -> np.ndarray:
        return np.frombuffer(self.of_word, dtype=np.int32)[words]

    def sorted_ranks(self) -> tuple[list[str], np.ndarray]:
        """The terms in their order in the index (by code point, as UTF-8 bytes sort), and each
        term number's rank in it."""
        terms = sorted(self.numbers)
        rank = np.empty(len(terms), dtype=np.int32)
        numbers = self.numbers
        rank[[numbers[term] for term in terms]] = np.arange(len(terms))
        return terms, rank


class TextInverter:
    """A part of a document is lower-cased whole: the same words as lower-casing each word, except
    for the two letters whose lower case is not one word letter (İ) or depends on the next letter
    (Σ), where each word is lower-cased on its own."""

    def __init__(self):
        self.words = _WordIds(self)
        self.text = _Terms()
        self.exact = _Terms()
        self._chunks: list[np.ndarray] = []
        self._docnums: list[int] = []
        self._part_lengths: list[list[int]] = []

    def note_word(self, word: str) -> None:
        folded, spelled = word_terms(word)
        self.text.note(folded)
        self.exact.note(spelled)

    def add(self, docnum: int, text: str) -> tuple[int, int]:
        """Notes one document's words; returns the lengths of its `text` and `exact` fields."""
        number = self.words.__getitem__
        lengths = []
        numbers: list[int] = []
        for part in text.split(PART_SEPARATOR)[:len(PART_BOOSTS)]:
            if "\u0130" in part or "\u03a3" in part:  # lower-cased one word at a time, as the analysers do
                found = list(map(number, map(str.lower, WORD.findall(part))))
            else:
                found = list(map(number, WORD.findall(part.lower())))
            numbers += found
            lengths.append(len(found))
        words = np.array(numbers, dtype=np.int32)
        self._chunks.append(words)
        self._docnums.append(docnum)
        self._part_lengths.append(lengths)
        return int(np.count_nonzero(self.text.of(words) >= 0)), int(np.count_nonzero(self.exact.of(words) >= 0))

    def __bool__(self) -> bool:
        return bool(self._docnums)

    def postings(self, text_format, exact_format) -> dict[str, Iterator[FieldPostings]]:
        """The `text` and `exact` postings of every document added, each field's in batches of
        whole terms, in the order of the terms, so no array holds more than about `BATCH_WORDS`
        words' postings."""
        counts = np.array([len(chunk) for chunk in self._chunks], dtype=np.int64)
        words = np.concatenate(self._chunks) if self._chunks else np.zeros(0, dtype=np.int32)
        self._chunks = []
        doc_of_word = np.repeat(np.arange(len(counts), dtype=np.int32), counts)  # the document's place here
        first_word = np.cumsum(counts) - counts
        part_lengths = [n for lengths in self._part_lengths for n in lengths]
        part_of_word = np.repeat(np.array([i if len(lengths) > 1 else _ONLY_PART
                                           for lengths in self._part_lengths for i in range(len(lengths))],
                                          dtype=np.int8), part_lengths)
        documents = Documents(np.array(self._docnums, dtype=np.int64), doc_of_word, first_word, part_of_word)
        return {
            "text": _invert(self.text, words, documents, text_format.field_boost,
                            lambda word_order, n: _positions_values(documents, word_order, n, text_format)),
            "exact": _invert(self.exact, words, documents, exact_format.field_boost, _frequency_values),
        }


BATCH_WORDS = 1 << 19  # words per batch: its arrays stay small enough for the allocator to reuse
_ONLY_PART = len(PART_BOOSTS)  # a text of one part, weighed 1 as `TextAnalyzer` weighs it
_BOOSTS = np.array([*PART_BOOSTS, 1.0], dtype=np.float64)


@dataclass
class Documents:
    """Where each word is: its document (by its place among those added), and its part."""

    docnums: np.ndarray  # each document's number in the segment
    doc_of_word: np.ndarray
    first_word: np.ndarray  # each document's first word
    part_of_word: np.ndarray

    def positions(self, words: np.ndarray) -> np.ndarray:
        """As `TextAnalyzer` counts them: a word's place in its document, plus `PART_GAP` per part
        before it."""
        parts = self.part_of_word[words].astype(np.int64)
        parts[parts == _ONLY_PART] = 0
        return words - self.first_word[self.doc_of_word[words]] + parts * PART_GAP


def _invert(terms: _Terms, words, documents: Documents, field_boost: float, values_of) -> Iterator[FieldPostings]:
    names, rank = terms.sorted_ranks()
    ranks = np.concatenate([rank, np.array([len(names)], dtype=np.int32)])[terms.of(words)]  # no term (-1): last
    order = np.argsort(ranks, kind="stable")  # words come in document and position order
    kept = int(np.searchsorted(ranks[order], len(names))) if len(order) else 0
    word_order = order[:kept]
    ranks = ranks[word_order]
    del order
    term_bounds = np.flatnonzero(np.diff(ranks, prepend=-1))
    at = np.searchsorted(term_bounds, np.arange(BATCH_WORDS, kept, BATCH_WORDS))
    cuts = np.unique(term_bounds[at[at < len(term_bounds)]])
    for start, end in zip([0, *cuts.tolist()], [*cuts.tolist(), kept]):
        if end > start:
            yield _postings(names, ranks[start:end], word_order[start:end], documents, field_boost, values_of)


def _postings(names: list[str], ranks, word_order, documents: Documents, field_boost: float, values_of) -> FieldPostings:
    """The postings of whole terms' words, given in term, document and position order."""
    docs = documents.doc_of_word[word_order]
    new = np.empty(len(ranks), dtype=bool)
    new[0] = True
    new[1:] = (ranks[1:] != ranks[:-1]) | (docs[1:] != docs[:-1])
    starts = np.flatnonzero(new)
    n = np.diff(np.append(starts, len(ranks)))
    weights = np.add.reduceat(_BOOSTS[documents.part_of_word[word_order]], starts) * field_boost
    term_of_posting = ranks[starts]
    term_starts = np.flatnonzero(np.diff(term_of_posting, prepend=-1))
    values, bounds = values_of(word_order, n)
    return FieldPostings([names[r].encode("utf-8") for r in term_of_posting[term_starts].tolist()], term_starts,
                         documents.docnums[docs[starts]], weights, values, bounds)


def _frequency_values(word_order, n: np.ndarray) -> tuple[bytes, np.ndarray]:
    """`Frequency.encode` of every posting: its count, 4 bytes, big-endian."""
    return n.astype(">u4").tobytes(), np.arange(0, 4 * len(n) + 1, 4, dtype=np.int64)


def _positions_values(documents: Documents, word_order: np.ndarray, n: np.ndarray,
                      text_format) -> tuple[memoryview, np.ndarray]:
    """`Positions.encode` of every posting: the count (4 bytes, big-endian), then the pickle
    (protocol 2) of the list of position deltas. `word_order` gives the words of every posting
    one after another; `n` how many each posting has."""
    ordered = documents.positions(word_order)
    starts = np.cumsum(n) - n
    deltas = ordered.copy()
    deltas[1:] -= ordered[:-1]
    deltas[starts] = ordered[starts]
    items, item_offsets = int_items(deltas)
    del deltas
    many = n > 1
    head = 4 + len(_PICKLE_LIST) + many  # the count, the list, and "(" when many
    item_lengths = item_offsets[starts + n] - item_offsets[starts]
    bounds = np.zeros(len(n) + 1, dtype=np.int64)
    np.cumsum(head + item_lengths + 2, out=bounds[1:])  # then "a." for one item, "e." for many
    offsets, ends = bounds[:-1], bounds[1:]
    out = np.empty(int(bounds[-1]), dtype=np.uint8)
    counts = n.astype(">u4").view(np.uint8).reshape(-1, 4)
    for i in range(4):
        out[offsets + i] = counts[:, i]
    for i, byte in enumerate(_PICKLE_LIST):
        out[offsets + 4 + i] = byte
    out[offsets[many] + 4 + len(_PICKLE_LIST)] = ord("(")
    out[ends - 2] = np.where(many, ord("e"), ord("a"))
    out[ends - 1] = ord(".")
    place(out, offsets + head, item_lengths, items)
    encoded = memoryview(out)
    batched = np.flatnonzero(n > _PICKLE_BATCH).tolist()
    if not batched:
        return encoded, bounds
    values = list(map(encoded.__getitem__, map(slice, offsets.tolist(), ends.tolist())))
    for index in batched:  # pickle writes these lists in batches: left to Whoosh's own encoder
        start = int(starts[index])
        values[index] = text_format.encode(ordered[start:start + int(n[index])].tolist())
    bounds[1:] = np.cumsum([len(value) for value in values])
    return b"".join(values), bounds
