"""Search (/api/v1/search and /sok): Swedish relevance, syntax, facets per role, snippets.

One app and one small corpus per module; every query waits for the corpus with
`min_position`. Each document below is written so that each case has one clear answer.
"""

import re
from html import unescape
from html.parser import HTMLParser

import pytest

from conftest import World
from stores import make_app

# key -> (author, published?, fields), created (and published) in this order. Facets never enter the
# text: only title, summary and body do. Where a case compares two examples, the one that should rank
# lower is created first, so that a tie (which Whoosh breaks by document order) would fail the test.
CORPUS = {
    # Unsafe markup next to a match; "flickor" only in the body.
    "xss": ("eva", True, dict(
        title="Chattstöd för unga", summary="Anonym chatt.",
        body=("Flickor och unga kan chatta om våld <script>alert(1)</script> "
              "och hot <img src=x onerror=alert(1)> med en kurator."),
        organisations=["falu-kommun"], municipalities=["Rättvik"], violence_forms=["prostitution-sexualiserat"],
        goals=["forebyggande"], target_groups=["unga"], period={"start_year": 2024, "end_year": 2024})),
    # Twins: one says only "hon valde", the other "våld" (diacritics; the exact spelling ranks first).
    "valde": ("eva", True, dict(
        title="Samtalsgrupper på biblioteket", summary="Stödsamtal för vuxna.",
        body="Hon valde att berätta om hemmet och fick hjälp av en kurator.",
        organisations=["falu-kommun"], municipalities=["Falun"], violence_forms=["nara-relation"],
        goals=["upptackt-skydd-stod"], target_groups=["vuxna"], period={"start_year": 2020, "end_year": 2021})),
    "vald": ("eva", True, dict(
        title="Samtalsgrupper på vårdcentralen", summary="Stödsamtal för vuxna.",
        body="Hon berättade om våld i hemmet och fick hjälp av en kurator.",
        organisations=["falu-kommun"], municipalities=["Falun"], violence_forms=["nara-relation"],
        goals=["upptackt-skydd-stod"], target_groups=["Vuxna"], period={"start_year": 2018, "end_year": 2019})),
    # "könsstympning"; "flickor" in the summary; "skolan" without "polisen".
    "konsstympning": ("eva", True, dict(
        title="Förebygga könsstympning genom hälsosamtal",
        summary="Skolsköterskor samtalar med flickor om könsstympning.",
        body="Arbetet sker i skolan tillsammans med föräldrar.",
        organisations=["mora-kommun"], municipalities=["Mora"], violence_forms=["hedersrelaterat"],
        goals=["forebyggande"], target_groups=["flickor"], period={"start_year": 2019, "end_year": 2021})),
    # "våldsutsatt" (not -a), "kvinnor" (not -na), "en man som", "varje år".
    "mottagning": ("eva", True, dict(
        title="Öppen mottagning",
        summary="Mottagningen tar emot kvinnor och en man som utsatts för hot.",
        body="Varje år kommer fler. Varje våldsutsatt person får en kontaktperson.",
        organisations=["falu-kommun"], municipalities=["Falun", "Borlänge"], violence_forms=["nara-relation"],
        goals=["upptackt-skydd-stod"], target_groups=["Våldsutsatta kvinnor"],
        period={"start_year": 2015, "end_year": 2016})),
    # Two compounds ending in "jouren", then "jouren" on its own.
    "kvinnojouren": ("eva", True, dict(
        title="Samarbete kring utsatta", summary="Råd och trygghet.",
        body="Kvinnojouren erbjuder skyddat boende för kvinnor och barn.",
        organisations=["falu-kommun"], municipalities=["Falun"], violence_forms=["nara-relation"],
        goals=["upptackt-skydd-stod"], target_groups=["Våldsutsatta kvinnor", "barn"],
        period={"start_year": 2021, "end_year": 2022})),
    "brottsofferjouren": ("eva", True, dict(
        title="Stöd inför rättegången", summary="Råd och trygghet.",
        body="Brottsofferjouren följer med till rättegången. Polisen informerar om förhöret.",
        organisations=["falu-kommun"], municipalities=["Borlänge"], violence_forms=["nara-relation"],
        goals=["brottsbekampning"], target_groups=["brottsoffer"], period={"start_year": 2022, "end_year": 2023})),
    "jouren": ("eva", True, dict(
        title="Telefonstöd dygnet runt", summary="Råd per telefon.",
        body="Jouren svarar i telefon och ger råd.",
        organisations=["falu-kommun"], municipalities=["Falun"], violence_forms=["nara-relation"],
        goals=["upptackt-skydd-stod"], target_groups=["vuxna"], period={"start_year": 2017, "end_year": 2018})),
    # "hedersrelaterat våld"; "skolan" and "polisen" together.
    "heders": ("eva", True, dict(
        title="Utbildning om hedersrelaterat våld", summary="Personal lär sig känna igen tecken.",
        body="Skolan och polisen samverkar i varje ärende.",
        organisations=["falu-kommun", "mora-kommun"], municipalities=["Falun", "Mora"],
        violence_forms=["hedersrelaterat"], goals=["kunskap-metod", "forebyggande"], target_groups=["personal"],
        period={"start_year": 2019, "end_year": 2019})),
    # "tolkstöd" only in a body (and "boende" without "skyddat"), then in a title.
    "tolk_text": ("eva", True, dict(
        title="Introduktion för nyanlända", summary="Information på flera språk.",
        body="Vid behov ges tolkstöd under mötet och hjälp att hitta boende.",
        organisations=["falu-kommun"], municipalities=["Ludvika"], violence_forms=["nara-relation"],
        goals=["forebyggande"], target_groups=["nyanlända"], period={"start_year": 2016, "end_year": 2017})),
    "tolk_titel": ("eva", True, dict(
        title="Tolkstöd i socialtjänsten", summary="Samtal på flera språk.",
        body="Handläggare bokar hjälp inför varje möte.",
        organisations=["falu-kommun"], municipalities=["Falun"], violence_forms=["nara-relation"],
        goals=["upptackt-skydd-stod"], target_groups=["nyanlända"], period={"start_year": 2020, "end_year": 2022})),
    # "skyddat" and "boende", far apart.
    "isar": ("eva", True, dict(
        title="Lägenheter för unga", summary="Ungdomar får en egen lägenhet med boende nära skolgården.",
        body="Adressen hålls hemlig. Ingen utomstående får veta var, allt hålls skyddat.",
        organisations=["mora-kommun"], municipalities=["Mora"], violence_forms=["prostitution-sexualiserat"],
        goals=["upptackt-skydd-stod"], target_groups=["unga"], period={"start_year": 2023, "end_year": 2024})),
    # Drafts: one per organisation.
    "utkast_falun": ("maja", False, dict(
        title="Trygghetsvandring i centrum", summary="Vi planerar en trygghetsvandring.",
        body="Kvinnor och unga bjuds in att gå med.",
        organisations=["falu-kommun"], municipalities=["Falun"], violence_forms=["nara-relation"],
        goals=["forebyggande"], target_groups=["unga"], period={"start_year": 2019, "end_year": 2020})),
    "utkast_mora": ("olle", False, dict(
        title="Föräldrastöd i grupp", summary="Föräldrastöd för familjer.",
        body="Grupper för föräldrar som utsatts för hot.",
        organisations=["mora-kommun"], municipalities=["Mora", "Orsa"], violence_forms=["prostitution-sexualiserat"],
        goals=["kunskap-metod"], target_groups=["föräldrar"], period={"start_year": 2019, "end_year": 2019})),
}


