"""Facet counts from bitsets (`search_index/facets.py`) equal a plain count over the matched
documents' rows, for segments joined at their offsets, rows without facets, open and reversed
periods."""

import random
from collections import Counter

import numpy as np

from search_index.facets import FacetBits, count_facets, current_year, docs_in_year, segment_bits

VALUES = [("violence_form", "nara-relation"), ("violence_form", "hedersrelaterat"), ("goal", "forebyggande"),
          ("organisation", "falu-kommun"), ("organisation", "polisen"), ("municipality", "falun"),
          ("target_group", "barn")]


def random_rows(rng: random.Random, count: int) -> list:
    rows = []
    for _ in range(count):
        if rng.random() < 0.1:
            rows.append(None)
            continue
        start = rng.randint(2005, 2024)
        period = rng.choice([None, (start, None), (start, start + rng.randint(0, 5)), (start, start - 2)])
        rows.append(("published", (), tuple(rng.sample(VALUES, rng.randint(0, 4))), "", period))
    return rows


def plain_count(rows: list, matched: set[int]) -> dict:
    values: Counter = Counter()
    years: Counter = Counter()
    for docnum in matched:
        row = rows[docnum]
        if row is None:
            continue
        values.update(row[2])
        if row[4] is not None:
            start, end = row[4]
            years.update(str(y) for y in range(start, max(end or current_year(), start) + 1))
    facets = {name: {} for name in ("violence_form", "goal", "organisation", "municipality", "target_group")}
    for (facet, value), count in values.items():
        facets[facet][value] = count
    facets["year"] = dict(years)
    return facets


def test_counts_from_bitsets_equal_a_plain_count_over_segments():
    rng = random.Random(7)
    for _ in range(30):
        sizes = [rng.randint(0, 60) for _ in range(rng.randint(1, 4))]
        segments = [random_rows(rng, size) for size in sizes]
        rows = [row for segment in segments for row in segment]
        offsets = [sum(sizes[:n]) for n in range(len(sizes))]
        bits = FacetBits.joined([(offset, segment_bits(segment)) for offset, segment in zip(offsets, segments)],
                                len(rows))
        matched = {d for d in range(len(rows)) if rng.random() < 0.5}
        counted = count_facets(bits, mask(matched, len(rows)))
        assert {facet: dict(values) for facet, values in counted.items()} == plain_count(rows, matched)
        for values in counted.values():
            assert list(values.values()) == sorted(values.values(), reverse=True), "most first"


def test_no_match_counts_nothing():
    bits = FacetBits.joined([(0, segment_bits(random_rows(random.Random(1), 20)))], 20)
    assert all(values == {} for values in count_facets(bits, mask(set(), 20)).values())


def test_a_year_filter_takes_the_documents_whose_period_covers_the_year():
    rows = random_rows(random.Random(3), 80)
    bits = FacetBits.joined([(0, segment_bits(rows[:30])), (30, segment_bits(rows[30:]))], 80)
    for year in (2004, 2010, 2024, current_year()):
        expected = [d for d, row in enumerate(rows)
                    if row is not None and row[4] is not None and row[4][0] <= year <= (row[4][1] or current_year())]
        assert np.flatnonzero(docs_in_year(bits, year)).tolist() == expected


def mask(docs: set[int], size: int) -> np.ndarray:
    found = np.zeros(size, dtype=bool)
    found[list(docs)] = True
    return found
