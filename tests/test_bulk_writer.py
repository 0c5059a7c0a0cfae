"""The rebuild's bulk writer writes the same index as Whoosh's own writer."""

import zlib
from pathlib import Path

import pytest

from whoosh.writing import SegmentWriter

from bench.corpus import generate
from search_index import bulk as bulk_writer, inverter
from search_index.bulk import stored_deflate
from search_index.search import Searcher, SearchRequest, Visibility
from search_index.store import SearchIndex

pytestmark = pytest.mark.store_independent


def states(count: int) -> list[dict]:
    result = []
    for n, content in enumerate(generate(count, seed=7)):
        day = f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}T10:00:00.000000Z"
        result.append({"id": f"id-{n}", "slug": f"exempel-{n}", "status": "draft" if n % 5 == 0 else "published",
                       "version": 1, "content": content, "created_at": day, "updated_at": day})
    return result


def standard_index(folder: Path, items: list[dict]) -> SearchIndex:
    """The same documents written by Whoosh's own `SegmentWriter` (the wiki's writers are all bulk ones)."""
    index = SearchIndex(folder / "standard")
    writer = index.open().writer()
    assert type(writer) is SegmentWriter
    index.apply(writer, {s["id"]: s for s in items}, 1, fresh=True)
    writer.commit()
    return index


def bulk_index(folder: Path, items: list[dict], workers: int) -> SearchIndex:
    index = SearchIndex(folder / f"bulk{workers}")
    build = index.create_build()
    index.write_fresh(build, items, 1, workers)
    index.swap_in(build)
    return index


def postings(index: SearchIndex) -> dict:
    """Every field's terms with (document id, weight) per posting of a live document, and each
    document's lengths."""
    searcher = index.searcher()
    reader = searcher.reader()
    ids = {docnum: fields["id"] for docnum, fields in reader.iter_docs()}
    result = {}
    for field in ("text", "exact", "title", "id", "kind", "slug", "status", "updated", "organisation",
                  "violence_form", "goal", "municipality", "target_group", "measure_type", "tag"):
        for term in reader.lexicon(field):
            matcher = reader.postings(field, term)
            live = sorted((ids[d], round(w, 4)) for d, w in matcher.items_as("weight"))
            if live:  # a term of deleted documents only stays in the lexicon until its segment is merged
                result[(field, term)] = live
    lengths = {(ids[d], f): reader.doc_field_length(d, f) for d in ids if ids[d] != "__tracking__"
               for f in ("text", "exact", "title")}
    return {"postings": result, "lengths": lengths}


@pytest.mark.parametrize("workers", [1, 2])
def test_bulk_writer_gives_the_same_postings_and_answers(tmp_path, workers):
    """With two workers documents get other numbers, so only equal scores may be ordered differently."""
    items = states(120)
    standard, bulk = standard_index(tmp_path, items), bulk_index(tmp_path, items, workers)
    assert postings(bulk) == postings(standard)
    assert bulk.all_states() == standard.all_states()
    for q in ("våld", "kvinnor stöd", '"skyddat boende"', "kvinno*", "jouren", "organisation:falu-kommun", ""):
        request = SearchRequest(q=q, visibility=Visibility())
        expected, got = Searcher(standard).search(request), Searcher(bulk).search(request)
        assert (got["total"], got["facets"]) == (expected["total"], expected["facets"]), q
        assert [h["score"] for h in got["hits"]] == [h["score"] for h in expected["hits"]], q
        if workers == 1:
            assert [h["slug"] for h in got["hits"]] == [h["slug"] for h in expected["hits"]], q


def commit(index: SearchIndex, batch: list[dict], position: int, **options) -> None:
    with index.writer() as writer:
        index.apply(writer, {s["id"]: s for s in batch}, position)
        writer.commit(**(options or {"mergetype": index.merge_tiers}))


