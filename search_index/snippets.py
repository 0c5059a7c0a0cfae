"""Snippets: the best stretch of an example's text with the matches in <mark>, and nothing
else that could be unsafe (everything else is escaped)."""

import re
from functools import lru_cache
from html import escape

from .analysis import fold, folded_term, letters_folding_to

WINDOW_CHARS = 220
_MARKUP = re.compile(r"(\[\[|\]\]|[#*_`>|~]+|!?\[|\]\([^)]*\))")
_WORD_START = re.compile(r"\w+")


def plain_text(markdown: str) -> str:
    return " ".join(_MARKUP.sub(" ", markdown or "").split())


_FOLDS_TO = letters_folding_to()


@lru_cache(maxsize=1024)
def _pattern(alternatives: tuple[str, ...]) -> re.Pattern:
    def letters(term: str) -> str:
        return "".join(f"[{re.escape(c + _FOLDS_TO[c])}]" if c in _FOLDS_TO else re.escape(c) for c in term)
    return re.compile(r"\b(?:%s)\w*" % "|".join(map(letters, alternatives)), re.IGNORECASE)


def _matches(text: str, terms: set[str], prefixes: set[str]) -> list[tuple[int, int]]:
    """Spans of the words whose folded stem is a query term, or that start with a prefix.

    A stem is a prefix of its folded word, so a regular expression finds the candidates (each
    letter of a term also matching the letters that fold to it, case ignored) and the analyzer
    confirms them.
    """
    alternatives = tuple(sorted({t for t in terms | prefixes if t}, key=lambda t: (-len(t), t)))
    if not alternatives:
        return []
    spans = []
    for match in _pattern(alternatives).finditer(text):
        word = match.group().lower()
        if folded_term(word) in terms or any(fold(word).startswith(p) for p in prefixes):
            spans.append((match.start(), match.end()))
    return spans


def snippet(text: str, terms: set[str], prefixes: set[str], window: int = WINDOW_CHARS) -> str:
    if not text:
        return ""
    spans = _matches(text, terms, prefixes)
    if spans:
        best, best_count, j = 0, 0, 0
        for i, (start, _) in enumerate(spans):
            while j < len(spans) and spans[j][1] <= start + window:
                j += 1
            if j - i > best_count:
                best, best_count = i, j - i
        begin = max(0, spans[best][0] - 40)
    else:
        begin = 0
    if begin > 0:
        boundary = text.rfind(" ", 0, begin)
        begin = boundary + 1 if boundary >= 0 else 0
    end = min(len(text), begin + window)
    if end < len(text):
        boundary = text.rfind(" ", begin, end)
        end = boundary if boundary > begin else end
    pieces = ["…" if begin > 0 else ""]
    cursor = begin
    for start, stop in spans:
        if start < begin or stop > end:
            continue
        pieces.append(escape(text[cursor:start]))
        pieces.append(f"<mark>{escape(text[start:stop])}</mark>")
        cursor = stop
    pieces.append(escape(text[cursor:end]))
    if end < len(text):
        pieces.append("…")
    return "".join(pieces)