def build_corpus(w) -> tuple[dict, int]:
    """Creates (and publishes) the corpus through the API; returns {key: slug} and the last position."""
    slugs, position = {}, 0
    for key, (author, published, fields) in CORPUS.items():
        response = w.api("POST", "/examples", author, json=fields)
        assert response.status_code == 201, response.json
        slugs[key] = response.json["slug"]
        position = response.json["position"]
        if published:
            response = w.api("POST", f"/examples/{slugs[key]}/publish", "eva")
            assert response.status_code == 200, response.json
            slugs[key], position = response.json["slug"], response.json["position"]
    return slugs, position

PUBLISHED = [key for key, (_, published, _) in CORPUS.items() if published]
EVERYTHING = list(CORPUS)
VISIBLE = {
    None: PUBLISHED,
    "maja": PUBLISHED + ["utkast_falun"],
    "olle": PUBLISHED + ["utkast_mora"],
    "eva": EVERYTHING,
    "gun": EVERYTHING,
    "adam": EVERYTHING,
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """One app for the module, with the organisations, accounts and corpus above, indexed."""
    app = make_app({"DATA_DIR": str(tmp_path_factory.mktemp("search") / "data"), "TESTING": True})
    w = World(app)
    w.falun = w.organisation("Falu kommun", "kommun", "Falun")
    w.mora = w.organisation("Mora kommun", "kommun", "Mora")
    assert (w.falun, w.mora) == ("falu-kommun", "mora-kommun")
    w.account("maja", "member", w.falun)
    w.account("olle", "member", w.mora)
    w.account("eva", "coordinator")
    w.account("gun", "auditor")
    w.account("adam", "admin")
    w.slugs, w.position = build_corpus(w)
    w.keys = {slug: key for key, slug in w.slugs.items()}
    first = search(w, q="")  # waits for the index to reach the corpus
    assert first["position"] >= w.position
    yield w
    app.extensions["lansgrupp"].close()


# ---- helpers -----------------------------------------------------------------------------

def get(w, username=None, **params):
    params.setdefault("min_position", getattr(w, "position", 0))
    return w.api("GET", "/search", username, query_string=params)


def search(w, username=None, **params) -> dict:
    response = get(w, username, **params)
    assert response.status_code == 200, (params, response.status_code, response.get_data(as_text=True)[:500])
    body = response.get_json()
    assert set(body) >= {"total", "page", "per_page", "hits", "facets", "suggestion", "position"}, body
    return body


def keys(w, body) -> list[str]:
    """The hits as corpus keys, in order (slugs not from the corpus stay as they are)."""
    return [w.keys.get(hit["slug"], hit["slug"]) for hit in body["hits"]]


def found(w, q, username=None, **params) -> list[str]:
    body = search(w, username, q=q, per_page=50, **params)
    assert body["total"] == len(body["hits"]), body
    return keys(w, body)


def assert_error(response, status: int = 400) -> dict:
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
    body = response.get_json()
    assert isinstance(body, dict) and set(body) == {"error"}, body
    error = body["error"]
    assert isinstance(error.get("code"), str) and error["code"], error
    assert isinstance(error.get("message"), str) and error["message"], error
    return error


def expected_facets(visible_keys) -> dict:
    """Facet counts computed from the corpus definition, for the examples a reader may see."""
    counts = {name: {} for name in ("violence_form", "goal", "organisation", "municipality", "target_group", "year")}

    def add(facet, value):
        counts[facet][value] = counts[facet].get(value, 0) + 1

    for key in visible_keys:
        fields = CORPUS[key][2]
        for value in fields.get("violence_forms", []):
            add("violence_form", value)
        for value in fields.get("goals", []):
            add("goal", value)
        for value in fields.get("organisations", []):
            add("organisation", value)
        for value in fields.get("municipalities", []):
            add("municipality", value)
        for value in fields.get("target_groups", []):
            add("target_group", value.casefold())
        period = fields.get("period")
        for year in range(period["start_year"], period["end_year"] + 1):
            add("year", str(year))
    return counts


def without_marks(snippet: str) -> str:
    return snippet.replace("<mark>", "").replace("</mark>", "")


# ---- the answer's shape ----------------------------------------------------------------------

def test_hits_carry_the_contracts_fields(corpus):
    body = search(corpus, q="skolan polisen")
    assert body["total"] == 1 and body["page"] == 1 and body["per_page"] == 10
    assert body["position"] >= corpus.position
    assert set(body["facets"]) == {"violence_form", "goal", "organisation", "municipality", "target_group", "year"}
    hit = body["hits"][0]
    assert set(hit) >= {"slug", "title", "summary", "snippet", "score", "updated_at", "organisations",
                        "violence_forms", "goals"}
    fields = CORPUS["heders"][2]
    assert hit["slug"] == corpus.slugs["heders"] == "utbildning-om-hedersrelaterat-vald"
    assert (hit["title"], hit["summary"]) == (fields["title"], fields["summary"])
    assert hit["organisations"] == ["falu-kommun", "mora-kommun"]
    assert hit["violence_forms"] == ["hedersrelaterat"]
    assert hit["goals"] == ["kunskap-metod", "forebyggande"]
    assert isinstance(hit["score"], (int, float)) and hit["score"] > 0
    assert hit["updated_at"].endswith("Z")
    assert "<mark>Skolan</mark>" in hit["snippet"] and "<mark>polisen</mark>" in hit["snippet"]


# ---- Swedish analysis ------------------------------------------------------------------------

def test_vald_without_ring_finds_vald_with_ring(corpus):
    hits = found(corpus, "vald")
    assert "vald" in hits and "xss" in hits and "heders" in hits


def test_konsstympning_without_umlaut_finds_konsstympning(corpus):
    assert found(corpus, "konsstympning") == ["konsstympning"]
    assert found(corpus, "könsstympning") == ["konsstympning"]


def test_exact_spelling_ranks_above_a_folded_match(corpus):
    hits = found(corpus, "våld")
    # "hon valde" stems like "vald" and still matches, but below the text that says "våld".
    assert "valde" in hits
    assert hits.index("vald") < hits.index("valde"), hits
    assert hits[-1] == "valde", hits


def test_inflections_are_stemmed(corpus):
    assert found(corpus, "våldsutsatta") == ["mottagning"]  # the text says "våldsutsatt"
    assert set(found(corpus, "kvinnorna")) == {"mottagning", "kvinnojouren"}  # the texts say "kvinnor"
    assert set(found(corpus, "kvinna")) == {"mottagning", "kvinnojouren"}


def test_stop_list_keeps_content_words(corpus):
    assert found(corpus, "man") == ["mottagning"]  # "en man som …"
    assert found(corpus, "år") == ["mottagning"]  # "Varje år …"
    assert found(corpus, "ar") == ["mottagning"]


def test_part_of_a_compound_finds_the_compounds_below_the_word_itself(corpus):
    hits = found(corpus, "jouren")
    assert hits[0] == "jouren", hits
    assert set(hits) == {"jouren", "kvinnojouren", "brottsofferjouren"}


def test_compound_typed_as_one_word_finds_its_parts(corpus):
    assert found(corpus, "hedersvåld") == ["heders"]  # the text says "hedersrelaterat våld"
    assert found(corpus, "hedersvald") == ["heders"]


def test_title_weighs_more_than_body(corpus):
    assert found(corpus, "tolkstöd") == ["tolk_titel", "tolk_text"]


def test_summary_weighs_more_than_body(corpus):
    assert found(corpus, "flickor") == ["konsstympning", "xss"]


# ---- syntax ------------------------------------------------------------------------------

def test_words_are_anded(corpus):
    assert set(found(corpus, "skolan")) == {"konsstympning", "heders"}
    assert set(found(corpus, "polisen")) == {"heders", "brottsofferjouren"}
    assert found(corpus, "skolan polisen") == ["heders"]
    assert found(corpus, "skolan AND polisen") == ["heders"]


def test_or_joins_alternatives(corpus):
    assert set(found(corpus, "tolkstöd OR könsstympning")) == {"tolk_titel", "tolk_text", "konsstympning"}


def test_quoted_phrase_needs_the_words_together(corpus):
    assert set(found(corpus, "skyddat boende")) == {"kvinnojouren", "isar"}
    assert found(corpus, '"skyddat boende"') == ["kvinnojouren"]


def test_minus_excludes(corpus):
    assert set(found(corpus, "boende")) == {"kvinnojouren", "isar", "tolk_text"}
    assert found(corpus, "boende -skyddat") == ["tolk_text"]
    assert found(corpus, "polisen -skolan") == ["brottsofferjouren"]


def test_prefix_finds_words_that_start_with_it(corpus):
    assert set(found(corpus, "tolk*")) == {"tolk_titel", "tolk_text"}
    assert found(corpus, "heders*") == ["heders"]


def test_prefix_kvinno_finds_kvinnor_and_kvinnojouren(corpus):
    assert set(found(corpus, "kvinno*")) == {"kvinnojouren", "mottagning"}


def test_field_organisation(corpus):
    assert set(found(corpus, "organisation:mora-kommun")) == {"konsstympning", "heders", "isar"}
    assert set(found(corpus, "organisation:mora-kommun", "olle")) == {"konsstympning", "heders", "isar",
                                                                     "utkast_mora"}


def test_field_title(corpus):
    assert found(corpus, "title:tolkstöd") == ["tolk_titel"]
    assert found(corpus, "title:hedersrelaterat") == ["heders"]
    assert found(corpus, "title:polisen") == []


def test_field_year_from_the_period(corpus):
    assert set(found(corpus, "year:2019")) == {"vald", "konsstympning", "heders"}
    assert found(corpus, "skolan year:2021") == ["konsstympning"]
    assert set(found(corpus, "year:2019", "eva")) == {"vald", "konsstympning", "heders", "utkast_falun",
                                                       "utkast_mora"}


def test_field_violence_form(corpus):
    assert set(found(corpus, "violence_form:hedersrelaterat")) == {"konsstympning", "heders"}
    assert found(corpus, "skolan -violence_form:hedersrelaterat") == []


# ---- malformed queries ---------------------------------------------------------------------

MALFORMED = ["(((", "\"unclosed", "AND", "OR OR", "title:", ":::", "*", "-", ")", "\"", "NOT", "title:(",
             "year:abc", "organisation:", "[a TO z]", "{}", "kvinnor^3", "kvinnor~", "a:b:c", "\\", "%", "??",
             "våld AND", "OR våld", "*:*", "title:\"", "-(", "((kvinnor OR", "'", "&amp;", "<script>",
             "\x00", "\u200b", "\u202e", "\u0301", "🙂🙂", "\ufffd", "Ω≈ç√∫", "ﷺ",
             "\U0001F9D1\u200d\U0001F91D"]


@pytest.mark.parametrize("q", MALFORMED)
def test_malformed_query_is_never_a_500(corpus, q):
    body = search(corpus, q=q)
    assert isinstance(body["hits"], list)
    assert body["total"] >= len(body["hits"])


def test_unparsable_queries_are_searched_as_plain_words(corpus):
    assert set(found(corpus, '"skyddat boende')) == {"kvinnojouren", "isar"}
    assert set(found(corpus, "(kvinnor")) == {"mottagning", "kvinnojouren"}
    assert set(found(corpus, "kvinnor)")) == {"mottagning", "kvinnojouren"}
    assert found(corpus, "skolan polisen)))") == ["heders"]
    assert found(corpus, "våld 🙂") == found(corpus, "våld")


def test_query_of_500_characters_is_searched_and_501_refused(corpus):
    q = ("kvinnor " * 62).ljust(500, " ")
    assert len(q) == 500
    assert set(found(corpus, q)) == {"mottagning", "kvinnojouren"}
    assert search(corpus, q="ö" * 500)["total"] == 0  # characters, not bytes
    assert_error(get(corpus, q="ö" * 501), 400)
    assert_error(get(corpus, q=q + "x"), 400)


def test_invalid_utf8_in_the_query_string_is_not_a_500(corpus):
    response = corpus.client.get(f"/api/v1/search?q=%ff%fe%80v%C3&min_position={corpus.position}")
    assert response.status_code in (200, 400), response.get_data(as_text=True)[:300]
    if response.status_code == 400:
        assert_error(response, 400)


def test_decomposed_diacritics_find_the_same_as_composed(corpus):
    assert found(corpus, "va\u030ald") == found(corpus, "våld")


# ---- empty query, filters and facets -----------------------------------------------------------

def test_empty_query_lists_everything_visible_newest_first(corpus):
    body = search(corpus, q="", per_page=50)
    assert body["total"] == len(PUBLISHED) == 12
    assert keys(corpus, body) == list(reversed(PUBLISHED))
    stamps = [hit["updated_at"] for hit in body["hits"]]
    assert stamps == sorted(stamps, reverse=True)


@pytest.mark.parametrize("username", [None, "maja", "olle", "eva", "gun", "adam"])
def test_hits_and_facet_counts_count_only_what_the_reader_may_read(corpus, username):
    body = search(corpus, username, q="", per_page=50)
    assert sorted(keys(corpus, body)) == sorted(VISIBLE[username])
    assert body["total"] == len(VISIBLE[username])
    assert body["facets"] == expected_facets(VISIBLE[username])


def test_drafts_are_found_only_by_their_organisation_and_readers_of_everything(corpus):
    assert found(corpus, "trygghetsvandring") == []
    assert found(corpus, "trygghetsvandring", "maja") == ["utkast_falun"]
    assert found(corpus, "trygghetsvandring", "olle") == []
    assert found(corpus, "föräldrastöd", "olle") == ["utkast_mora"]
    assert found(corpus, "föräldrastöd", "maja") == []
    for reader in ("eva", "gun", "adam"):
        assert found(corpus, "trygghetsvandring", reader) == ["utkast_falun"]
        assert found(corpus, "föräldrastöd", reader) == ["utkast_mora"]


def test_facet_counts_of_a_query_per_role(corpus):
    # "kvinnor": two published examples, and maja's organisation's draft.
    anonymous = search(corpus, q="kvinnor")
    assert anonymous["facets"] == expected_facets(["mottagning", "kvinnojouren"])
    maja = search(corpus, "maja", q="kvinnor")
    assert set(keys(corpus, maja)) == {"mottagning", "kvinnojouren", "utkast_falun"}
    assert maja["facets"] == expected_facets(["mottagning", "kvinnojouren", "utkast_falun"])
    assert maja["facets"]["goal"]["forebyggande"] == 1
    olle = search(corpus, "olle", q="kvinnor")
    assert olle["facets"] == anonymous["facets"]


@pytest.mark.parametrize("name, value, expected", [
    ("violence_form", "hedersrelaterat", {"konsstympning", "heders"}),
    ("goal", "forebyggande", {"konsstympning", "heders", "tolk_text", "xss"}),
    ("organisation", "mora-kommun", {"konsstympning", "heders", "isar"}),
    ("municipality", "Borlänge", {"mottagning", "brottsofferjouren"}),
    ("target_group", "våldsutsatta kvinnor", {"mottagning", "kvinnojouren"}),
    ("target_group", "Våldsutsatta Kvinnor", {"mottagning", "kvinnojouren"}),
    ("year", "2019", {"vald", "konsstympning", "heders"}),
])
def test_filter(corpus, name, value, expected):
    body = search(corpus, q="", per_page=50, **{name: value})
    assert set(keys(corpus, body)) == expected
    assert body["total"] == len(expected)
    assert body["facets"] == expected_facets(expected)


def test_filters_combine_with_a_query_and_with_each_other(corpus):
    assert found(corpus, "skolan", violence_form="hedersrelaterat", year="2021") == ["konsstympning"]
    assert set(found(corpus, "kvinnor", municipality="Falun")) == {"mottagning", "kvinnojouren"}
    assert found(corpus, "kvinnor", municipality="Borlänge") == ["mottagning"]
    assert found(corpus, "polisen", organisation="mora-kommun") == ["heders"]
    assert found(corpus, "", violence_form="prostitution-sexualiserat", organisation="falu-kommun") == ["xss"]
    assert set(found(corpus, "", "olle", violence_form="prostitution-sexualiserat")) == {"isar", "xss",
                                                                                          "utkast_mora"}


@pytest.mark.parametrize("params", [
    {"violence_form": "xyz"}, {"year": "20x"}, {"sort": "bad"}, {"goal": "nope"}, {"municipality": "Stockholm"},
    {"organisation": "Inte En Slug!"}, {"page": "abc"}, {"per_page": "-1"},
])
def test_unknown_filter_values_are_400(corpus, params):
    assert_error(get(corpus, q="kvinnor", **params), 400)


# ---- snippets ------------------------------------------------------------------------------

def snippet_of(w, q, key, username=None) -> str:
    body = search(w, username, q=q, per_page=50)
    for hit in body["hits"]:
        if hit["slug"] == w.slugs[key]:
            return hit["snippet"]
    raise AssertionError(f"{key} not found for {q!r}: {keys(w, body)}")


def test_snippets_mark_the_matches(corpus):
    assert "<mark>kvinnor</mark>" in snippet_of(corpus, "kvinnor", "mottagning")
    assert "<mark>våld</mark>" in snippet_of(corpus, "vald", "vald")  # typed without ring, marked as written
    assert "<mark>valde</mark>" in snippet_of(corpus, "vald", "valde")
    assert "<mark>våldsutsatt</mark>" in snippet_of(corpus, "våldsutsatta", "mottagning")
    assert "<mark>Kvinnojouren</mark>" in snippet_of(corpus, "jouren", "kvinnojouren")
    assert "<mark>skyddat</mark> <mark>boende</mark>" in snippet_of(corpus, '"skyddat boende"', "kvinnojouren")


@pytest.mark.parametrize("q", ["chatta", "vald", "alert", "onerror", "script", "img src"])
def test_snippets_contain_nothing_unsafe(corpus, q):
    snippet = snippet_of(corpus, q, "xss")
    assert "<mark>" in snippet, snippet
    rest = without_marks(snippet)
    assert "<" not in rest and ">" not in rest, snippet
    assert "<script" not in snippet.lower() and "<img" not in snippet.lower(), snippet


def test_snippet_tags_are_only_marks_for_every_hit(corpus):
    for q in ("", "våld", "kvinnor", "jouren", "unga", "hot", "kurator"):
        body = search(corpus, "eva", q=q, per_page=50)
        assert body["hits"], q
        for hit in body["hits"]:
            rest = without_marks(hit["snippet"])
            assert "<" not in rest and ">" not in rest, hit


# ---- sorting and pages -----------------------------------------------------------------------

def test_sort_by_relevance_and_by_updated(corpus):
    by_relevance = found(corpus, "våld")
    assert set(by_relevance) == {"heders", "xss", "vald", "valde"}
    assert by_relevance[0] == "heders"  # in the title
    assert by_relevance[-1] == "valde"
    body = search(corpus, q="våld", sort="updated", per_page=50)
    assert keys(corpus, body) == ["heders", "vald", "valde", "xss"]  # published in the corpus's order
    assert keys(corpus, body) != by_relevance
    stamps = [hit["updated_at"] for hit in body["hits"]]
    assert stamps == sorted(stamps, reverse=True)
    assert all(hit["score"] is None or isinstance(hit["score"], (int, float)) for hit in body["hits"])


def test_pages_split_the_same_total(corpus):
    everything = keys(corpus, search(corpus, q="", per_page=50))
    pages = [search(corpus, q="", per_page=5, page=page) for page in (1, 2, 3, 4)]
    assert [p["total"] for p in pages] == [12, 12, 12, 12]
    assert [p["page"] for p in pages] == [1, 2, 3, 4]
    assert [p["per_page"] for p in pages] == [5, 5, 5, 5]
    assert [len(p["hits"]) for p in pages] == [5, 5, 2, 0]
    assert sum((keys(corpus, p) for p in pages), []) == everything

    ranked = [search(corpus, q="våld", per_page=2, page=page) for page in (1, 2)]
    assert [p["total"] for p in ranked] == [4, 4]
    assert keys(corpus, ranked[0]) + keys(corpus, ranked[1]) == found(corpus, "våld")


def test_per_page_over_50_is_capped(corpus):
    body = search(corpus, "eva", q="", per_page=1000)
    assert body["per_page"] == 50
    assert len(body["hits"]) == len(EVERYTHING)
    assert search(corpus, q="", per_page=51)["per_page"] == 50


# ---- suggestions -----------------------------------------------------------------------------

def test_suggestion_for_a_misspelling_without_hits(corpus):
    body = search(corpus, q="kvinor")
    assert body["total"] == 0
    assert body["suggestion"] == "kvinnor"
    assert found(corpus, body["suggestion"]) != []


def test_suggestion_corrects_one_word_of_several(corpus):
    body = search(corpus, q="skyddat bonde")
    assert body["suggestion"] == "skyddat boende"


def test_no_suggestion_when_the_query_has_hits(corpus):
    assert search(corpus, q="kvinnor")["suggestion"] is None
    assert search(corpus, q="våld")["suggestion"] is None
    assert search(corpus, q="")["suggestion"] is None


def test_suggestion_for_a_reader_of_the_draft(corpus):
    assert search(corpus, "maja", q="trygghetsvandrng")["suggestion"] == "trygghetsvandring"
    assert search(corpus, "eva", q="trygghetsvandrng")["suggestion"] == "trygghetsvandring"


@pytest.mark.parametrize("reader", [None, "olle"])
def test_suggestion_does_not_reveal_words_of_drafts_the_reader_may_not_read(corpus, reader):
    assert search(corpus, reader, q="trygghetsvandrng")["suggestion"] != "trygghetsvandring"


# ---- the search page -------------------------------------------------------------------------

def facet_link(html: str, facet: str, value_in_url: str) -> tuple[str, int]:
    """The href of a facet's link and the count shown beside it."""
    match = re.search(rf'href="(/sok\?[^"]*\b{facet}={re.escape(value_in_url)}(?:&amp;[^"]*)?)"[^>]*>[^<]*</a>'
                      rf'\s*(?:<[^>]+>\s*)?\((\d+)\)', html)
    assert match, f"no link for {facet}={value_in_url}"
    return unescape(match.group(1)), int(match.group(2))


def test_search_page_shows_marked_snippets_and_facet_links_with_counts(corpus):
    search(corpus, q="kvinnor")  # the index has the corpus
    response = corpus.client.get("/sok?q=kvinnor")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<mark>kvinnor</mark>" in html
    assert f'href="/exempel/{corpus.slugs["mottagning"]}"' in html
    assert f'href="/exempel/{corpus.slugs["kvinnojouren"]}"' in html
    assert corpus.slugs["utkast_falun"] not in html  # a draft, for an anonymous reader
    assert "Menade du" not in html
    assert facet_link(html, "violence_form", "nara-relation")[1] == 2
    assert facet_link(html, "organisation", "falu-kommun")[1] == 2
    assert facet_link(html, "municipality", "Falun")[1] == 2
    assert facet_link(html, "year", "2015")[1] == 1

    href, count = facet_link(html, "municipality", "Borl%C3%A4nge")
    assert count == 1
    filtered = corpus.client.get(href)
    assert filtered.status_code == 200
    text = filtered.get_data(as_text=True)
    assert f'href="/exempel/{corpus.slugs["mottagning"]}"' in text
    assert f'href="/exempel/{corpus.slugs["kvinnojouren"]}"' not in text


class _Inputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inputs = []

    def handle_starttag(self, tag, attrs):
        if tag == "input":
            self.inputs.append(dict(attrs))


def test_every_page_has_a_search_box(corpus):
    for path in ("/", "/exempel", f"/exempel/{corpus.slugs['vald']}"):
        html = corpus.client.get(path).get_data(as_text=True)
        assert 'action="/sok"' in html, path
        assert 'name="q"' in html, path


def test_search_page_input_is_well_formed(corpus):
    parser = _Inputs()
    parser.feed(corpus.client.get("/sok?q=kvinnor").get_data(as_text=True))
    box = [attrs for attrs in parser.inputs if attrs.get("id") == "search-q"]
    assert len(box) == 1
    assert box[0]["value"] == "kvinnor"
    assert set(box[0]) <= {"id", "type", "name", "value", "placeholder", "class", "aria-label", "autocomplete"}, box
    assert "skyddat boende" in box[0].get("placeholder", ""), box


def test_search_page_suggests_menade_du(corpus):
    response = corpus.client.get("/sok?q=kvinor")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Menade du" in html
    assert "q=kvinnor" in html and "<strong>kvinnor</strong>" in html


def test_search_page_escapes_unsafe_text(corpus):
    response = corpus.client.get("/sok?q=chatta")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<mark>chatta</mark>" in html
    assert "<script>alert" not in html and "<img src=x" not in html


@pytest.mark.parametrize("q", ["(((", "\"unclosed", "title:", "ö" * 500])
def test_search_page_with_malformed_queries(corpus, q):
    assert corpus.client.get("/sok", query_string={"q": q}).status_code == 200


def test_search_page_escapes_the_query(corpus):
    response = corpus.client.get("/sok", query_string={"q": '"><script>alert(1)</script>'})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert '"><script' not in html


def test_search_page_with_an_unknown_filter_is_400(corpus):
    assert corpus.client.get("/sok?q=kvinnor&violence_form=xyz").status_code == 400


# ---- read-your-writes (a fresh wiki of its own) ---------------------------------------------------

def test_a_new_example_is_findable_at_once(world):
    created = world.api("POST", "/examples", "maja", json={
        "title": "Samtalsstöd för äldre", "summary": "Äldre som utsatts för våld får samtalsstöd.",
        "body": "Hemtjänsten uppmärksammar tecken på våld.", "organisations": ["falu-kommun"]})
    assert created.status_code == 201, created.json
    slug = created.json["slug"]
    draft = search(world, "maja", q="hemtjänsten", min_position=created.json["position"])
    assert [hit["slug"] for hit in draft["hits"]] == [slug]
    assert search(world, None, q="hemtjänsten", min_position=created.json["position"])["hits"] == []

    published = world.api("POST", f"/examples/{slug}/publish", "eva")
    assert published.status_code == 200, published.json
    slug = published.json["slug"]
    body = search(world, None, q="hemtjansten", min_position=published.json["position"])
    assert [hit["slug"] for hit in body["hits"]] == [slug]
    assert body["position"] >= published.json["position"]
    assert "<mark>Hemtjänsten</mark>" in body["hits"][0]["snippet"]


def test_an_edit_is_findable_at_once_and_the_old_word_is_gone(world):
    created = world.api("POST", "/examples", "maja", json={
        "title": "Stöd i hemmet", "body": "Socialsekreteraren gör hembesök.", "organisations": ["falu-kommun"]})
    slug = created.json["slug"]
    published = world.api("POST", f"/examples/{slug}/publish", "eva")
    slug = published.json["slug"]
    assert [h["slug"] for h in search(world, q="hembesök", min_position=published.json["position"])["hits"]] == [slug]

    edited = world.api("PUT", f"/examples/{slug}", "maja",
                       json={"base_version": 1, "body": "Socialsekreteraren ringer upp varje vecka."})
    assert edited.status_code == 200, edited.json
    position = edited.json["position"]
    assert search(world, q="hembesök", min_position=position)["hits"] == []
    assert [h["slug"] for h in search(world, q="ringer", min_position=position)["hits"]] == [slug]
    assert search(world, q="", min_position=position)["total"] == 1



def test_a_published_example_without_any_a_ring_or_umlaut_does_not_break_ranking(world):
    """Its `exact` field is empty; averaging that field's lengths once failed with None."""
    plain = world.example("eva", title="Samverkan mellan polis och kommun", summary="Kort.", body="Text om metoden.",
                          organisations=[world.falun])
    other = world.example("eva", title="Fjällmodellen", summary="Kort.", body="Fjällmodellen i Orsa.",
                          organisations=[world.falun])
    for slug in (plain, other):
        assert world.api("POST", f"/examples/{slug}/publish", "eva").status_code == 200
    world.services.follower.catch_up()
    found = world.api("GET", "/search?q=fjällmodellen").get_json()
    assert found["total"] == 1
