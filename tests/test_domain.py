"""The domain through the application class `events.application.Wiki`, without HTTP where possible."""

import multiprocessing
import threading
import traceback
from uuid import NAMESPACE_URL, uuid4, uuid5

import pytest
from eventsourcing.persistence import IntegrityError

from events.application import Wiki
from events.errors import EditConflict, NotAllowed, NotFound, ValidationError
from events.examples import ExampleSlug, LearningExample
from events.permissions import Actor
from events.slugs import MAX_SLUG_LENGTH, is_slug, slugify

MAJA = Actor("maja", "member", "falu-kommun")
OLLE = Actor("olle", "member", "mora-kommun")
EVA = Actor("eva", "coordinator", None)


# ---- slugs -------------------------------------------------------------------------------

@pytest.mark.parametrize("title,slug", [
    ("Våld i nära relation", "vald-i-nara-relation"),
    ("Örebro Älvdalen Åre", "orebro-alvdalen-are"),
    ("ÅÄÖ åäö", "aao-aao"),
    ("  Hej!!  --  där  ", "hej-dar"),
    ("Stöd 2023/2024: barn & unga", "stod-2023-2024-barn-unga"),
    ("Malung-Sälen", "malung-salen"),
    ("Crème brûlée", "creme-brulee"),
    ("Ærø Straße Łódź", "aero-strasse-lodz"),
    ("___", "exempel"),
    ("", "exempel"),
    ("«»—…", "exempel"),
])
def test_slugify(title, slug):
    assert slugify(title) == slug
    assert is_slug(slug)


def test_slugify_fallback_and_length():
    assert slugify("!!!", fallback="") == ""
    long = slugify("ord " * 100)
    assert len(long) <= MAX_SLUG_LENGTH
    assert is_slug(long) and not long.endswith("-")
    assert long.startswith("ord-ord-")
    cut = slugify("a" * 79 + " b")  # the cut falls right after a dash
    assert cut == "a" * 79


def test_is_slug():
    assert is_slug("vald-i-nara-relation")
    for bad in ("", "Versaler", "två", "-a", "a-", "a--b", "a b", None, 5, "a" * 200):
        assert not is_slug(bad), bad


# ---- slug reservation --------------------------------------------------------------------

def test_slug_reservation_has_a_uuid5_id(world):
    assert ExampleSlug.create_id("abc") == uuid5(NAMESPACE_URL, "/slugs/examples/abc")
    draft = world.wiki.create_example(MAJA, {"title": "Reserverad titel"}).slug
    assert draft.startswith("reserverad-titel-")
    written = world.wiki.publish_example(EVA, draft)
    assert written.slug == "reserverad-titel"
    reservation = world.wiki.repository.get(ExampleSlug.create_id("reserverad-titel"))
    assert reservation.slug == "reserverad-titel"
    example = world.wiki.repository.get(reservation.example_id)
    assert isinstance(example, LearningExample)
    assert example.slug == "reserverad-titel"
    assert world.wiki.example_id("reserverad-titel") == example.id == world.wiki.example_id(draft)


def test_a_taken_slug_cannot_be_reserved_twice(world):
    draft = world.wiki.create_example(MAJA, {"title": "Upptagen"}).slug
    world.wiki.publish_example(EVA, draft)
    before = world.wiki.position()
    with pytest.raises(IntegrityError):
        world.wiki.save(ExampleSlug(slug="upptagen", example_id=uuid4()))
    assert world.wiki.position() == before


def test_a_reserved_slug_is_skipped_at_publication(world):
    world.wiki.save(ExampleSlug(slug="forebyggande-arbete", example_id=uuid4()))
    first = world.wiki.create_example(MAJA, {"title": "Förebyggande arbete"}).slug
    second = world.wiki.create_example(EVA, {"title": "Förebyggande  arbete!"}).slug
    assert world.wiki.publish_example(EVA, first).slug == "forebyggande-arbete-2"
    assert world.wiki.publish_example(EVA, second).slug == "forebyggande-arbete-3"
    ids = {world.wiki.example_id(s) for s in ("forebyggande-arbete-2", "forebyggande-arbete-3")}
    assert len(ids) == 2


