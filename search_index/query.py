"""From what a person types to a Whoosh query over the Swedish fields.

Syntax: words are AND-ed, `OR` and `NOT` work, `"a phrase"`, `-word`, `word*`, `kvinn?r`,
and `field:value` for title, organisation, violence_form, goal, municipality,
target_group, year, tag, measure_type. Anything the parser cannot read is searched as
plain words. Each word becomes: its folded stem in `text` (title and summary weigh more
there), its spelling with å/ä/ö in `exact` (boosted), and, ranked below, compounds that
end in it ("jouren" -> "kvinnojouren") or that it splits into ("hedersvåld" ->
"hedersrelaterat våld"). These rules look only at the words of published examples, so a
draft changes no one's query (see `matching.py`).
"""

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from whoosh import qparser, query as Q
from whoosh.analysis import LowercaseFilter, RegexTokenizer
from whoosh.fields import ID, TEXT, Schema

from .analysis import exact_term, fold, folded_term, stem, words
from .matching import Evaluator

KEYWORD_FIELDS = ("organisation", "violence_form", "goal", "municipality", "target_group", "year", "tag",
                  "measure_type")
COMPOUND_BOOST = 0.3
COMPOUND_MIN_STEM = 4
COMPOUND_MIN_MODIFIER = 3
LINKING = ("s", "o", "a", "e", "u")
MAX_EXPANSIONS = 24
SPLIT_SLOP = 3
MAX_QUERY_LENGTH = 500
MAX_CLAUSES = 20


@dataclass
class Built:
    query: Q.Query | None
    highlight_terms: set[str] = field(default_factory=set)
    highlight_prefixes: set[str] = field(default_factory=set)
    plain_words: list[str] = field(default_factory=list)


def _parser() -> qparser.QueryParser:
    analyzer = RegexTokenizer(r"\w+") | LowercaseFilter()
    schema = Schema(q=TEXT(analyzer=analyzer), title=TEXT(analyzer=analyzer),
                    **{name: ID() for name in KEYWORD_FIELDS})
    parser = qparser.QueryParser("q", schema, group=qparser.AndGroup)
    for plugin in (qparser.BoostPlugin, qparser.RangePlugin, qparser.EveryPlugin, qparser.SingleQuotePlugin,
                   qparser.PlusMinusPlugin):
        parser.remove_plugin_class(plugin)
    parser.add_plugin(qparser.PlusMinusPlugin(plusexpr=r"(?:(?<=\s)|(?<=^)|(?<=\())\+",
                                              minusexpr=r"(?:(?<=\s)|(?<=^)|(?<=\())-"))
    return parser


_PARSER = _parser()


@lru_cache(maxsize=4096)
def _parsed(text: str) -> Q.Query:
    """The parse tree of a query's text (it depends on nothing else; `_convert` only reads it)."""
    return _PARSER.parse(text)


