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
    assert len(queries) == 2, statements
    for sql in queries:
        plan = " | ".join(row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql).fetchall())
        assert "USING" in plan and "INDEX" in plan, plan
        assert "SCAN e " not in plan + " " or "USING INDEX" in plan, plan
        assert "TEMP B-TREE" not in plan, plan
