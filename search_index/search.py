"""Searching the index: hits with snippets, facet counts for what the reader may see,
sorting, pages and "Menade du …?"."""

import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone

import numpy as np
from whoosh import query as Q

from .analysis import folded_term, words
from .facets import count_facets, docs_in_year
from .matching import Evaluator
from .query import QueryBuilder
from .segments import SegmentCaches, segment_readers
from .snippets import plain_text, snippet
from .store import SearchIndex

MAX_SUGGESTION_DISTANCE = 2
SNIPPET_FILES = 5
SNIPPET_CHARS = 200_000
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Visibility:
    """What a reader may see: every example, or the published ones plus their organisation's; and
    whether meetings and their minutes (signed-in readers only)."""

    everything: bool = False
    organisation: str | None = None
    meetings: bool = False


@dataclass
class SearchRequest:
    q: str = ""
    filters: dict = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10
    visibility: Visibility = Visibility()


class Searcher:
    def __init__(self, index: SearchIndex, attachment_text=None):
        """`attachment_text(sha256)`: a file's extracted text, for the snippets of hits found in it."""
        self.index = index
        self.attachment_text = attachment_text
        self.caches = SegmentCaches()
        self._memo: dict = {}

    def search(self, request: SearchRequest) -> dict:
        """The answer for `request`; `IndexUnavailable` when there is no readable index (an error that
        comes from a broken one has it set aside for the follower to rebuild)."""
        folder, searcher = self.index.reading()
        with self.index.guarded(folder):
            return self._search(searcher, request)

    def warm(self) -> None:
        """Loads what every search reads (facet bitsets, the filters' documents, length norms, term
        lists, the frequent terms' indexes, an anonymous reader's allowed documents), so that a new
        worker's first search does not. Needs the index; raises what reading it raises."""
        folder, searcher = self.index.reading()
        with self.index.guarded(folder):
            evaluator = Evaluator(searcher, self.caches)
            self.caches.facet_bits(searcher)
            for field in ("text", "exact", "title"):
                for part in evaluator.parts:
                    evaluator._norms(part, field)
                    self.caches.frequent(part.reader, part.key)
            self.caches.terms(searcher, "text")
            self._allowed(searcher, SearchRequest())

    def matching(self, doc_id: str, searches: list[SearchRequest]) -> list[bool]:
        """For each search, whether the document `doc_id` is among its matches (saved searches: does
        a new example match?). One evaluator for all, so shared terms are read once."""
        folder, searcher = self.index.reading()
        with self.index.guarded(folder):
            docnum = searcher.document_number(id=doc_id)
            if docnum is None:
                return [False] * len(searches)
            evaluator = Evaluator(searcher, self.caches)
            builder = QueryBuilder(evaluator, word_memo={})
            built: dict[str, bool] = {}
            answers = []
            for request in searches:
                if not self._allowed(searcher, request)[docnum]:
                    answers.append(False)
                    continue
                if not request.q.strip():
                    answers.append(True)
                    continue
                if request.q not in built:
                    built[request.q] = bool(self._matches_of(builder, evaluator, request.q)[docnum])
                answers.append(built[request.q])
            return answers

    @staticmethod
    def _matches_of(builder, evaluator, q: str) -> np.ndarray:
        query = builder.build(q).query
        try:
            return evaluator.docs(query) if query is not None else evaluator.empty()
        except Exception:  # noqa: BLE001 - a query Whoosh cannot run is searched as plain words
            query = builder.plain(q).query
            return evaluator.docs(query) if query is not None else evaluator.empty()

    def _search(self, searcher, request: SearchRequest) -> dict:
        evaluator = Evaluator(searcher, self.caches)
        built = QueryBuilder(evaluator).build(request.q)
        query = built.query if built.query is not None else (None if request.q.strip() else Q.Every())
        allowed = self._allowed(searcher, request)

        try:
            matched = evaluator.docs(query) & allowed if query is not None else evaluator.empty()
        except Exception:  # noqa: BLE001 - a query Whoosh cannot run is searched as plain words
            logger.exception("search fell back to plain words for %r", request.q)
            built = QueryBuilder(evaluator).plain(request.q)
            query = built.query
            matched = evaluator.docs(query) & allowed if query is not None else evaluator.empty()
        total = int(np.count_nonzero(matched))
        facets = count_facets(self.caches.facet_bits(searcher), matched)

        offset = (request.page - 1) * request.per_page
        by_date = request.sort == "updated" or not request.q.strip()
        if by_date:
            facet_rows = self.caches.doc_facets(searcher)
            ranked = sorted(np.flatnonzero(matched).tolist(),
                            key=lambda d: (facet_rows[d][3] if facet_rows[d] else "", d), reverse=True)
            page = [(d, None) for d in ranked[offset:offset + request.per_page]]
        else:
            scores = evaluator.scores(query, matched) if total else None
            page = best(scores, matched, offset + request.per_page)[offset:] if total else []
        hits = [self._hit(searcher.stored_fields(d), built, score) for d, score in page]
        for hit, (d, _) in zip(hits, page):
            if request.q.strip() and "<mark>" not in hit["snippet"]:
                self._found_in_attachment(hit, searcher.stored_fields(d)["state"], built)

        suggestion = (self._suggest(searcher, evaluator, allowed, request.q, built)
                      if total < 3 and request.q.strip() else None)
        return {"total": total, "page": request.page, "per_page": request.per_page, "hits": hits,
                "facets": facets, "suggestion": suggestion, "position": self.index.position(searcher)}

    def _allowed(self, searcher, request: SearchRequest) -> set[int]:
        clauses: list[Q.Query] = [Q.Term("kind", "example")]
        visibility = request.visibility
        if not visibility.everything:
            published = Q.Term("status", "published")
            clauses.append(Q.Or([published, Q.Term("organisation", visibility.organisation)])
                           if visibility.organisation else published)
        for facet, value in sorted(request.filters.items()):
            if facet != "year":
                clauses.append(Q.Term(facet, value))
        filter_query = Q.And(clauses)
        if visibility.meetings and not request.filters:  # meetings have no facets: a filter leaves them out
            filter_query = Q.Or([filter_query, Q.Term("kind", "meeting")])
        key = (tuple(r.segment().segment_id() for _, r in segment_readers(searcher.reader())), repr(filter_query),
               request.filters.get("year"), datetime.now(timezone.utc).year)
        allowed = self._memo.get(key)
        if allowed is None:
            allowed = Evaluator(searcher, self.caches).docs(filter_query)
            if "year" in request.filters:
                allowed = allowed & docs_in_year(self.caches.facet_bits(searcher), int(request.filters["year"]))
            if len(self._memo) > 64:
                self._memo.clear()
            self._memo[key] = allowed
        return allowed

    @staticmethod
    def _hit(hit, built, score: float | None) -> dict:
        state = hit["state"]
        content = state["content"]
        text = plain_text((content.get("summary") or "") + "\n" + (content.get("body") or ""))
        if state.get("kind") == "meeting":
            return {"kind": "meeting", "slug": None, "title": content.get("title") or "", "summary": "",
                    "snippet": snippet(text, built.highlight_terms, built.highlight_prefixes),
                    "score": round(score, 4) if score is not None else None, "updated_at": state["updated_at"],
                    "status": state["status"], "organisations": [], "violence_forms": [], "goals": [],
                    "meeting": state["meeting"]}
        return {
            "kind": "example",
            "slug": state["slug"], "title": content.get("title") or "", "summary": content.get("summary") or "",
            "snippet": snippet(text, built.highlight_terms, built.highlight_prefixes),
            "score": round(score, 4) if score is not None else None, "updated_at": state["updated_at"],
            "status": state["status"],
            "organisations": content.get("organisations") or [],
            "violence_forms": content.get("violence_forms") or [], "goals": content.get("goals") or [],
        }

    def _found_in_attachment(self, hit: dict, state: dict, built) -> None:
        """A hit whose own text shows no query word was found in an attachment: it names the first
        attachment that has one, with a snippet from there. Only the first `SNIPPET_FILES` files and
        `SNIPPET_CHARS` characters of each are looked at, so a page of hits costs little whatever
        the files hold (a word further in still finds the example, without the file's name)."""
        title = state["content"].get("title") or ""
        if "<mark>" in snippet(title, built.highlight_terms, built.highlight_prefixes):
            return
        for file in (state.get("attachments") or [])[:SNIPPET_FILES]:
            text = (self.attachment_text(file["sha256"]) if self.attachment_text else "") or ""
            found = snippet(text[:SNIPPET_CHARS], built.highlight_terms, built.highlight_prefixes)
            if "<mark>" in found:
                hit["attachment"] = {"id": file["id"], "name": file.get("name") or ""}
                hit["snippet"] = found
                return

    def _suggest(self, searcher, evaluator, allowed: set[int], text: str, built) -> str | None:
        """Replaces words found in no document the reader may see by the closest word that is."""
        corrected = unicodedata.normalize("NFC", text).strip()
        changed = False
        for word in dict.fromkeys(built.plain_words):
            term = folded_term(word)
            if term is None or len(word) < 3 or (evaluator.term_docs("text", term) & allowed).any():
                continue
            better = self._closest_word(searcher, evaluator, allowed, word, term)
            if better and better != word:
                corrected = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", better, corrected, flags=re.IGNORECASE)
                changed = True
        return corrected if changed else None

    def _closest_word(self, searcher, evaluator, allowed: set[int], word: str, term: str) -> str | None:
        reader = searcher.reader()
        candidates: dict[str, int] = {}
        for distance in range(1, MAX_SUGGESTION_DISTANCE + 1):
            for candidate in reader.terms_within("text", term, distance, prefix=1):
                visible = int(np.count_nonzero(evaluator.term_docs("text", candidate) & allowed))
                if visible:
                    candidates[candidate] = visible
            if candidates:
                break
        if not candidates:
            return None
        best_term = max(candidates, key=lambda t: (candidates[t], t))
        surfaces: Counter = Counter()
        for docnum in np.flatnonzero(evaluator.term_docs("text", best_term) & allowed)[:3].tolist():
            content = searcher.stored_fields(docnum)["state"]["content"]
            text = " ".join([content.get("title") or "", content.get("summary") or "", content.get("body") or ""])
            surfaces.update(w for w in words(text) if folded_term(w) == best_term)
        if not surfaces:
            return None
        return min(surfaces, key=lambda w: (edit_distance(w, word), -surfaces[w]))


def best(scores: np.ndarray, matched: np.ndarray, count: int) -> list[tuple[int, float]]:
    """The `count` matched documents with the highest scores, ties by document number: the
    count-th highest score is found by a partition, and only the scores from it up are sorted."""
    docs = np.flatnonzero(matched)
    if count <= 0 or not len(docs):
        return []
    values = scores[docs]
    if count < len(values):
        lowest = np.partition(values, len(values) - count)[len(values) - count]
        chosen = values >= lowest
        docs, values = docs[chosen], values[chosen]
    order = np.lexsort((docs, -values))[:count]
    return [(int(docs[i]), float(values[i])) for i in order]


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


__all__ = ["Searcher", "SearchRequest", "Visibility", "segment_readers"]
