"""`flask --app wiki examples import FILE.jsonl` (issue 17): a bad file is refused whole with its
line numbers and writes nothing; a good one is written as the application writes examples
(sealed revisions, slugs, statuses) and is readable and searchable after."""

import json


def lines(*rows) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def run_import(app, tmp_path, text: str):
    path = tmp_path / "exempel.jsonl"
    path.write_text(text, encoding="utf-8")
    return app.test_cli_runner().invoke(args=["examples", "import", str(path)])


def test_a_bad_file_is_refused_whole_with_line_numbers(world, tmp_path):
    head = world.wiki.position()
    text = lines(
        {"title": "Bra exempel", "organisations": [world.falun], "status": "published"},
        {"title": "", "organisations": [world.falun]},
        {"title": "Okänd organisation", "organisations": ["finns-inte"]},
    ) + "{inte json\n" + lines(
        {"title": "Fel status", "organisations": [world.falun], "status": "klar"},
        {"title": "Personnummer", "organisations": [world.falun], "status": "published",
         "body": "Hon har personnummer 19121212-1212."},
        {"title": "Okänt fält", "organisations": [world.falun], "farg": "blå"},
    )
    result = run_import(world.app, tmp_path, text)
    assert result.exit_code == 1, result.output
    for number in (2, 3, 4, 5, 6, 7):
        assert f"rad {number}:" in result.output, result.output
    assert "rad 1:" not in result.output
    assert "personnummer" in result.output
    assert world.wiki.position() == head


def test_a_good_file_is_written_and_projected(world, tmp_path):
    rows = [{"title": f"Importerat exempel {n}", "summary": "Kort.", "body": "## Bakgrund\n\nFjällmodellen i Orsa.",
             "organisations": [world.falun], "violence_forms": ["nara-relation"],
             "status": ("draft", "in_review", "published", "archived")[n % 4]} for n in range(12)]
    rows.append({"title": "Importerat exempel 1", "organisations": [world.mora], "status": "published"})
    result = run_import(world.app, tmp_path, lines(*rows))
    assert result.exit_code == 0, result.output
    assert "13 exempel inlästa" in result.output
    listed = world.api("GET", "/examples?per_page=100", "eva").get_json()
    assert listed["total"] == 13
    statuses = sorted(item["status"] for item in listed["items"])
    assert statuses.count("published") == 4 and statuses.count("archived") == 3
    published = world.api("GET", "/examples/importerat-exempel-2").get_json()
    assert published["status"] == "published" and published["summary"] == "Kort."
    assert world.api("GET", "/examples/importerat-exempel-1").get_json()["organisations"] == [world.mora]
    found = world.api("GET", "/search?q=fjällmodellen").get_json()
    assert found["total"] == 3  # the published ones; drafts and archived are not public
    history = world.api("GET", "/examples/importerat-exempel-2/history").get_json()["items"]
    assert [h["change"] for h in history] == ["published"]
    assert world.api("POST", "/audit/verify", "gun").get_json() == {"ok": True}


def test_imported_examples_are_sealed_revisions(world, tmp_path):
    result = run_import(world.app, tmp_path, lines({"title": "Förseglat", "organisations": [world.falun],
                                                    "body": "Hemlig text om metoden."}))
    assert result.exit_code == 0, result.output
    slug = world.api("GET", "/examples?per_page=5", "eva").get_json()["items"][0]["slug"]
    example = world.wiki.get_example(slug)
    assert "key" in example.text and "Hemlig" not in json.dumps(example.text)
    assert world.wiki.content_of(example)["body"] == "Hemlig text om metoden."
