"""The contract's CLI commands through Flask's CLI runner, on a real store."""

from wiki.demo import ACCOUNTS, DEMO_PASSWORD, ORGANISATIONS
from events.identification import check_example
from wiki.demo_examples import EXAMPLES, FLAGGED_EXAMPLES


def test_users_create_reads_password_from_stdin_and_can_sign_in_at_once(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "karin", "--role", "coordinator", "--password-stdin"],
                           input="ett-langt-losenord\n")
    assert result.exit_code == 0, result.output
    response = app.test_client().post("/api/v1/tokens", json={"username": "karin", "password": "ett-langt-losenord"})
    assert response.status_code == 201


def test_users_create_refuses_member_without_known_organisation(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "kim", "--role", "member", "--organisation", "finns-inte",
                                 "--password-stdin"], input="ett-langt-losenord\n")
    assert result.exit_code != 0
    assert "finns-inte" in result.output
    again = runner.invoke(args=["users", "create", "kim", "--role", "member", "--password-stdin"],
                          input="ett-langt-losenord\n")
    assert again.exit_code != 0


def test_users_create_refuses_duplicates(app):
    runner = app.test_cli_runner()
    args = ["users", "create", "karin", "--role", "auditor", "--password-stdin"]
    assert runner.invoke(args=args, input="ett-langt-losenord\n").exit_code == 0
    second = runner.invoke(args=args, input="ett-langt-losenord\n")
    assert second.exit_code != 0 and "finns redan" in second.output


def test_demo_load_is_complete_and_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    wiki = app.extensions["lansgrupp"].wiki
    position = wiki.position()
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    assert wiki.position() == position, "loading twice records nothing new"

    client = app.test_client()
    organisations = client.get("/api/v1/organisations").json["items"]
    assert len(organisations) == len(ORGANISATIONS) == 27
    names = {o["name"] for o in organisations}
    assert {"Länsstyrelsen Dalarna", "Polismyndigheten", "Älvdalens kommun", "Barnahus Dalarna"} <= names

    token = client.post("/api/v1/tokens", json={"username": "eva.strand", "password": DEMO_PASSWORD}).json["token"]
    listing = client.get("/api/v1/examples?per_page=100", headers={"Authorization": f"Bearer {token}"}).json
    assert listing["total"] == len(EXAMPLES) + len(FLAGGED_EXAMPLES) >= 14
    published = [e for e in listing["items"] if e["status"] == "published"]
    assert len(published) >= 11
    in_review = [e["slug"] for e in listing["items"] if e["status"] == "in_review"]
    assert len(in_review) == 2, "two drafts in the review queue that the check stops"
    for slug in in_review:
        findings = client.get(f"/api/v1/examples/{slug}/check", headers={"Authorization": f"Bearer {token}"}).json
        assert findings["findings"], slug
    for example in EXAMPLES:
        assert not check_example(example), f"demo data passes the check: {example['title']}"
    forms = {f for e in published for f in e["violence_forms"]}
    goals = {g for e in published for g in e["goals"]}
    assert forms == {"nara-relation", "hedersrelaterat", "prostitution-sexualiserat"}
    assert goals == {"forebyggande", "upptackt-skydd-stod", "brottsbekampning", "kunskap-metod"}
    assert len(ACCOUNTS) == len({a[0] for a in ACCOUNTS})

    meetings = client.get("/api/v1/meetings", headers={"Authorization": f"Bearer {token}"}).json["items"]
    county = [m for m in meetings if m["kind"] == "lansgruppsmote"]
    assert {m["date"][:4] for m in county if m["status"] == "held"} == {"2024", "2025", "2026"}
    assert sum(m["kind"] == "lansgruppsmote" and m["date"][:4] == "2025" for m in meetings) == 4
    assert any(m["status"] == "planned" for m in meetings), "meetings still to come"
    groups = client.get("/api/v1/working-groups", headers={"Authorization": f"Bearer {token}"}).json["items"]
    assert len(groups) == 2
    attendance = client.get("/api/v1/attendance?year=2025", headers={"Authorization": f"Bearer {token}"}).json
    assert len({(i["held"], i["attended"]) for i in attendance["items"]}) > 3, "attendance varies"
    tasks = client.get("/api/v1/tasks?status=open", headers={"Authorization": f"Bearer {token}"}).json["items"]
    assert tasks, "a few open tasks"


def test_db_rebuild_pages_reproduces_the_read_model(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["demo", "load"])
    client = app.test_client()
    before = client.get("/api/v1/examples?per_page=100").json
    result = runner.invoke(args=["db", "rebuild-pages"])
    assert result.exit_code == 0, result.output
    after = client.get("/api/v1/examples?per_page=100").json
    assert after == before


def test_long_commands_show_progress_and_export_writes_what_the_api_gives(app, tmp_path):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    rebuilt = runner.invoke(args=["db", "rebuild-pages"])
    assert rebuilt.exit_code == 0 and "Bygger om läsmodellen" in rebuilt.output
    reindexed = runner.invoke(args=["index", "rebuild"])
    assert reindexed.exit_code == 0 and "Bygger om sökindexet" in reindexed.output

    token = app.test_client().post("/api/v1/tokens", json={"username": "ingrid.alm", "password": DEMO_PASSWORD})
    headers = {"Authorization": f"Bearer {token.json['token']}"}
    for fmt in ("csv", "jsonl"):
        target = tmp_path / f"export.{fmt}"
        result = runner.invoke(args=["audit", "export", "--format", fmt, "--output", str(target)])
        assert result.exit_code == 0, result.output
        assert "Exporterar" in result.stderr and result.stdout == ""
        api = app.test_client().get(f"/api/v1/audit/export?what=membership&format={fmt}", headers=headers)
        assert target.read_text(encoding="utf-8") == api.get_data(as_text=True)
        assert len(target.read_text(encoding="utf-8").splitlines()) > 30
        to_stdout = runner.invoke(args=["audit", "export", "--format", fmt])
        assert to_stdout.stdout == api.get_data(as_text=True)
