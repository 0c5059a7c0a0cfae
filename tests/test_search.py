"""Search (/api/v1/search and /sok): Swedish relevance, syntax, facets per role, snippets.

One app and one small corpus per module; every query waits for the corpus with
`min_position`. Each document below is written so that each case has one clear answer.
"""

import pytest

from conftest import World
from wiki import create_app

# key -> (author, published?, fields). Facets never enter the text: only title, summary and body do.
CORPUS = {
    # "våld" spelled with å, and its twin that only has "valde" (diacritics, exact spelling first).
    "vald": ("eva", True, dict(
        title="Samtalsgrupper på vårdcentralen", summary="Stödsamtal för vuxna.",
        body="Hon berättade om våld i hemmet och fick hjälp av en kurator.",
        organisations=["falu-kommun"], municipalities=["Falun"], violence_forms=["nara-relation"],
        goals=["upptackt-skydd-stod"], target_groups=["Vuxna"], period={"start_year": 2018, "end_year": 2019})),
    "valde": ("eva", True, dict(
        title="Samtalsgrupper på biblioteket", summary="Stödsamtal för vuxna.",
        body="Hon valde att berätta om hemmet och fick hjälp av en kurator.",
        organisations=["falu-kommun"], municipalities=["Falun"], violence_forms=["nara-relation"],
        goals=["upptackt-skydd-stod"], target_groups=["vuxna"], period={"start_year": 2020, "end_year": 2021})),
    # könsstympning; "skolan" without "polisen".
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
    # "jouren" on its own; then two compounds ending in it.
    "jouren": ("eva", True, dict(
        title="Telefonstöd dygnet runt", summary="Råd per telefon.",
        body="Jouren svarar i telefon och ger råd.",
        organisations=["falu-kommun"], municipalities=["Falun"], violence_forms=["nara-relation"],
        goals=["upptackt-skydd-stod"], target_groups=["vuxna"], period={"start_year": 2017, "end_year": 2018})),
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
    # "hedersrelaterat våld"; "skolan" and "polisen" together.
    "heders": ("eva", True, dict(
        title="Utbildning om hedersrelaterat våld", summary="Personal lär sig känna igen tecken.",
        body="Skolan och polisen samverkar i varje ärende.",
        organisations=["falu-kommun", "mora-kommun"], municipalities=["Falun", "Mora"],
        violence_forms=["hedersrelaterat"], goals=["kunskap-metod", "forebyggande"], target_groups=["personal"],
        period={"start_year": 2019, "end_year": 2019})),
    # "tolkstöd" in a title, and only in a body; "boende" without "skyddat".
    "tolk_titel": ("eva", True, dict(
        title="Tolkstöd i socialtjänsten", summary="Samtal med tolk på plats.",
        body="Handläggare bokar tolk inför varje möte.",
        organisations=["falu-kommun"], municipalities=["Falun"], violence_forms=["nara-relation"],
        goals=["upptackt-skydd-stod"], target_groups=["nyanlända"], period={"start_year": 2020, "end_year": 2022})),
    "tolk_text": ("eva", True, dict(
        title="Introduktion för nyanlända", summary="Information på flera språk.",
        body="Vid behov ges tolkstöd under mötet och hjälp att hitta boende.",
        organisations=["falu-kommun"], municipalities=["Ludvika"], violence_forms=["nara-relation"],
        goals=["forebyggande"], target_groups=["nyanlända"], period={"start_year": 2016, "end_year": 2017})),
    # "skyddat" and "boende", far apart.
    "isar": ("eva", True, dict(
        title="Lägenheter för unga", summary="Ungdomar får en egen lägenhet med boende nära skolgården.",
        body="Adressen hålls hemlig. Ingen utomstående får veta var, allt hålls skyddat.",
        organisations=["mora-kommun"], municipalities=["Mora"], violence_forms=["prostitution-sexualiserat"],
        goals=["upptackt-skydd-stod"], target_groups=["unga"], period={"start_year": 2023, "end_year": 2024})),
    # Unsafe markup next to a match.
    "xss": ("eva", True, dict(
        title="Chattstöd för unga", summary="Anonym chatt.",
        body="Unga kan chatta om våld <script>alert(1)</script> och hot <img src=x onerror=alert(1)> med en kurator.",
        organisations=["falu-kommun"], municipalities=["Rättvik"], violence_forms=["prostitution-sexualiserat"],
        goals=["forebyggande"], target_groups=["unga"], period={"start_year": 2024, "end_year": 2024})),
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
            position = response.json["position"]
    return slugs, position
