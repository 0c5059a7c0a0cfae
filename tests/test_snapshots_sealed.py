"""A snapshot altered, forged, copied or deleted behind the application's back never changes what a
command sees (issue 16): sealed snapshots that do not open are passed over and the aggregate is
rebuilt from its events. On the tests' store (SQLite, or PostgreSQL in the second pass)."""

import sqlite3
from pathlib import Path

from eventsourcing.persistence import Mapper

from events.application import is_postgres
from events.permissions import Actor
from stores import make_app

MAJA = Actor("maja", "member", "falu-kommun")


class Snapshots:
    """The stored snapshots table, as someone with access to the database sees it."""

    def __init__(self, world):
        url = world.app.config["EVENT_STORE"]
        if is_postgres(url):
            import psycopg
            base, _, schema = url.partition("?schema=")
            self.db, self.table, self.mark = psycopg.connect(base, autocommit=True), f"{schema}.wiki_snapshots", "%s"
        else:
            path = Path(world.app.config["DATA_DIR"]) / "events.sqlite"
            self.db, self.table, self.mark = sqlite3.connect(path, isolation_level=None), "stored_snapshots", "?"

    def rows(self, aggregate_id) -> list[tuple]:
        sql = (f"SELECT originator_version, topic, state FROM {self.table} WHERE originator_id={self.mark} "
               "ORDER BY originator_version")
        key = str(aggregate_id) if self.mark == "%s" else aggregate_id.hex
        return [(v, t, bytes(s)) for v, t, s in self.db.execute(sql, (key,)).fetchall()]

    def execute(self, sql: str, params=()):
        return self.db.execute(sql.replace("{table}", self.table).replace("?", self.mark), params)

    def key(self, aggregate_id):
        return str(aggregate_id) if self.mark == "%s" else aggregate_id.hex


def edited_example(world, edits=25):
    slug = world.example("maja", title="Samverkan i Falun", organisations=[world.falun])
    for n in range(edits):
        response = world.api("PUT", f"/examples/{slug}", "maja", json={"base_version": n + 1, "summary": f"Version {n + 2}"})
        assert response.status_code == 200, response.get_json()
    example = world.wiki.get_example(slug)
    return slug, example


def fresh_wiki(world):
    """Another app on the same store: no aggregate cache, every load goes to the store."""
    return make_app({"DATA_DIR": world.app.config["DATA_DIR"], "TESTING": True, "INDEX_FOLLOWER": "none"})


def test_snapshots_are_sealed_and_a_forged_one_is_passed_over(world):
    slug, example = edited_example(world)
    snapshots = Snapshots(world)
    rows = snapshots.rows(example.id)
    assert rows, "the example should have a snapshot after 25 edits"
    version, topic, state = rows[-1]
    assert b"Samverkan" not in state and b"falu-kommun" not in state  # sealed, not readable JSON

    # What someone with write access to the database would store: the real snapshot with the owner
    # changed, in the library's plain format (which an unsealed store would load as it is).
    snapshot = list(world.wiki.snapshots.get(example.id, desc=True, limit=1))[0]
    snapshot.state["organisations"] = ["mora-kommun"]
    forged = Mapper(world.wiki.construct_transcoder()).to_stored_event(snapshot).state
    snapshots.execute("UPDATE {table} SET state=? WHERE originator_id=? AND originator_version=?",
                      (forged, snapshots.key(example.id), version))
    other = fresh_wiki(world)
    try:
        wiki = other.extensions["lansgrupp"].wiki
        loaded = wiki.get_example(slug)
        assert loaded.organisations == [world.falun] and loaded.revision == example.revision
        assert wiki.edit_example(MAJA, slug, {"base_version": loaded.revision, "summary": "Efter"}).version == \
            example.revision + 1
    finally:
        other.extensions["lansgrupp"].close()


def test_a_snapshot_moved_to_another_version_or_deleted_changes_nothing(world):
    slug, example = edited_example(world, edits=45)
    snapshots = Snapshots(world)
    rows = snapshots.rows(example.id)
    assert len(rows) >= 2
    (_, _, old_state), (new_version, _, _) = rows[0], rows[-1]
    snapshots.execute("UPDATE {table} SET state=? WHERE originator_id=? AND originator_version=?",
                      (old_state, snapshots.key(example.id), new_version))
    other = fresh_wiki(world)
    try:
        loaded = other.extensions["lansgrupp"].wiki.get_example(slug)
        assert loaded.revision == example.revision and loaded.version == example.version
    finally:
        other.extensions["lansgrupp"].close()
    snapshots.execute("DELETE FROM {table} WHERE originator_id=?", (snapshots.key(example.id),))
    other = fresh_wiki(world)
    try:
        assert other.extensions["lansgrupp"].wiki.get_example(slug).revision == example.revision
    finally:
        other.extensions["lansgrupp"].close()


def test_a_snapshot_taken_from_the_saved_aggregate_is_the_state_its_events_give(world):
    slug, example = edited_example(world, edits=45)
    taken = list(world.wiki.snapshots.get(example.id))
    assert [snapshot.originator_version for snapshot in taken] == [20, 40]
    for snapshot in taken:
        rebuilt = None
        for event in world.wiki.events.get(example.id, lte=snapshot.originator_version):
            rebuilt = event.mutate(rebuilt)
        assert snapshot.state == type(snapshot).take(rebuilt).state
    other = fresh_wiki(world)
    try:
        loaded = other.extensions["lansgrupp"].wiki.get_example(slug)  # from the snapshot at 40
        assert (loaded.revision, loaded.version, loaded.text) == (example.revision, example.version, example.text)
    finally:
        other.extensions["lansgrupp"].close()