def test_the_public_slug_comes_from_the_title_at_publication_and_stays(world):
    draft = world.wiki.create_example(MAJA, {"title": "Arbetsnamn"}).slug
    world.wiki.edit_example(MAJA, draft, {"base_version": 1, "title": "Slutlig titel"})
    assert world.wiki.publish_example(EVA, draft).slug == "slutlig-titel"
    world.wiki.archive_example(EVA, "slutlig-titel")
    world.wiki.edit_example(EVA, "slutlig-titel", {"base_version": 2, "title": "Ännu en titel"})
    assert world.wiki.publish_example(EVA, "slutlig-titel").slug == "slutlig-titel", "a public slug never changes"


def test_concurrent_publications_with_one_title_get_distinct_slugs(world):
    drafts = [world.wiki.create_example(EVA, {"title": "Samtidig titel", "body": str(i)}).slug for i in range(6)]
    assert len(set(drafts)) == 6
    barrier = threading.Barrier(6)
    results, errors = [], []

    def publish(slug):
        try:
            barrier.wait(timeout=10)
            results.append(world.wiki.publish_example(EVA, slug).slug)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(repr(error))

    threads = [threading.Thread(target=publish, args=(slug,)) for slug in drafts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(results) == sorted(["samtidig-titel"] + [f"samtidig-titel-{n}" for n in range(2, 7)])
    bodies = {world.wiki.content_of(world.wiki.get_example(slug))["body"] for slug in results}
    assert bodies == {str(i) for i in range(6)}


# ---- revisions and aggregate versions ----------------------------------------------------

def test_revision_counts_content_changes_not_status_changes(world):
    wiki = world.wiki
    slug = wiki.create_example(MAJA, {"title": "Versioner", "body": "ett"}).slug
    example = wiki.get_example(slug)
    assert (example.revision, example.version, example.status) == (1, 1, "draft")

    published = wiki.publish_example(EVA, slug)
    assert (published.version, published.status) == (1, "published")
    example = wiki.get_example(slug)
    assert (example.revision, example.version) == (1, 2)

    edited = wiki.edit_example(MAJA, slug, {"base_version": 1, "body": "två"})
    assert edited.version == 2
    example = wiki.get_example(slug)
    assert (example.revision, example.version) == (2, 3)
    assert example.revision_versions == [1, 3]

    wiki.archive_example(EVA, slug)
    reverted = wiki.revert_example(EVA, slug, {"to_version": 1, "base_version": 2})
    assert reverted.version == 3
    example = wiki.get_example(slug)
    assert (example.revision, example.version, example.status) == (3, 5, "archived")
    assert example.revision_versions == [1, 3, 5]
    assert wiki.content_of(example)["body"] == "ett"

    assert wiki.content_of(wiki.get_example(slug, revision=1))["body"] == "ett"
    assert wiki.content_of(wiki.get_example(slug, revision=2))["body"] == "två"
    with pytest.raises(NotFound):
        wiki.get_example(slug, revision=4)
    with pytest.raises(NotFound):
        wiki.get_example(slug, revision=0)


def test_unchanged_edit_records_nothing(world):
    slug = world.wiki.create_example(MAJA, {"title": "Oförändrat", "body": "samma"}).slug
    before = world.wiki.position()
    result = world.wiki.edit_example(MAJA, slug, {"base_version": 1, "body": "samma"})
    assert (result.version, result.changed) == (1, False)
    assert world.wiki.position() == before


def test_application_checks_permissions(world):
    slug = world.wiki.create_example(MAJA, {"title": "Falu exempel"}).slug
    with pytest.raises(NotFound):  # olle cannot even see maja's draft
        world.wiki.edit_example(OLLE, slug, {"base_version": 1, "body": "x"})
    world.wiki.publish_example(EVA, slug)
    with pytest.raises(NotAllowed):
        world.wiki.edit_example(OLLE, slug, {"base_version": 1, "body": "x"})
    with pytest.raises(NotAllowed):
        world.wiki.archive_example(MAJA, slug)
    with pytest.raises(ValidationError):
        world.wiki.create_example(MAJA, {"title": "x", "goals": ["okand"]})


# ---- snapshots ---------------------------------------------------------------------------

def test_snapshots_are_taken_for_an_example_with_many_edits(world):
    wiki = world.wiki
    interval = Wiki.snapshotting_intervals[LearningExample]
    assert wiki.snapshots is not None
    slug = wiki.create_example(MAJA, {"title": "Många ändringar", "body": "0"}).slug
    example_id = wiki.example_id(slug)
    for n in range(1, interval + 5):
        assert wiki.edit_example(MAJA, slug, {"base_version": n, "body": str(n)}).version == n + 1
    snapshots = list(wiki.snapshots.get(example_id))
    assert [s.originator_version for s in snapshots] == [interval]
    example = wiki.get_example(slug)
    assert example.revision == interval + 5
    assert wiki.content_of(example)["body"] == str(interval + 4)
    assert example.revision_versions == list(range(1, interval + 6))
    assert wiki.content_of(wiki.get_example(slug, revision=3))["body"] == "2"
    # the API agrees with the aggregate
    response = world.api("GET", f"/examples/{slug}", "maja")
    assert (response.json["version"], response.json["body"]) == (interval + 5, str(interval + 4))


# ---- races -------------------------------------------------------------------------------

def test_concurrent_edits_with_one_base_version_one_wins(world):
    wiki = world.wiki
    slug = wiki.create_example(MAJA, {"title": "Kapplöpning", "body": "start"}).slug
    history_before = world.api("GET", f"/examples/{slug}/history", "maja").json["items"]
    barrier = threading.Barrier(8)
    won, conflicts, others = [], [], []

    def edit(i):
        try:
            barrier.wait(timeout=10)
            won.append((i, wiki.edit_example(MAJA, slug, {"base_version": 1, "body": f"tråd {i}"})))
        except EditConflict as error:
            conflicts.append(error)
        except Exception:  # noqa: BLE001 - reported below
            others.append(traceback.format_exc())

    threads = [threading.Thread(target=edit, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert others == []
    assert len(won) == 1
    assert len(conflicts) == 7
    assert all(c.current_version == 2 for c in conflicts)
    winner, result = won[0]
    assert result.version == 2
    example = wiki.get_example(slug)
    assert (example.revision, wiki.content_of(example)["body"]) == (2, f"tråd {winner}")
    history_after = world.api("GET", f"/examples/{slug}/history", "maja").json["items"]
    assert len(history_after) == len(history_before) + 1
    assert (history_after[0]["change"], history_after[0]["version"]) == ("edited", 2)


def _edit_in_another_process(data_dir, slug, index, barrier, results):
    """Runs in a spawned process: its own app on the same data folder."""
    try:
        from events.errors import EditConflict as Conflict
        from events.permissions import Actor as Who
        from stores import make_app

        app = make_app({"DATA_DIR": data_dir, "TESTING": True})
        wiki = app.extensions["lansgrupp"].wiki
        barrier.wait(timeout=60)
        try:
            result = wiki.edit_example(Who("eva", "coordinator", None), slug,
                                       {"base_version": 1, "body": f"process {index}"})
            results.put(("won", index, result.version))
        except Conflict as error:
            results.put(("conflict", index, error.current_version))
        app.extensions["lansgrupp"].close()
    except BaseException:  # noqa: BLE001 - the parent reports it
        results.put(("error", index, traceback.format_exc()))


def test_concurrent_edits_from_processes_one_wins(world):
    data_dir = world.app.config["DATA_DIR"]
    slug = world.wiki.create_example(MAJA, {"title": "Processer", "body": "start"}).slug
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(4)
    results = context.Queue()
    processes = [context.Process(target=_edit_in_another_process, args=(data_dir, slug, i, barrier, results))
                 for i in range(4)]
    for p in processes:
        p.start()
    outcomes = [results.get(timeout=120) for _ in processes]
    for p in processes:
        p.join(timeout=30)
    assert [o for o in outcomes if o[0] == "error"] == []
    winners = [o for o in outcomes if o[0] == "won"]
    assert len(winners) == 1
    assert sorted(o[2] for o in outcomes if o[0] == "conflict") == [2, 2, 2]
    example = world.wiki.get_example(slug)
    assert (example.revision, world.wiki.content_of(example)["body"]) == (2, f"process {winners[0][1]}")
    history = world.api("GET", f"/examples/{slug}/history", "eva").json["items"]
    assert [(i["change"], i["version"], i["by"]) for i in history] == [("edited", 2, "eva"), ("created", 1, "maja")]
