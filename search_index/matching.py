"""Matching and ranking over whole posting lists.

Totals and facet counts need every match, not only the top ten, and Whoosh's matcher
tree walks postings one at a time in Python. Here each term's postings are read a block
at a time and kept per segment (segments never change), queries combine as Python sets,
and only the matched documents are scored, with BM25 over the stored weights (which
already carry the title and summary boosts and the `exact` field boost). Phrases and
wildcards, which need positions or expansion, are matched by Whoosh.

The statistics (document count, document frequencies, average lengths) count published
examples only, the same population for every reader: a draft is found by those who may
read it, but never changes anyone's scores or the query rules (`query.py`).
"""

import math
from bisect import bisect_left
from collections.abc import Callable

from whoosh import query as Q

from .facets import docs_in_year
from .segments import segment_readers

K1 = 1.2
B = 0.75
MAX_PREFIX_TERMS = 200
SPLIT_BOOST = 0.3


class _Part:
    """One segment as this search sees it."""

    def __init__(self, offset: int, reader, caches):
        self.offset = offset
        self.reader = reader
        self.count = reader.doc_count_all()
        self.deleted = frozenset(reader._perdoc.deleted_docs()) if reader.has_deletions() else frozenset()
        self.deleted_global = frozenset(n + offset for n in self.deleted)
        self.key = reader.segment().segment_id()
        self.caches = caches

    def to_global(self, local: frozenset | set) -> set[int] | frozenset:
        if self.deleted:
            local = local - self.deleted
        if not self.offset:
            return local
        offset = self.offset
        return {n + offset for n in local}


class Published:
    """The published examples of one state of the index, and their statistics."""

    MAX_FREQUENCIES = 200_000

    def __init__(self, docs: frozenset[int]):
        self.docs = docs
        self.count = len(docs)
        self.frequencies: dict[tuple[str, str], int] = {}
        self.presence: dict[tuple[str, str], bool] = {}
        self.uncounted: dict[str, int] = {}
        self.average_lengths: dict[str, float] = {}
        self.norms: dict[tuple[str, str], list[float]] = {}


