"""The follower keeps, beside each index segment, what a fresh worker would otherwise compute in
its first search (issue 17: no cold starts): facet rows, field lengths and the text field's sorted
terms. A worker reads them; a file that does not fit its segment is passed over; files of segments
that a merge replaced are removed."""

import marshal
from pathlib import Path

from search_index.search import SearchRequest, Searcher, Visibility
from search_index.segments import CACHE_FOLDER, CACHE_FORMAT, read_cache_file, segment_readers, write_cache_file

EVERYTHING = Visibility(everything=True)


def index_folder(world) -> Path:
    return world.services.index.folder()


def segment_ids(world) -> set[str]:
    with world.services.index.open(index_folder(world)).searcher() as searcher:
        return {reader.segment().segment_id() for _, reader in segment_readers(searcher.reader())}


def cached_ids(world) -> set[str]:
    return {p.name.removesuffix(f".v{CACHE_FORMAT}.marshal") for p in (index_folder(world) / CACHE_FOLDER).glob("*.marshal")}


def fresh_search(world, q="", **filters) -> dict:
    """A search by a new searcher, as a worker's first search after it starts."""
    return Searcher(world.services.index).search(SearchRequest(q=q, filters=filters, visibility=EVERYTHING))


def publish(world, **fields) -> str:
    slug = world.example("maja", **fields)
    assert world.api("POST", f"/examples/{slug}/publish", "eva").status_code == 200
    return slug


def test_the_follower_keeps_a_cache_file_per_segment_and_removes_those_a_merge_replaced(world):
    publish(world, title="Samverkan i Falun", violence_forms=["nara-relation"])
    publish(world, title="Samverkan i Mora")
    world.services.follower.catch_up()
    assert segment_ids(world) and cached_ids(world) == segment_ids(world)
    before = cached_ids(world)
    slug = publish(world, title="Ett tredje exempel")
    assert world.api("PUT", f"/examples/{slug}", "maja", json={"base_version": 1, "body": "Ny text."}
                     ).status_code == 200
    assert world.api("POST", f"/examples/{slug}/versions/1/suppress", "adam", json={"reason": "Test"}
                     ).status_code == 200  # committed with optimize: every segment rewritten
    world.services.follower.catch_up()
    assert cached_ids(world) == segment_ids(world)
    assert not before & cached_ids(world), "the merged segments' files are gone"


def test_a_fresh_searcher_reads_the_cache_files_and_passes_over_one_that_does_not_fit(world):
    publish(world, title="Samverkan i Falun", violence_forms=["nara-relation"])
    publish(world, title="Samverkan i Mora", violence_forms=["hedersrelaterat"])
    world.services.follower.catch_up()
    expected = fresh_search(world, "samverkan")
    assert expected["total"] == 2
    assert expected["facets"]["violence_form"] == {"nara-relation": 1, "hedersrelaterat": 1}

    # the files are what the searcher uses: rewrite the facet bitsets in them and it counts those
    files = sorted((index_folder(world) / CACHE_FOLDER).glob("*.marshal"))
    originals = {path: path.read_bytes() for path in files}
    for path in files:
        header, sections = read_cache_file(path)
        bits = marshal.loads(sections["bits"])
        values: dict = {}
        for (facet, value), docs in bits["values"].items():
            key = ("violence_form", "prostitution-sexualiserat") if facet == "violence_form" else (facet, value)
            values[key] = values.get(key, 0) | docs
        write_cache_file(path, header["docs"], {**sections, "bits": marshal.dumps({**bits, "values": values})})
    altered = fresh_search(world, "samverkan")
    assert altered["facets"]["violence_form"] == {"prostitution-sexualiserat": 2}

    # a file that does not fit its segment (another document count), or is not a cache, is passed over
    for path in files:
        path.write_bytes(originals[path])
        header, sections = read_cache_file(path)
        write_cache_file(path, header["docs"] + 1, sections)
    assert fresh_search(world, "samverkan") == expected
    for path in files:
        path.write_bytes(originals[path][:len(originals[path]) - 10])  # cut short
    assert fresh_search(world, "samverkan") == expected
    for path in files:
        path.write_bytes(b"not a cache")
    assert fresh_search(world, "samverkan") == expected
    for path in files:
        path.unlink()
    assert fresh_search(world, "samverkan") == expected


def test_warming_loads_what_a_first_search_reads_and_changes_no_answer(world):
    publish(world, title="Samverkan i Falun", violence_forms=["nara-relation"])
    world.services.follower.catch_up()
    expected = fresh_search(world, "samverkan")
    searcher = Searcher(world.services.index)
    searcher.warm()
    assert searcher.caches._joined and searcher.caches._populations, "facet bitsets and population loaded"
    assert searcher.search(SearchRequest(q="samverkan", visibility=EVERYTHING)) == expected
