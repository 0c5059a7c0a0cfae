"""Slugs from Swedish titles: å, ä -> a, ö -> o, everything else to a-z, 0-9 and dashes."""

import re
import unicodedata

MAX_SLUG_LENGTH = 80
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


_LIGATURES = str.maketrans({"æ": "ae", "ø": "o", "ß": "ss", "đ": "d", "ł": "l", "þ": "th"})


def slugify(text: str, fallback: str = "exempel") -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_LIGATURES))
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")
    slug = slug[:MAX_SLUG_LENGTH].rstrip("-")
    return slug or fallback


def is_slug(value: object) -> bool:
    return isinstance(value, str) and len(value) <= MAX_SLUG_LENGTH + 10 and bool(SLUG_PATTERN.fullmatch(value))