class Evaluator:
    def __init__(self, searcher, caches):
        self.searcher = searcher
        self.caches = caches
        self.parts = [_Part(offset, reader, caches) for offset, reader in segment_readers(searcher.reader())]
        self._all: set[int] | None = None
        self._docs: dict[tuple[str, str], set[int]] = {}
        self._published: Published | None = None

    # ---- the published population ----------------------------------------------------

    @property
    def published(self) -> Published:
        if self._published is None:
            key = tuple((part.key, len(part.deleted)) for part in self.parts)
            self._published = self.caches.population(key, self._published_now)
        return self._published

    def _published_now(self) -> Published:
        docs: set[int] = set()
        counted = {}
        for part in self.parts:
            local = part.to_global(self.caches.published_docs(part.reader, part.key))
            counted[part.key] = part.count - len(local)
            docs |= local
        published = Published(frozenset(docs))
        published.uncounted = counted
        return published

    def df(self, field: str, text: str) -> int:
        """How many published examples have the term: the document frequency of every ranking and rule."""
        published = self.published
        key = (field, text)
        found = published.frequencies.get(key)
        if found is None:
            found = sum(len(self.caches.global_docs(part.reader, part.key, part.offset, field, text) & published.docs)
                        for part in self.parts)
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
        return not self.caches.global_docs(part.reader, part.key, part.offset, field, text).isdisjoint(
            self.published.docs)

    def in_published(self, field: str) -> Callable[[str], bool]:
        """Whether a term of `field` occurs in a published example (for term lists)."""
        return lambda text: self.has_published(field, text)

    def average_length(self, field: str) -> float:
        published = self.published
        found = published.average_lengths.get(field)
        if found is None:
            total = 0
            for part in self.parts:
                lengths = self.caches.segment_lengths(part.reader, part.key, field)
                local = self.caches.published_docs(part.reader, part.key) - part.deleted
                total += sum(lengths[n] for n in local)
            found = published.average_lengths[field] = total / published.count if published.count else 0.0
        return found

    # ---- matching ------------------------------------------------------------------

    def everything(self) -> set[int]:
        if self._all is None:
            result: set[int] = set()
            for part in self.parts:
                result |= part.to_global(self.caches.all_docs(part.reader, part.key))
            self._all = result
        return self._all

    def term_docs(self, field: str, text: str) -> set[int]:
        key = (field, text)
        found = self._docs.get(key)
        if found is None:
            found = set()
            for part in self.parts:
                docs = self.caches.global_docs(part.reader, part.key, part.offset, field, text)
                if docs:
                    found |= (docs - part.deleted_global) if part.deleted_global else docs
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

    def docs(self, node: Q.Query) -> set[int]:
        if isinstance(node, Q.Term) and node.fieldname == "year":
            year = str(node.text)
            return docs_in_year(self.caches.doc_facets(self.searcher), int(year)) if year.isdigit() else set()
        if isinstance(node, Q.Term):
            return self.term_docs(node.fieldname, node.text)  # kept: callers make new sets, never change it
        if isinstance(node, Q.ConstantScoreQuery):
            return self.docs(node.child)
        if isinstance(node, Q.Or):
            result: set[int] = set()
            for child in node.subqueries:
                result |= self.docs(child)
            return result
        if isinstance(node, Q.And):
            children = [c for c in node.subqueries if not isinstance(c, Q.Not)]
            negatives = [c.query for c in node.subqueries if isinstance(c, Q.Not)]
            sets = sorted((self.docs(c) for c in children), key=len) if children else [self.everything()]
            result = sets[0] & sets[1] if len(sets) > 1 else set(sets[0])
            for other in sets[2:]:
                if not result:
                    break
                result &= other
            for negative in negatives:
                result -= self.docs(negative)
            return result
        if isinstance(node, Q.AndNot):
            return self.docs(node.a) - self.docs(node.b)
        if isinstance(node, Q.Not):
            return self.everything() - self.docs(node.query)
        if isinstance(node, Q.Every):
            return set(self.everything())
        if isinstance(node, Q.Prefix):
            result = set()
            published, drafts_only = self._prefix_terms(node)
            for term in published + drafts_only:
                result |= self.term_docs(node.fieldname, term)
            return result
        return set(self.searcher.docs_for_query(node))

    # ---- ranking -------------------------------------------------------------------

    def _norms(self, part: _Part, field: str) -> list[float]:
        """BM25's length normalisation of each document of a segment, for this population."""
        published = self.published
        key = (part.key, field)
        found = published.norms.get(key)
        if found is None:
            average = self.average_length(field) or 1.0
            base, scale = K1 * (1 - B), K1 * B / average
            found = [base + scale * n for n in self.caches.segment_lengths(part.reader, part.key, field)]
            if len(published.norms) > 4 * len(self.parts) + 16:
                published.norms.clear()
            published.norms[key] = found
        return found

    def _by_part(self, candidates: set[int]) -> list[tuple[_Part, set[int]]]:
        """The candidates of each segment, as its local document numbers (segments are consecutive ranges)."""
        ordered = sorted(candidates)
        result, start = [], 0
        for part in self.parts:
            end = bisect_left(ordered, part.offset + part.count, start)
            offset = part.offset
            result.append((part, {d - offset for d in ordered[start:end]}))
            start = end
        return result

    def scores(self, node: Q.Query, candidates: set[int]) -> dict[int, float]:
        """BM25 of each candidate, with the published population's statistics (summed per segment
        over its local document numbers, then given their global numbers)."""
        total_docs = self.published.count
        by_part = [(part, local, dict.fromkeys(local, 0.0)) for part, local in self._by_part(candidates) if local]
        saturation = K1 + 1
        for field, text, boost in self._leaves(node, 1.0):
            found = [(part, local, part_scores, self.caches.postings(part.reader, part.key, field, text))
                     for part, local, part_scores in by_part]
            found = [item for item in found if item[3]]
            if not found:
                continue
            df = self.df(field, text)
            factor = boost * math.log(1.0 + (total_docs - df + 0.5) / (df + 0.5)) * saturation
            for part, local, part_scores, weights in found:
                norms = self._norms(part, field)
                docs = weights.keys() & local if len(weights) < len(local) else local & weights.keys()
                for doc in docs:
                    weight = weights[doc]
                    part_scores[doc] += factor * weight / (weight + norms[doc])
        scores: dict[int, float] = {}
        for part, _, part_scores in by_part:
            offset = part.offset
            scores.update(part_scores if not offset else {doc + offset: s for doc, s in part_scores.items()})
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
