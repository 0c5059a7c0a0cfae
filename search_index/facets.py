"""Facet counts and year filters over the per-document facet rows of `SegmentCaches`.

Counting uses bitsets: for each facet value (and each period) a Python int whose bit d is set when
document d has it, written per segment by the follower and joined per state of the index. A
search turns its matches into one such int once; each value's count is then one AND and a
`bit_count`, whatever the number of matches (a Counter over every match's values was the largest
cost of a search that matches most of the wiki)."""

from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np

from .documents import FACETS


def current_year() -> int:
    return datetime.now(timezone.utc).year


def docs_in_year(bits: "FacetBits", year: int) -> np.ndarray:
    """Per document, whether its period covers `year` (an ongoing one runs to this year)."""
    this_year = current_year()
    found = 0
    for start, end, docs in bits.periods:
        if start <= year <= (end or this_year):
            found |= docs
    return mask_of(found, bits.size)


def segment_bits(rows: list) -> dict:
    """One segment's bitsets from its facet rows: {"values": {(facet, value): int},
    "periods": {(start, end): int}} over local document numbers."""
    values: dict[tuple[str, str], bytearray] = {}
    periods: dict[tuple, bytearray] = {}
    size = len(rows)
    for docnum, row in enumerate(rows):
        if row is None:
            continue
        for pair in row[2]:
            marks = values.get(pair)
            if marks is None:
                marks = values[pair] = bytearray(b"0") * size
            marks[docnum] = 49
        if row[4] is not None:
            marks = periods.get(row[4])
            if marks is None:
                marks = periods[tuple(row[4])] = bytearray(b"0") * size
            marks[docnum] = 49
    return {"values": {key: _as_int(marks) for key, marks in values.items()},
            "periods": {key: _as_int(marks) for key, marks in periods.items()}}


def _as_int(marks: bytearray) -> int:
    """b"0"/b"1" per document -> an int with bit d set for document d."""
    marks.reverse()
    return int(marks, 2)


def bits_of(docs, size: int) -> int:
    """An int with bit d set for each document number d of `docs`."""
    marks = bytearray(b"0") * size
    for docnum in docs:
        marks[docnum] = 49
    return _as_int(marks)


def mask_bits(mask: np.ndarray) -> int:
    """A boolean mask over documents as an int with bit d set where the mask is."""
    return int.from_bytes(np.packbits(mask, bitorder="little").tobytes(), "little")


def mask_of(bits: int, size: int) -> np.ndarray:
    raw = np.frombuffer(bits.to_bytes((size + 7) // 8, "little"), dtype=np.uint8)
    return np.unpackbits(raw, count=size, bitorder="little").astype(bool)


@dataclass(frozen=True)
class FacetBits:
    """The bitsets of one state of the index, over global document numbers."""

    size: int
    values: tuple[tuple[str, str, int], ...]
    periods: tuple[tuple[int, int | None, int], ...]

    @classmethod
    def joined(cls, parts: list[tuple[int, dict]], size: int) -> "FacetBits":
        """From each segment's `segment_bits` and its offset."""
        values: dict[tuple[str, str], int] = {}
        periods: dict[tuple, int] = {}
        for offset, bits in parts:
            for into, found in ((values, bits["values"]), (periods, bits["periods"])):
                for key, local in found.items():
                    into[key] = into.get(key, 0) | (local << offset)
        return cls(size, tuple((facet, value, bits) for (facet, value), bits in sorted(values.items())),
                   tuple((start, end, bits) for (start, end), bits in periods.items()))


def count_facets(bits: FacetBits, matched: np.ndarray) -> dict[str, dict[str, int]]:
    """Counts per facet value over the matched documents (a boolean mask), most first; a period
    counts for each of its years."""
    facets: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    found = mask_bits(matched)
    if not found:
        return facets
    counted = []
    for facet, value, docs in bits.values:
        count = (docs & found).bit_count()
        if count:
            counted.append((-count, facet, value))
    for negative, facet, value in sorted(counted):
        facets[facet][value] = -negative
    this_year = current_year()
    changes: dict[int, int] = {}
    for start, end, docs in bits.periods:
        count = (docs & found).bit_count()
        if count:
            stop = max(end or this_year, start) + 1
            changes[start] = changes.get(start, 0) + count
            changes[stop] = changes.get(stop, 0) - count
    running, year_counts = 0, {}
    for year in range(min(changes), max(changes)) if changes else ():
        running += changes.get(year, 0)
        if running:
            year_counts[str(year)] = running
    facets["year"] = dict(sorted(year_counts.items(), key=lambda item: (-item[1], item[0])))
    return facets
