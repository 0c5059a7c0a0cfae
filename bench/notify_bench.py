"""The notifier's cost per published example at many saved searches, against SQLite FTS5 doing
the same matching, and the delay from publishing to the message in the outbox.

    .venv/bin/python -m bench.notify_bench --subscriptions 10000 --publishes 10 --delays 20

Setup: a wiki (SQLite, temporary folder) with the demo examples published, 200 accounts with
addresses and `--subscriptions` saved searches spread over them (one or two words from the demo
texts, or a facet filter alone; half `immediate`, half `weekly`).

Cost per event: for each of `--publishes` new examples, `Notifier.run_once()` on its `Published`
event (wall and CPU): it matches every saved search against the new example with the search
index (one evaluator, each distinct query built once) and records the messages owed. The
baseline does the same matching in the same process with FTS5: the new example is the only row
of an FTS5 table, and each distinct query is one `MATCH` (its words AND-ed, no compounds), facet
filters compared in Python. Ratios are ours / FTS5 per event; runs are interleaved.

Delay: with the notifier running as its thread (and the index follower), the time from the
publish request to the message row in the outbox, `--delays` times.
"""

import argparse
import random
import re
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from events.permissions import Actor
from tests.stores import make_app
from wiki.demo_examples import EXAMPLES
from wiki.notify import ensure_notifier, notify_services

COORDINATOR = Actor("bench", "coordinator", None)
ACCOUNTS = 200


def words_of_demo() -> list[str]:
    return sorted({w.lower() for e in EXAMPLES for w in re.findall(r"[^\W\d_]{5,}", e["body"])})


def build(data_dir: Path, subscriptions: int, rng: random.Random, notifier_thread: bool):
    app = make_app({"DATA_DIR": str(data_dir), "TESTING": True, "NOTIFIER": "thread" if notifier_thread else "off"})
    wiki = app.extensions["lansgrupp"].wiki
    wiki.create_account("bench", "coordinator", None, "losenord-123")
    wiki.register_organisation(COORDINATOR, {"name": "Falu kommun", "kind": "kommun", "joined_on": "2010-01-01"})
    for example in EXAMPLES:
        fields = {k: v for k, v in example.items() if k not in ("publish", "author")}
        slug = wiki.create_example(COORDINATOR, {**fields, "organisations": ["falu-kommun"]}).slug
        wiki.publish_example(COORDINATOR, slug)
    for n in range(ACCOUNTS):
        wiki.create_account(f"lasare{n}", "member", "falu-kommun", "losenord-123")
        wiki.change_mail_settings(Actor(f"lasare{n}", "member", "falu-kommun"), {"email": f"lasare{n}@bench.example"})
    vocabulary = words_of_demo()
    forms = sorted({f for e in EXAMPLES for f in e.get("violence_forms", [])})
    for n in range(subscriptions):
        reader = Actor(f"lasare{n % ACCOUNTS}", "member", "falu-kommun")
        if rng.random() < 0.1:
            body = {"kind": "search", "filters": {"violence_form": rng.choice(forms)}}
        else:
            body = {"kind": "search", "query": " ".join(rng.sample(vocabulary, rng.choice((1, 1, 2))))}
        wiki.subscribe(reader, {**body, "frequency": rng.choice(("immediate", "weekly"))})
    return app