@pytest.mark.parametrize("written_at_a_time", [bulk_writer.WRITE_POSTINGS, 50])
def test_commits_that_replace_and_merge_documents_give_the_postings_of_one_build(tmp_path, written_at_a_time,
                                                                                   monkeypatch):
    """The follower's way: small commits, each replacing the documents it changes (deleted by
    number), its segments merged by tiers, then an optimize; the same as one build of the end
    state; also when postings are written a few terms at a time."""
    monkeypatch.setattr(bulk_writer, "WRITE_POSTINGS", written_at_a_time)
    items = states(120)
    index = SearchIndex(tmp_path / "follower")
    position = 0
    for start in range(0, len(items), 4):
        position += 1
        commit(index, items[start:start + 4], position)
    edited = [{**s, "version": 2, "content": {**s["content"], "title": s["content"]["title"] + " reviderad",
                                              "summary": "Ny sammanfattning om skyddat boende."}}
              for s in items[::3]]
    for start in range(0, len(edited), 5):
        position += 1
        commit(index, edited[start:start + 5], position)
    final = {**{s["id"]: s for s in items}, **{s["id"]: s for s in edited}}
    built = bulk_index(tmp_path, list(final.values()), 1)
    reader = index.searcher().reader()
    assert reader.doc_count_all() > reader.doc_count()  # replaced documents are still in segments
    assert len(index.searcher().reader().leaf_readers()) < 20  # 38 commits, merged by tiers
    assert postings(index) == postings(built)
    position += 1
    commit(index, [], position, optimize=True)
    assert len(index.searcher().reader().leaf_readers()) == 1 and postings(index) == postings(built)
    request = SearchRequest(q="skyddat boende reviderad", visibility=Visibility())
    published = sum(s["status"] == "published" for s in edited)
    assert Searcher(index).search(request)["total"] == Searcher(built).search(request)["total"] == published


@pytest.mark.parametrize("size", [0, 1, 5000, 65535, 65536, 140000])
def test_stored_fields_are_a_zlib_stream_of_stored_blocks(size):
    data = bytes(range(256)) * (size // 256 + 1)
    data = data[:size]
    assert zlib.decompress(stored_deflate(data)) == data
    if size <= 5000:
        assert stored_deflate(data) == zlib.compress(data, 0)


def blocks_and_term_infos(index: SearchIndex) -> dict:
    """Per field and term: the term info's statistics, and per block its info and its postings
    (document number, weight, value) as Whoosh's own matcher reads them."""
    reader = index.searcher().reader().leaf_readers()[0][0]
    result = {}
    for field in reader.indexed_field_names():
        for term in reader.lexicon(field):
            info = reader.term_info(field, term)
            matcher = reader.postings(field, term)
            blocks = []
            while matcher.is_active():
                block = (matcher.block_min_id(), matcher.block_max_id(), matcher.block_max_weight(),
                         matcher.block_min_length(), matcher.block_max_length(), [])
                while True:
                    block[-1].append((matcher.id(), matcher.weight(), matcher.value()))
                    if matcher.next():  # True when the matcher moved to another block
                        break
                    if not matcher.is_active():
                        break
                blocks.append(block)
            result[(field, term)] = ((info.weight(), info.doc_frequency(), info.min_length(), info.max_length(),
                                      info.max_weight(), info.min_id(), info.max_id()), blocks)
    return result


@pytest.mark.parametrize("batch, written_at_a_time", [(inverter.BATCH_WORDS, bulk_writer.WRITE_POSTINGS), (2000, 300)])
def test_posting_blocks_and_term_infos_are_whooshs_own(tmp_path, batch, written_at_a_time, monkeypatch):
    """One segment written from arrays reads back as the one Whoosh's writer gives: the same
    blocks, block infos, values (positions and counts) and term statistics; also when the text's
    postings are inverted and written a few terms at a time."""
    monkeypatch.setattr(inverter, "BATCH_WORDS", batch)
    monkeypatch.setattr(bulk_writer, "WRITE_POSTINGS", written_at_a_time)
    items = states(300)  # the commonest terms fill several blocks of 128
    standard, bulk = standard_index(tmp_path, items), bulk_index(tmp_path, items, 1)
    expected, got = blocks_and_term_infos(standard), blocks_and_term_infos(bulk)
    assert got.keys() == expected.keys()
    assert max(len(blocks) for _, blocks in expected.values()) >= 2
    for key in expected:
        if key[0] == "id" and key[1] == b"__tracking__":
            continue
        assert got[key] == expected[key], key
