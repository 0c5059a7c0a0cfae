"""Matching and ranking over whole posting lists.

Totals and facet counts need every match, not only the top ten, and Whoosh's matcher
tree walks postings one at a time in Python. Here each term's postings are read a block
at a time into arrays and kept per segment (segments never change); a query's documents are
a boolean mask over the index's document numbers, combined with numpy's and/or/not; only the
matched documents are scored, with BM25 over the stored weights (which already carry the title
and summary boosts and the `exact` field boost), a term at a time over its postings. Phrases
and wildcards, which need positions or expansion, are matched by Whoosh.

The statistics (document count, document frequencies, average lengths) count published
examples only, the same population for every reader: a draft is found by those who may
read it, but never changes anyone's scores or the query rules (`query.py`).

Masks that `docs` and `term_docs` return may be shared: callers make new ones (`a & b`) and
never change them in place.
"""

import math
from collections.abc import Callable

import numpy as np
from whoosh import query as Q

from .facets import docs_in_year
from .segments import segment_readers

K1 = 1.2
B = 0.75
MAX_PREFIX_TERMS = 200
SPLIT_BOOST = 0.3


class _Part:
    """One segment as this search sees it."""

    def __init__(self, offset: int, reader):
        self.offset = offset
        self.reader = reader
        self.count = reader.doc_count_all()
        self.deleted = frozenset(reader._perdoc.deleted_docs()) if reader.has_deletions() else frozenset()
        self.key = reader.segment().segment_id()


class Published:
    """The published examples of one state of the index (a mask over its documents, deleted ones
    left out), which documents are alive, and the statistics."""

    MAX_FREQUENCIES = 200_000

    def __init__(self, docs: np.ndarray, alive: np.ndarray, uncounted: dict[str, int]):
        self.docs = docs
        self.alive = alive
        self.count = int(np.count_nonzero(docs))
        self.uncounted = uncounted
        self.frequencies: dict[tuple[str, str], int] = {}
        self.presence: dict[tuple[str, str], bool] = {}
        self.average_lengths: dict[str, float] = {}
        self.norms: dict[tuple[str, str], np.ndarray] = {}