def fts5_matching(example: dict, searches: list[tuple[str, dict]]) -> int:
    """The baseline: one FTS5 row (the new example), one MATCH per distinct query."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE doc USING fts5(title, summary, body, tokenize='unicode61 remove_diacritics 2')")
    db.execute("INSERT INTO doc VALUES (?,?,?)", (example["title"], example.get("summary", ""), example["body"]))
    answers: dict[str, bool] = {}
    matched = 0
    forms = set(example.get("violence_forms", []))
    for query, filters in searches:
        if filters and not all(value in forms for value in filters.values()):
            continue
        if not query:
            matched += 1
            continue
        if query not in answers:
            expression = " AND ".join(f'"{w}"' for w in query.split())
            answers[query] = db.execute("SELECT 1 FROM doc WHERE doc MATCH ?", (expression,)).fetchone() is not None
        matched += answers[query]
    db.close()
    return matched


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def cost_per_event(args, rng) -> None:
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        app = build(Path(folder) / "data", args.subscriptions, rng, notifier_thread=False)
        services = app.extensions["lansgrupp"]
        wiki, client = services.wiki, app.test_client()
        print(f"setup: {len(EXAMPLES)} examples, {args.subscriptions} subscriptions over {ACCOUNTS} accounts "
              f"in {time.perf_counter() - started:.1f} s")
        notify = notify_services(app)
        client.get("/api/v1/search", query_string={"min_position": wiki.position()})
        notify.notifier.catch_up()
        searches = [(s["query"], s["filters"]) for s in services.pages.subscribers("search")]
        ours, ours_cpu, base, ratios, made = [], [], [], [], []
        for n in range(args.publishes):
            example = rng.choice(EXAMPLES)
            fields = {"title": f"{example['title']} ({n})", "summary": example.get("summary", ""),
                      "body": example["body"], "violence_forms": example.get("violence_forms", []),
                      "organisations": ["falu-kommun"]}
            slug = wiki.create_example(COORDINATOR, fields).slug
            wiki.publish_example(COORDINATOR, slug)
            client.get("/api/v1/search", query_string={"min_position": wiki.position()})
            before = len(notify.outbox.messages()) + len(notify.outbox.digest_items())
            t0, c0 = time.perf_counter(), time.process_time()
            notify.notifier.catch_up()
            ours.append(time.perf_counter() - t0)
            ours_cpu.append(time.process_time() - c0)
            made.append(len(notify.outbox.messages()) + len(notify.outbox.digest_items()) - before)
            t0 = time.perf_counter()
            fts5_matching(fields, searches)
            base.append(time.perf_counter() - t0)
            ratios.append(ours[-1] / base[-1])
        services.close()
    print(f"notifier per published example ({args.publishes} events, {args.subscriptions} saved searches):")
    print(f"  wall ms  min {min(ours) * 1e3:.0f}  median {statistics.median(ours) * 1e3:.0f}  "
          f"p95 {percentile(ours, .95) * 1e3:.0f}  max {max(ours) * 1e3:.0f}")
    print(f"  CPU ms   median {statistics.median(ours_cpu) * 1e3:.0f}  (one process)")
    print(f"  messages and digest items per event: median {statistics.median(made):.0f}")
    print(f"  FTS5 baseline ms  median {statistics.median(base) * 1e3:.0f}")
    print(f"  ratio ours/FTS5  min {min(ratios):.1f}  median {statistics.median(ratios):.1f}  max {max(ratios):.1f}")


def delay(args, rng) -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = build(Path(folder) / "data", args.subscriptions, rng, notifier_thread=True)
        services = app.extensions["lansgrupp"]
        wiki, client = services.wiki, app.test_client()
        token = client.post("/api/v1/tokens", json={"username": "bench", "password": "losenord-123"}).json["token"]
        headers = {"Authorization": f"Bearer {token}"}
        client.get("/api/v1/search", query_string={"min_position": wiki.position()})
        notify = notify_services(app)
        ensure_notifier(app)
        deadline = time.monotonic() + 300
        while notify.outbox.position() < wiki.position() and time.monotonic() < deadline:
            time.sleep(0.05)
        delays = []
        for n in range(args.delays):
            example = rng.choice(EXAMPLES)
            slug = wiki.create_example(COORDINATOR, {"title": f"Fördröjning {n}", "body": example["body"],
                                                     "organisations": ["falu-kommun"]}).slug
            started = time.perf_counter()
            response = client.post(f"/api/v1/examples/{slug}/publish", headers=headers)
            assert response.status_code == 200, response.json
            position = response.json["position"]
            while notify.outbox.position() < position:  # the publish's events are in the outbox's batch
                time.sleep(0.005)
            delays.append(time.perf_counter() - started)
        services.close()
    print(f"publish -> message in the outbox (notifier thread, {args.delays} publishes):")
    print(f"  s  p50 {statistics.median(delays):.2f}  p95 {percentile(delays, .95):.2f}  max {max(delays):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--publishes", type=int, default=10)
    parser.add_argument("--delays", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    cost_per_event(args, rng)
    delay(args, rng)


if __name__ == "__main__":
    main()
