"""The write path's shortcuts keep every answer the same: aggregates kept per process catch up
with what other processes wrote; the read model leaves an example's facet terms and links as they
are when an edit changes neither; the follower merges its small segments by tiers and drops those whose documents are all replaced."""

from search_index.search import SearchRequest, Searcher, Visibility
from search_index.segments import segment_readers
from stores import make_app


def edit(app_client, token, slug, version, **fields):
    return app_client.put(f"/api/v1/examples/{slug}", headers={"Authorization": f"Bearer {token}"},
                          json={"base_version": version, **fields})


def test_a_second_process_edits_on_top_of_what_the_first_wrote(world):
    slug = world.example("maja", title="Samverkan i Falun")
    other = make_app({"DATA_DIR": world.app.config["DATA_DIR"], "TESTING": True, "INDEX_FOLLOWER": "none",
                      "NOTIFIER": "off", "EVENT_STORE": world.app.config.get("EVENT_STORE")})
    try:
        client = other.test_client()
        token = world.token("maja")
        first = edit(client, token, slug, 1, summary="Från den andra processen.")
        assert first.status_code == 200 and first.json["version"] == 2, first.json
        mine = world.api("PUT", f"/examples/{slug}", "maja", json={"base_version": 2, "title": "Samverkan i Mora"})
        assert mine.status_code == 200 and mine.json["version"] == 3, mine.json
        again = edit(client, token, slug, 3, body="Den andra processen igen.")  # its kept aggregate is at 2
        assert again.status_code == 200 and again.json["version"] == 4, again.json
        stale = edit(client, token, slug, 3, summary="Från en gammal version.")
        assert stale.status_code == 200 and stale.json["version"] == 5, stale.json  # merged: no field overlaps
    finally:
        other.extensions["lansgrupp"].close()
    shown = world.api("GET", f"/examples/{slug}", "maja", query_string={"min_position": stale.json["position"]}).json
    assert (shown["title"], shown["summary"], shown["body"]) == (
        "Samverkan i Mora", "Från en gammal version.", "Den andra processen igen.")


def test_an_edit_that_changes_no_facet_keeps_the_terms_and_one_that_does_replaces_them(world):
    target = world.example("maja", title="Målet")
    slug = world.example("maja", violence_forms=["nara-relation"], body=f"Se [[{target}]].")

    def listed(**query):
        return [item["slug"] for item in world.api("GET", "/examples", "maja", query_string=query).json["items"]]

    def linking():
        return [item["slug"] for item in world.api("GET", f"/examples/{target}/backlinks", "maja").json["items"]]

    assert world.api("PUT", f"/examples/{slug}", "maja", json={"base_version": 1, "summary": "Ny."}).status_code == 200
    assert listed(violence_form="nara-relation") == [slug] and linking() == [slug]
    assert world.api("PUT", f"/examples/{slug}", "maja",
                     json={"base_version": 2, "violence_forms": ["hedersrelaterat"]}).status_code == 200
    assert listed(violence_form="nara-relation") == [] and listed(violence_form="hedersrelaterat") == [slug]
    assert world.api("PUT", f"/examples/{slug}", "maja", json={"base_version": 3, "body": "Ingen länk."}
                     ).status_code == 200
    assert linking() == [] and listed(violence_form="hedersrelaterat") == [slug]


def test_the_follower_merges_small_segments_by_tiers(world):
    slug = world.example("maja")
    version = 1
    for n in range(25):
        response = world.api("PUT", f"/examples/{slug}", "maja", json={"base_version": version, "summary": f"Nr {n}."})
        version = response.json["version"]
        world.services.follower.catch_up()
    folder, searcher = world.services.index.reading()
    readers = [reader for _, reader in segment_readers(searcher.reader())]
    counts = [reader.doc_count_all() for reader in readers]
    assert len(counts) < 10, counts  # 26 commits of one or two documents each
    assert all(reader.doc_count() > 0 for reader in readers), counts  # a segment all replaced is dropped
    found = Searcher(world.services.index).search(SearchRequest(q="Nr 24", visibility=Visibility(everything=True)))
    assert [hit["slug"] for hit in found["hits"]] == [slug] and found["total"] == 1


def test_a_copy_of_an_example_equals_it_and_shares_nothing_that_changes(world):
    import copy

    slug = world.example("maja", title="Kopian")
    for n in range(3):
        assert world.api("PUT", f"/examples/{slug}", "maja", json={"base_version": n + 1, "summary": f"Nr {n}."}
                         ).status_code == 200
    example = world.wiki.get_example(slug)
    example.text = {"plain": {"content": {"title": "Kopian"}}}  # a nested dict is copied deep
    clone = copy.deepcopy(example)
    assert type(clone) is type(example) and clone.__dict__ == example.__dict__
    for name, value in example.__dict__.items():
        if isinstance(value, (list, dict)):
            assert getattr(clone, name) is not value, name
    assert clone.text["plain"] is not example.text["plain"]
    clone.revision_versions.append(99)
    clone.organisations.append("mora-kommun")
    assert 99 not in example.revision_versions and "mora-kommun" not in example.organisations