class QueryBuilder:
    def __init__(self, evaluator: Evaluator, word_memo: dict | None = None):
        """`word_memo`: remembers each word's query across builds on the same state of the index (saved
        searches matched together); what is remembered skips the highlight and spelling bookkeeping."""
        self.evaluator = evaluator
        self.searcher = evaluator.searcher
        self.caches = evaluator.caches
        self.built = Built(None)
        self.word_memo = word_memo

    def build(self, text: str) -> Built:
        text = unicodedata.normalize("NFC", text or "").strip()[:MAX_QUERY_LENGTH]
        self.built = Built(None)
        if not text:
            return self.built
        try:
            parsed = _parsed(self._normalise_fields(text))
            converted = self._convert(parsed)
        except Exception:  # noqa: BLE001 - whatever does not parse is searched as plain words
            converted = self._plain(text)
        self.built.query = converted
        return self.built

    @staticmethod
    def _normalise_fields(text: str) -> str:
        return text.replace("body:", "").replace("summary:", "").replace("text:", "")

    def plain(self, text: str) -> Built:
        """The query as plain words only (when a query built from its syntax fails)."""
        self.built = Built(None)
        self.built.query = self._plain(unicodedata.normalize("NFC", text or "")[:MAX_QUERY_LENGTH])
        return self.built

    def _plain(self, text: str) -> Q.Query | None:
        parts = [self._word(word, "q") for word in words(text)[:MAX_CLAUSES]]
        parts = [p for p in parts if p is not None]
        return Q.And(parts) if parts else None

    def _convert(self, node) -> Q.Query | None:
        if isinstance(node, Q.Term):
            if node.fieldname in KEYWORD_FIELDS:
                return Q.ConstantScoreQuery(Q.Term(node.fieldname, str(node.text)), 0.1)
            return self._word(str(node.text), node.fieldname)
        if isinstance(node, Q.Phrase):
            return self._phrase([str(w) for w in node.words], node.fieldname)
        if isinstance(node, Q.Prefix):
            return self._prefix(str(node.text), node.fieldname)
        if isinstance(node, Q.Wildcard):
            return self._wildcard(str(node.text), node.fieldname)
        if isinstance(node, Q.Every):
            return Q.Every()
        if isinstance(node, Q.AndNot):
            positive, negative = self._convert(node.a), self._convert(node.b)
            if positive is None:
                positive = Q.Every()
            return Q.AndNot(positive, negative) if negative is not None else positive
        if isinstance(node, Q.Not):
            inner = self._convert(node.query)
            return Q.Not(inner) if inner is not None else None
        if isinstance(node, (Q.And, Q.Or)):
            children = [self._convert(child) for child in node.subqueries[:MAX_CLAUSES]]
            children = [c for c in children if c is not None]
            if not children:
                return None
            if isinstance(node, Q.And):
                positives = [c for c in children if not isinstance(c, Q.Not)]
                if not positives:
                    children = [Q.Every()] + children
            return type(node)(children) if len(children) > 1 else children[0]
        return None

    # ---- words -----------------------------------------------------------------------

    def _word(self, word: str, fieldname: str) -> Q.Query | None:
        if self.word_memo is None:
            return self._word_query(word, fieldname)
        key = (word.lower(), fieldname)
        if key not in self.word_memo:
            self.word_memo[key] = self._word_query(word, fieldname)
        return self.word_memo[key]

    def _word_query(self, word: str, fieldname: str) -> Q.Query | None:
        word = word.lower()
        term = folded_term(word)
        if term is None:
            return None
        self.built.plain_words.append(word)
        self.built.highlight_terms.add(term)
        target = "title" if fieldname == "title" else "text"
        alternatives: list[Q.Query] = [Q.Term(target, term)]
        exact = exact_term(word)
        if exact and target == "text":
            alternatives.append(Q.Term("exact", exact))
        if target == "text":
            alternatives.extend(self._compounds(term))
        return Q.Or(alternatives) if len(alternatives) > 1 else alternatives[0]

    def _compounds(self, term: str) -> list[Q.Query]:
        found: list[Q.Query] = []
        df = self.evaluator.df
        if len(term) >= COMPOUND_MIN_STEM:
            heads = [t for t in self.caches.with_suffix(self.searcher, "text", term, accept=self._published)
                     if len(t) - len(term) >= COMPOUND_MIN_MODIFIER and self._is_modifier(t[:-len(term)])]
            heads = sorted(heads, key=lambda t: -df("text", t))[:MAX_EXPANSIONS]
            self.built.highlight_terms.update(heads)
            if heads:
                found.append(Q.Or([Q.Term("text", t) for t in heads], boost=COMPOUND_BOOST))
        if not self._published(term):
            split = self._split(term)
            if split is not None:
                found.append(split)
        return found

    def _published(self, term: str) -> bool:
        """Whether a published example has the term in `text`: the rules below count no drafts."""
        return self.evaluator.has_published("text", term)

    def _is_modifier(self, part: str) -> bool:
        candidates = {part} | {part[:-1] for suffix in LINKING if part.endswith(suffix) and len(part) > 3}
        return any(len(c) >= COMPOUND_MIN_MODIFIER
                   and self.caches.with_prefix(self.searcher, "text", c, limit=1, accept=self._published)
                   for c in candidates)

    def _split(self, term: str) -> Q.Query | None:
        """A compound typed as one word that no example has, found as its parts written close
        together, in order ("hedersvåld" -> "hedersrelaterat våld"), ranked low."""
        if len(term) < 2 * COMPOUND_MIN_MODIFIER + 1:
            return None
        for cut in range(len(term) - COMPOUND_MIN_MODIFIER, COMPOUND_MIN_MODIFIER - 1, -1):
            left, right = term[:cut], stem(term[cut:])
            if len(right) < COMPOUND_MIN_MODIFIER or not self._published(right):
                continue
            for modifier in (left, left[:-1] if left.endswith(LINKING) else None):
                if not modifier or len(modifier) < COMPOUND_MIN_MODIFIER:
                    continue
                starts = self.caches.with_prefix(self.searcher, "text", modifier, limit=MAX_EXPANSIONS,
                                                 accept=self._published)
                starts = [t for t in starts if t != term]
                if starts:
                    self.built.highlight_terms.update(starts + [right])
                    return Q.SpanNear2([Q.SpanOr([Q.Term("text", t) for t in starts]), Q.Term("text", right)],
                                       slop=SPLIT_SLOP, ordered=True)
        return None

    def _phrase(self, phrase_words: list[str], fieldname: str) -> Q.Query | None:
        terms, gaps = [], 0
        for word in phrase_words:
            term = folded_term(word.lower())
            if term is None:
                gaps += 1
                continue
            terms.append(term)
            self.built.highlight_terms.add(term)
        if not terms:
            return None
        target = "title" if fieldname == "title" else "text"
        if len(terms) == 1:
            return Q.Term(target, terms[0])
        if target == "title":
            return Q.And([Q.Term("title", t) for t in terms])
        return Q.Phrase("text", terms, slop=1 + gaps)

    def _prefix(self, prefix: str, fieldname: str) -> Q.Query | None:
        folded = fold(prefix.lower())
        if len(folded) < 2:
            return None
        self.built.highlight_prefixes.add(folded)
        target = "title" if fieldname == "title" else "text"
        stemmed = stem(folded)
        options: list[Q.Query] = [Q.Prefix(target, p) for p in sorted({folded, stemmed}) if len(p) >= 2]
        for cut in (1, 2):
            truncated = folded[:-cut]
            if len(truncated) >= 3 and self.evaluator.has_published(target, truncated):
                options.append(Q.Term(target, truncated))
                self.built.highlight_terms.add(truncated)
        return Q.Or(options) if len(options) > 1 else options[0]

    def _wildcard(self, pattern: str, fieldname: str) -> Q.Query | None:
        folded = fold(pattern.lower())
        if len(folded.replace("*", "").replace("?", "")) < 2:
            return None
        target = "title" if fieldname == "title" else "text"
        return Q.Wildcard(target, folded)

