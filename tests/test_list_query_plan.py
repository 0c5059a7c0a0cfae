"""The example list's queries use an index (issue 17): no full scan and no temporary B-tree for
the order, whatever the size of the wiki. Checked with SQLite's EXPLAIN QUERY PLAN on the
statements the read model actually runs."""

import pytest

from events.permissions import Actor

ANONYMOUS = Actor(None, "anonymous", None)


@pytest.mark.store_independent
def test_the_public_list_and_its_count_use_the_status_index(world):
    for n in range(3):
        slug = world.example("eva", title=f"Exempel {n}", organisations=[world.falun])
        world.api("POST", f"/examples/{slug}/publish", "eva")
    pages = world.services.pages
    pages.catch_up()
    statements = []
    db = pages._db()
    db.set_trace_callback(statements.append)
    try:
        total, items = pages.list_examples(ANONYMOUS, page=2, per_page=2)
    finally:
        db.set_trace_callback(None)
    assert total == 3 and len(items) == 1
    queries = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "FROM examples e" in s]
    assert len(queries) == 1, statements  # the total comes from the kept counts, not a count over examples
    assert any("FROM example_counts" in s for s in statements), statements
    for sql in queries:
        plan = " | ".join(row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql).fetchall())
        assert "USING" in plan and "INDEX" in plan, plan
        assert "SCAN e " not in plan + " " or "USING INDEX" in plan, plan
        assert "TEMP B-TREE" not in plan, plan


@pytest.mark.store_independent
def test_the_kept_totals_agree_with_counting_for_every_reader(world):
    """Drafts, sent for review, published, returned and archived examples of two organisations; the
    kept total equals a count of what each reader may see, for every status, also after a rebuild."""
    slugs = [world.example("maja", title=f"Falun {n}") for n in range(4)] + [
        world.example("olle", title=f"Mora {n}") for n in range(3)]
    for slug in slugs[:3] + slugs[4:6]:
        assert world.api("POST", f"/examples/{slug}/publish", "eva").status_code == 200
    published = [row["slug"] for row in world.api("GET", "/examples?status=published&per_page=50", "eva").json["items"]]
    assert world.api("POST", f"/examples/{published[0]}/archive", "eva").status_code == 200
    assert world.api("POST", f"/examples/{slugs[3]}/submit-for-review", "maja").status_code == 200
    assert world.api("POST", f"/examples/{slugs[3]}/return", "eva", json={"comment": "Mer text."}).status_code == 200
    assert world.api("POST", f"/examples/{slugs[6]}/submit-for-review", "olle").status_code == 200
    readers = [ANONYMOUS, Actor("maja", "member", world.falun), Actor("olle", "member", world.mora),
               Actor("eva", "coordinator", None), Actor("gun", "auditor", None)]
    pages = world.services.pages

    def check():
        pages.catch_up()
        db = pages._db()
        for reader in readers:
            where, params = pages._visibility(reader)
            for status in (None, "draft", "in_review", "published", "archived"):
                clause = where + (" AND e.status=?" if status else "")
                counted = db.execute(f"SELECT count(*) FROM examples e WHERE {clause}",
                                     params + ([status] if status else [])).fetchone()[0]
                total, _ = pages.list_examples(reader, status=status)
                assert total == counted, (reader, status, total, counted)

    check()
    pages.rebuild()
    check()
