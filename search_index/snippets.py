"""Snippets: the best stretch of an example's text with the matches in <mark>, and nothing
else that could be unsafe (everything else is escaped)."""

import re
from html import escape

from .analysis import folded_term, fold

WINDOW_CHARS = 220
_MARKUP = re.compile(r"(\[\[|\]\]|[#*_`>|~]+|!?\[|\]\([^)]*\))")
_WORD_START = re.compile(r"\w+")


def plain_text(markdown: str) -> str:
    return " ".join(_MARKUP.sub(" ", markdown or "").split())


def _length_preserving_fold(text: str) -> str:
    folded = fold(text)
    return folded if len(folded) == len(text) else text


def _matches(text: str, terms: set[str], prefixes: set[str]) -> list[tuple[int, int]]:
    """Spans of the words whose folded stem is a query term, or that start with a prefix.

    A stem is a prefix of its folded word, so a regular expression finds the candidates
    and the analyzer confirms them.
    """
    alternatives = sorted({t for t in terms | prefixes if t}, key=len, reverse=True)
    if not alternatives:
        return []
    lowered = _length_preserving_fold(text.lower())
    pattern = re.compile(r"\b(?:%s)\w*" % "|".join(map(re.escape, alternatives)))
    spans = []
    for match in pattern.finditer(lowered):
        word = text[match.start():match.end()].lower()
        if folded_term(word) in terms or any(match.group().startswith(p) for p in prefixes):
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
