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