class Evaluator:
    def __init__(self, searcher, caches):
        self.searcher = searcher
        self.caches = caches
        self.parts = [_Part(offset, reader) for offset, reader in segment_readers(searcher.reader())]
        self.size = self.parts[-1].offset + self.parts[-1].count if self.parts else 0
        self._docs: dict[tuple[str, str], np.ndarray] = {}
        self._published: Published | None = None

    def empty(self) -> np.ndarray:
        return np.zeros(self.size, dtype=bool)

    # ---- the published population ----------------------------------------------------

    @property
    def published(self) -> Published:
        if self._published is None:
            key = tuple((part.key, len(part.deleted)) for part in self.parts)
            self._published = self.caches.population(key, self._published_now)
        return self._published

    def _published_now(self) -> Published:
        alive = np.ones(self.size, dtype=bool)
        docs = self.empty()
        uncounted = {}
        for part in self.parts:
            end = part.offset + part.count
            if part.deleted:
                alive[np.fromiter(part.deleted, dtype=np.int64, count=len(part.deleted)) + part.offset] = False
            docs[part.offset:end] = self.caches.published_docs(part.reader, part.key) & alive[part.offset:end]
            uncounted[part.key] = part.count - int(np.count_nonzero(docs[part.offset:end]))
        return Published(docs, alive, uncounted)

    def _ids(self, part: _Part, field: str, text: str) -> np.ndarray:
        """The term's documents in one segment as global docnums (deleted ones included)."""
        ids = self.caches.docs_of(part.reader, part.key, field, text)
        return ids + part.offset if part.offset and len(ids) else ids

    def df(self, field: str, text: str) -> int:
        """How many published examples have the term: the document frequency of every ranking and rule."""
        published = self.published
        key = (field, text)
        found = published.frequencies.get(key)
        if found is None:
            found = sum(int(np.count_nonzero(published.docs[self._ids(part, field, text)])) for part in self.parts)
            if len(published.frequencies) > Published.MAX_FREQUENCIES:
                published.frequencies.clear()
            published.frequencies[key] = found
        return found

    def has_published(self, field: str, text: str) -> bool:
        """Whether a published example has the term (the query rules' test). A segment whose
        postings of the term outnumber its documents that are not counted (drafts, meetings,
        deleted) has one, so postings are read only where that leaves a doubt."""
        published = self.published
        key = (field, text)
        found = published.presence.get(key)
        if found is None:
            known = published.frequencies.get(key)
            found = known > 0 if known is not None else any(self._part_has_published(part, field, text)
                                                             for part in self.parts)
            if len(published.presence) > Published.MAX_FREQUENCIES:
                published.presence.clear()
            published.presence[key] = found
        return found

    def _part_has_published(self, part: _Part, field: str, text: str) -> bool:
        stored = part.reader.doc_frequency(field, text)
        if not stored:
            return False
        if stored > self.published.uncounted[part.key]:
            return True
        return bool(self.published.docs[self._ids(part, field, text)].any())

    def in_published(self, field: str) -> Callable[[str], bool]:
        """Whether a term of `field` occurs in a published example (for term lists)."""
        return lambda text: self.has_published(field, text)

    def average_length(self, field: str) -> float:
        published = self.published
        found = published.average_lengths.get(field)
        if found is None:
            total = 0.0
            for part in self.parts:
                lengths = self.caches.segment_lengths(part.reader, part.key, field)
                total += float(lengths[published.docs[part.offset:part.offset + part.count]].sum())
            found = published.average_lengths[field] = total / published.count if published.count else 0.0
        return found

    # ---- matching ------------------------------------------------------------------

    def everything(self) -> np.ndarray:
        return self.published.alive

    def term_docs(self, field: str, text: str) -> np.ndarray:
        key = (field, text)
        found = self._docs.get(key)
        if found is None:
            found = self.empty()
            for part in self.parts:
                found[self._ids(part, field, text)] = True
            if any(part.deleted for part in self.parts):
                found &= self.published.alive
            self._docs[key] = found
        return found

    def _prefix_terms(self, node) -> tuple[list[str], list[str]]:
        """The terms a prefix stands for: the first of those published examples have, then words only
        drafts have (which match those drafts only)."""
        field, prefix = node.fieldname, node.text
        published = self.caches.with_prefix(self.searcher, field, prefix, limit=MAX_PREFIX_TERMS,
                                            accept=self.in_published(field))
        drafts_only = [t for t in self.caches.with_prefix(self.searcher, field, prefix, limit=MAX_PREFIX_TERMS)
                       if not self.has_published(field, t)]
        return published, drafts_only

    def docs(self, node: Q.Query) -> np.ndarray:
        """The documents of a query, as a mask (alive ones only)."""
        if isinstance(node, Q.Term) and node.fieldname == "year":
            year = str(node.text)
            return (docs_in_year(self.caches.facet_bits(self.searcher), int(year)) & self.everything()
                    if year.isdigit() else self.empty())
        if isinstance(node, Q.Term):
            return self.term_docs(node.fieldname, node.text)
        if isinstance(node, Q.ConstantScoreQuery):
            return self.docs(node.child)
        if isinstance(node, Q.Or):
            result = self.empty()
            for child in node.subqueries:
                result |= self.docs(child)
            return result
        if isinstance(node, Q.And):
            children = [self.docs(c) for c in node.subqueries if not isinstance(c, Q.Not)]
            negatives = [c.query for c in node.subqueries if isinstance(c, Q.Not)]
            result = self.everything().copy() if not children else children[0].copy()
            for other in children[1:]:
                result &= other
            for negative in negatives:
                result &= ~self.docs(negative)
            return result
        if isinstance(node, Q.AndNot):
            return self.docs(node.a) & ~self.docs(node.b)
        if isinstance(node, Q.Not):
            return self.everything() & ~self.docs(node.query)
        if isinstance(node, Q.Every):
            return self.everything().copy()
        if isinstance(node, Q.Prefix):
            result = self.empty()
            published, drafts_only = self._prefix_terms(node)
            for term in published + drafts_only:
                result |= self.term_docs(node.fieldname, term)
            return result
        result = self.empty()
        result[list(self.searcher.docs_for_query(node))] = True
        return result & self.everything()

    # ---- ranking -------------------------------------------------------------------

    def _norms(self, part: _Part, field: str) -> np.ndarray:
        """BM25's length normalisation of each document of a segment, for this population."""
        published = self.published
        key = (part.key, field)
        found = published.norms.get(key)
        if found is None:
            average = self.average_length(field) or 1.0
            base, scale = K1 * (1 - B), K1 * B / average
            found = base + scale * self.caches.segment_lengths(part.reader, part.key, field)
            if len(published.norms) > 4 * len(self.parts) + 16:
                published.norms.clear()
            published.norms[key] = found
        return found

    def scores(self, node: Q.Query, matched: np.ndarray) -> np.ndarray:
        """BM25 per document with the published population's statistics (0 where not matched)."""
        scores = np.zeros(self.size, dtype=np.float64)
        total_docs = self.published.count
        saturation = K1 + 1
        for field, text, boost in self._leaves(node, 1.0):
            found = []
            for part in self.parts:
                postings = self.caches.postings(part.reader, part.key, field, text)
                if len(postings.ids):
                    chosen = matched[postings.ids + part.offset]
                    if chosen.any():
                        found.append((part, postings.ids[chosen], postings.weights[chosen]))
            if not found:
                continue
            df = self.df(field, text)
            factor = boost * math.log(1.0 + (total_docs - df + 0.5) / (df + 0.5)) * saturation
            for part, ids, weights in found:
                scores[ids + part.offset] += factor * weights / (weights + self._norms(part, field)[ids])
        return scores

    def _leaves(self, node, boost: float):
        boost *= getattr(node, "boost", 1.0) or 1.0
        if isinstance(node, Q.Term):
            yield node.fieldname, node.text, boost
        elif isinstance(node, (Q.Or, Q.And)):
            for child in node.subqueries:
                if not isinstance(child, Q.Not):
                    yield from self._leaves(child, boost)
        elif isinstance(node, Q.AndNot):
            yield from self._leaves(node.a, boost)
        elif isinstance(node, Q.SpanNear2):
            for child in node.qs:
                yield from self._leaves(child, boost * SPLIT_BOOST)
        elif isinstance(node, Q.SpanOr):
            for child in node.subqs:
                yield from self._leaves(child, boost)
        elif isinstance(node, Q.Phrase):
            for word in node.words:
                yield node.fieldname, word, boost
        elif isinstance(node, Q.Prefix):
            published, drafts_only = self._prefix_terms(node)
            for term in published[:50] + drafts_only[:50]:
                yield node.fieldname, term, boost * 0.5
