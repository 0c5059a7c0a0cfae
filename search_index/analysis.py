"""Swedish analysis for the search index.

Each word gives up to two terms:
- in `text`: stop words removed (both spellings), å/ä/ö and other accents folded, then the
  Swedish Snowball stemmer, so "vald" finds "våld" and "våldsutsatt" finds "våldsutsatta".
  Folding comes before stemming, so a word typed without diacritics stems like the real one.
- in `exact`: for words with letters that folding changes, the stem of the word as written,
  so a query spelled with å/ä/ö ranks documents that spell it the same way first.
Title, summary, body and the text of the attachments go into one field, separated by
`PART_SEPARATOR`; their tokens get the weights of `PART_BOOSTS`, so title and summary weigh more
than the body, and the body more than the attachments.
"""

import re
from functools import lru_cache

from whoosh.analysis import Analyzer, Token
from whoosh.lang import stopwords_for_language
from whoosh.lang.snowball.swedish import SwedishStemmer
from whoosh.support.charset import accent_map

WORD = re.compile(r"\w+", re.UNICODE)
PART_SEPARATOR = "\x1f"
PART_BOOSTS = (4.0, 2.0, 1.0, 0.5)
PART_GAP = 100

_FOLD = {**accent_map, ord("æ"): "ae", ord("ø"): "o", ord("ß"): "ss"}

STOP = frozenset(stopwords_for_language("sv")) - {"man"}
STOP_FOLDED = frozenset(w.translate(_FOLD) for w in STOP) - {"ar"}

_stemmer = SwedishStemmer()


def fold(text: str) -> str:
    return text.translate(_FOLD)


def letters_folding_to() -> dict[str, str]:
    """For each letter, the lower-case letters that fold to it (a -> àáâãäå…), so that a pattern can
    find folded terms in text as written, without folding the whole text."""
    sources: dict[str, set[str]] = {}
    for source, target in _FOLD.items():
        if isinstance(target, str) and len(target) == 1 and chr(source).lower() == chr(source):
            sources.setdefault(target, set()).add(chr(source))
    return {letter: "".join(sorted(found)) for letter, found in sources.items()}


@lru_cache(maxsize=300_000)
def stem(word: str) -> str:
    return _stemmer.stem(word)


@lru_cache(maxsize=300_000)
def folded_term(word: str) -> str | None:
    """The folded, stemmed term of a lower-cased word, or None for a stop word."""
    if word in STOP:
        return None
    folded = fold(word)
    if folded in STOP_FOLDED:
        return None
    return stem(folded)


@lru_cache(maxsize=300_000)
def exact_term(word: str) -> str | None:
    """The stem of a word as written, for words that folding changes; else None."""
    if word.isascii() or word in STOP or fold(word) == word:
        return None
    return stem(word)


def words(text: str) -> list[str]:
    return [m.group().lower() for m in WORD.finditer(text)]


class _SwedishAnalyzer(Analyzer):
    """One pass over the text with cached per-word terms (a filter chain is far slower)."""

    term = staticmethod(folded_term)

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        term_of = self.term
        position = start_pos
        parts = value.split(PART_SEPARATOR) if tokenize else [value]
        offset = start_char
        for part, boost in zip(parts, PART_BOOSTS if len(parts) > 1 else (1.0,)):
            matches = WORD.finditer(part) if tokenize else [None]
            for match in matches:
                word = match.group().lower() if match else part.lower()
                term = term_of(word)
                if term:
                    token.text = term
                    token.boost = boost
                    token.stopped = False
                    if keeporiginal:
                        token.original = word
                    if positions:
                        token.pos = position
                    if chars:
                        token.startchar = offset + (match.start() if match else 0)
                        token.endchar = offset + (match.end() if match else len(part))
                    yield token
                position += 1
            position += PART_GAP
            offset += len(part) + 1

    def __eq__(self, other):
        return type(self) is type(other)

    def __hash__(self):
        return hash(type(self))


class TextAnalyzer(_SwedishAnalyzer):
    term = staticmethod(folded_term)


class ExactAnalyzer(_SwedishAnalyzer):
    term = staticmethod(exact_term)


_WORD_TERMS: dict[str, tuple[str | None, str | None]] = {}


def word_terms(word: str) -> tuple[str | None, str | None]:
    """(folded term, exact term) of a lower-cased word."""
    found = _WORD_TERMS.get(word)
    if found is None:
        if len(_WORD_TERMS) > 500_000:
            _WORD_TERMS.clear()
        found = _WORD_TERMS[word] = (folded_term(word), exact_term(word))
    return found
