"""Snippets: the best stretch of an example's text with the matches in <mark>, and nothing
else that could be unsafe (everything is escaped)."""

import re
from html import escape

from .analysis import WORD, fold, folded_term

WINDOW_WORDS = 32
_MARKUP = re.compile(r"(\[\[|\]\]|[#*_`>|~]+|!?\[|\]\([^)]*\))")


def plain_text(markdown: str) -> str:
    return " ".join(_MARKUP.sub(" ", markdown or "").split())


def _matches(word: str, terms: set[str], prefixes: set[str]) -> bool:
    term = folded_term(word.lower())
    if term is not None and term in terms:
        return True
    if prefixes:
        folded = fold(word.lower())
        return any(folded.startswith(p) for p in prefixes)
    return False


def snippet(text: str, terms: set[str], prefixes: set[str], max_words: int = WINDOW_WORDS) -> str:
    tokens = list(WORD.finditer(text))
    if not tokens:
        return ""
    hits = [i for i, m in enumerate(tokens) if _matches(m.group(), terms, prefixes)] if (terms or prefixes) else []
    if hits:
        best_start, best_count, j = hits[0], 0, 0
        for i, start in enumerate(hits):
            while j < len(hits) and hits[j] < start + max_words:
                j += 1
            if j - i > best_count:
                best_start, best_count = start, j - i
        first = max(0, best_start - 4)
    else:
        first = 0
    last = min(len(tokens), first + max_words)
    hit_set = set(hits)
    start_char = tokens[first].start()
    end_char = tokens[last - 1].end()
    pieces = ["…" if first > 0 else ""]
    cursor = start_char
    for i in range(first, last):
        match = tokens[i]
        if i in hit_set:
            pieces.append(escape(text[cursor:match.start()]))
            pieces.append(f"<mark>{escape(match.group())}</mark>")
            cursor = match.end()
    pieces.append(escape(text[cursor:end_char]))
    if last < len(tokens):
        pieces.append("…")
    return "".join(pieces)
