"""The public Atom feed of a saved search: published examples that match, newest first."""

from xml.etree import ElementTree

ATOM = "{http://www.w3.org/2005/Atom}"


def feed(world, **params):
    waited = world.client.get("/api/v1/search", query_string={"min_position": world.wiki.position()})
    assert waited.status_code == 200
    response = world.client.get("/feeds/search.atom", query_string=params)
    return response


def titles(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/atom+xml"
    root = ElementTree.fromstring(response.data)
    return [entry.find(f"{ATOM}title").text for entry in root.findall(f"{ATOM}entry")]


def publish(world, **fields):
    slug = world.example("maja", **fields)
    response = world.api("POST", f"/examples/{slug}/publish", "eva")
    assert response.status_code == 200, response.json
    return response.json["slug"]


def test_the_feed_holds_the_published_examples_that_match(world):
    publish(world, title="Hedersrelaterat våld i Mora", violence_forms=["hedersrelaterat"], municipalities=["Mora"])
    publish(world, title="Samverkan i Falun", violence_forms=["nara-relation"], municipalities=["Falun"])
    world.example("maja", title="Hemligt utkast om hedersrelaterat våld", violence_forms=["hedersrelaterat"],
                  municipalities=["Mora"])
    assert titles(feed(world, violence_form="hedersrelaterat")) == ["Hedersrelaterat våld i Mora"]
    assert titles(feed(world, q="samverkan")) == ["Samverkan i Falun"]
    assert sorted(titles(feed(world))) == ["Hedersrelaterat våld i Mora", "Samverkan i Falun"]
    assert titles(feed(world, q="utkast")) == []


def test_bad_parameters_are_a_readable_400(world):
    for params in ({"violence_form": "okand"}, {"q": "x" * 600}, {"year": "abc"}):
        response = feed(world, **params)
        assert response.status_code == 400
        assert response.mimetype == "text/plain"


def test_a_saved_search_matches_a_new_example_as_the_search_would(world):
    from search_index.search import SearchRequest, Visibility
    slug = publish(world, title="Hedersrelaterat våld i Mora", violence_forms=["hedersrelaterat"],
                   municipalities=["Mora"], body="Kvinnojouren och skolan samverkar.")
    draft = world.example("maja", title="Utkast om skolan")
    feed(world)
    example_id = str(world.wiki.example_id(slug))
    draft_id = str(world.wiki.example_id(draft))
    anyone, falun = Visibility(), Visibility(organisation="falu-kommun")
    searches = [SearchRequest(q="skolan", visibility=anyone), SearchRequest(q="jouren", visibility=anyone),
                SearchRequest(q="polisen", visibility=anyone),
                SearchRequest(q="", filters={"violence_form": "hedersrelaterat"}, visibility=anyone),
                SearchRequest(q="", filters={"municipality": "Falun"}, visibility=anyone),
                SearchRequest(q='"skolan samverkar', visibility=anyone)]
    assert world.services.searcher.matching(example_id, searches) == [True, True, False, True, False, True]
    assert world.services.searcher.matching(draft_id, [SearchRequest(q="skolan", visibility=anyone),
                                                       SearchRequest(q="skolan", visibility=falun)]) == [False, True]
