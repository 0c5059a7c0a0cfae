"""The search reads a term's posting list at once and decodes Whoosh's blocks itself; it must
give exactly what Whoosh's own matcher gives, for every term of every field, in segments written
by the bulk writer (a rebuild) and by ordinary commits."""

import numpy as np

from bench.corpus import generate
from search_index import SearchIndex
from search_index.segments import _postings_of, _read_postings, segment_readers


def states(count: int, start: int = 0) -> list[dict]:
    found = []
    for n, content in enumerate(generate(count, seed=5), start):
        day = f"2025-01-{1 + n % 28:02d}T10:00:00.000000Z"
        found.append({"id": f"id-{n}", "slug": f"exempel-{n}", "status": "draft" if n % 7 == 0 else "published",
                      "version": 1, "content": content, "created_at": day, "updated_at": day})
    return found


def test_every_posting_list_reads_as_whoosh_reads_it(tmp_path):
    index = SearchIndex(tmp_path / "search")
    build = index.create_build()
    index.write_fresh(build, states(400), 1)  # many terms in more than one block of 128
    index.swap_in(build)
    with index.writer() as writer:
        index.apply(writer, {state["id"]: state for state in states(30, 400)}, 2)
        writer.commit()
    _, searcher = index.reading()
    readers = segment_readers(searcher.reader())
    assert len(readers) == 2
    compared = multi_block = 0
    for _, reader in readers:
        for field in ("text", "exact", "title", "kind", "status", "organisation", "violence_form"):
            for text in reader.lexicon(field):
                ours = _read_postings(reader, field, text)
                theirs = _postings_of(reader._terms.matcher(field, text, reader.schema[field].format))
                assert np.array_equal(ours.ids, theirs.ids), (field, text)
                assert np.array_equal(ours.weights, theirs.weights), (field, text)
                compared += 1
                multi_block += len(ours.ids) > 128
    assert compared > 1000 and multi_block > 10


def test_a_large_segments_frequent_terms_are_read_from_the_follower_file_as_from_whoosh(tmp_path, monkeypatch):
    from search_index import segments
    from search_index.segments import CACHE_FOLDER, SegmentCaches, postings_file_name

    monkeypatch.setattr(segments, "FREQUENT_FROM_DOCS", 300)
    index = SearchIndex(tmp_path / "search")
    build = index.create_build()
    index.write_fresh(build, states(400), 1)
    index.swap_in(build)
    assert index.write_caches() == 1
    _, searcher = index.reading()
    (_, reader), = segment_readers(searcher.reader())
    key = reader.segment().segment_id()
    path = index.folder() / CACHE_FOLDER / postings_file_name(key)
    caches = SegmentCaches()
    kept = caches.frequent(reader, key).terms
    assert path.exists() and len(kept) > 50
    assert all(count >= max(100, 400 // 50) for _, count in kept.values())
    from_memory = path.read_bytes()  # the bulk writer's, kept when it wrote the segment
    for name in (postings_file_name(key), segments.cache_file_name(key)):
        (index.folder() / CACHE_FOLDER / name).unlink()
    assert index.write_caches() == 1 and path.read_bytes() == from_memory  # read back from the segment: the same
    for field, text in kept:
        ours = caches.postings(reader, key, field, text)
        theirs = _postings_of(reader._terms.matcher(field, text.encode(), reader.schema[field].format))
        assert np.array_equal(ours.ids, theirs.ids) and np.array_equal(ours.weights, theirs.weights), (field, text)

    # what the searcher reads is the file: change a weight there and the searcher sees it
    (field, text), (offset, count) = next(iter(kept.items()))
    raw = bytearray(path.read_bytes())
    start = 8 + int.from_bytes(raw[:8], "little") + offset + 4 * count
    raw[start:start + 4] = np.array([9.5], dtype="<f4").tobytes()
    path.write_bytes(bytes(raw))
    assert SegmentCaches().postings(reader, key, field, text).weights[0] == 9.5
    path.write_bytes(b"not a postings file")  # one that does not open is passed over
    assert np.array_equal(SegmentCaches().postings(reader, key, field, text).ids,
                          _postings_of(reader._terms.matcher(field, text.encode(), reader.schema[field].format)).ids)
