"""The rebuild's bulk writer writes the same index as Whoosh's own writer."""

from pathlib import Path

import pytest

from bench.corpus import generate
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
    index = SearchIndex(folder / "standard")
    with index.writer() as writer:
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
    """Every field's terms with (document id, weight) per posting, and each document's lengths."""
    searcher = index.searcher()
    reader = searcher.reader()
    ids = {docnum: fields["id"] for docnum, fields in reader.iter_docs()}
    result = {}
    for field in ("text", "exact", "title", "id", "kind", "slug", "status", "updated", "organisation",
                  "violence_form", "goal", "municipality", "target_group", "measure_type", "tag"):
        for term in reader.lexicon(field):
            matcher = reader.postings(field, term)
            result[(field, term)] = sorted((ids[d], round(w, 4)) for d, w in matcher.items_as("weight"))
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
