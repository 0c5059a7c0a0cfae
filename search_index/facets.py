"""Facet counts and year filters over the per-document facet rows of `SegmentCaches`."""

from collections import Counter
from datetime import datetime, timezone
from itertools import chain

from .documents import FACETS


def current_year() -> int:
    return datetime.now(timezone.utc).year


def docs_in_year(facet_rows: list, year: int) -> set[int]:
    this_year = current_year()
    return {d for d, row in enumerate(facet_rows)
            if row is not None and row[4] is not None and row[4][0] <= year <= (row[4][1] or this_year)}


def count_facets(facet_rows: list, matched: set[int]) -> dict[str, dict[str, int]]:
    """Counts per facet value over the matched documents; a period counts for each of its years."""
    this_year = current_year()
    rows = [row for row in map(facet_rows.__getitem__, matched) if row is not None]
    counts = Counter(chain.from_iterable(row[2] for row in rows))
    periods = [row[4] for row in rows if row[4] is not None]
    starts = Counter(start for start, _ in periods)
    starts.subtract(Counter(max(end or this_year, start) + 1 for start, end in periods))
    facets: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    for (facet, value), count in counts.most_common():
        facets[facet][value] = count
    running, year_counts = 0, {}
    for year in range(min(starts), max(starts)) if starts else ():
        running += starts.get(year, 0)
        if running:
            year_counts[str(year)] = running
    facets["year"] = dict(sorted(year_counts.items(), key=lambda item: (-item[1], item[0])))
    return facets
