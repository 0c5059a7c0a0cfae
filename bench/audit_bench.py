"""Audit-proof benchmark (issue 16): the Merkle tree, its proofs, the log export and
`wiki-audit-verify` over a real SQLite log of 1,000,000 stored events.

    .venv/bin/python bench/audit_bench.py [--events 1000000] [--requests 500]

Quick run: `--events 20000`.

How the log is filled: `flask --app wiki demo load` into a temporary data folder (590 real
rows: people, forms, meetings, examples; stored states 102–4,999 bytes, 535 on average, personal
data sealed), then those stored rows are replicated, in log order, through the Wiki application's
own recorder (`recorder.insert_events` with `StoredEvent`s, 20,000 a transaction) with a fresh
uuid4 per aggregate and copy and the versions, topics and state bytes kept, until the log holds
`--events` rows. The tree, the export and the verifier then read that store like any other.
Nothing projects the replicated rows: the index follower is off and the read model is marked as
caught up to the head (its `meta.position`), so that a request's catch-up costs what it costs
on a caught-up installation; the hash chain (`AuditChain`) is brought up to the head for real
(timed) before any request.
"""

import argparse
import importlib.util
import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eventsourcing.persistence import StoredEvent  # noqa: E402

from events.audit_tree import BATCH, row_leaf  # noqa: E402
from events.merkle import leaf_hash  # noqa: E402
from wiki import create_app  # noqa: E402

FLOOR = ROOT.parent / "shared" / "bench" / "floor" / "app.py"
ORIGIN = "bench.example/lansgrupp-wiki"
FILL_BATCH = 20_000


def percentile(samples, p):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cli_env(data_dir: str) -> dict:
    return {**os.environ, "WIKI_DATA_DIR": data_dir, "WIKI_INDEX_FOLLOWER": "off", "WIKI_NOTIFIER": "off",
            "WIKI_AUDIT_ORIGIN": ORIGIN}


def flask(data_dir: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / ".venv/bin/flask"), "--app", "wiki", *args], cwd=ROOT, env=cli_env(data_dir),
                          check=True, capture_output=True, text=True)


class Replicator:
    """The demo's stored rows again and again, each copy with its own aggregate ids."""

    def __init__(self, rows):
        self.rows = rows
        self.index = 0
        self.ids: dict = {}

    def take(self, count: int) -> list[StoredEvent]:
        out = []
        for _ in range(count):
            if self.index == len(self.rows):
                self.index, self.ids = 0, {}
            row = self.rows[self.index]
            self.index += 1
            new_id = self.ids.get(row.originator_id)
            if new_id is None:
                new_id = self.ids[row.originator_id] = uuid.uuid4()
            out.append(StoredEvent(originator_id=new_id, originator_version=row.originator_version,
                                   topic=row.topic, state=row.state))
        return out


def fill(recorder, replicator: Replicator, total: int) -> tuple[int, float]:
    start = time.perf_counter()
    head = recorder.max_notification_id() or 0
    while head < total:
        recorder.insert_events(replicator.take(min(FILL_BATCH, total - head)))
        head = recorder.max_notification_id()
    return head, time.perf_counter() - start


def timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def read_and_hash(recorder) -> int:
    position, count = 0, 0
    while True:
        rows = recorder.select_notifications(start=position, limit=BATCH, inclusive_of_start=False)
        if not rows:
            return count
        for row in rows:
            leaf_hash(row_leaf(row))
        count += len(rows)
        position = rows[-1].id


def read_only(recorder) -> int:
    position, count = 0, 0
    while True:
        rows = recorder.select_notifications(start=position, limit=BATCH, inclusive_of_start=False)
        if not rows:
            return count
        count += len(rows)
        position = rows[-1].id


def extend_by(services, replicator: Replicator, step: int, rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        services.wiki.recorder.insert_events(replicator.take(step))
        start = time.perf_counter()
        services.audit_tree.update()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def get_ms(client, url: str) -> tuple[float, object]:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code, response.data[:300])
    return elapsed, response


def summary(samples) -> str:
    return (f"p50 {statistics.median(samples):.2f} ms, p95 {percentile(samples, 0.95):.2f} ms, "
            f"max {max(samples):.2f} ms")


def floor_json_ms(requests: int) -> list[float]:
    spec = importlib.util.spec_from_file_location("floor_app", FLOOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    client = module.app.test_client()
    for _ in range(20):
        get_ms(client, "/api/v1/examples/x")
    return [get_ms(client, "/api/v1/examples/x")[0] for _ in range(requests)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folder")
    args = parser.parse_args()
    total = args.events
    rng = random.Random(16)
    base = tempfile.mkdtemp(prefix="audit-bench-")
    data_dir = os.path.join(base, "data")
    try:
        flask(data_dir, "demo", "load")
        app = create_app({"DATA_DIR": data_dir, "TESTING": True, "INDEX_FOLLOWER": "off", "NOTIFIER": "off",
                          "AUDIT_ORIGIN": ORIGIN})
        services = app.extensions["lansgrupp"]
        recorder = services.wiki.recorder
        demo_rows = recorder.select_notifications(start=0, limit=10_000)
        print(f"demo log: {len(demo_rows)} rows, state {min(len(r.state) for r in demo_rows)}–"
              f"{max(len(r.state) for r in demo_rows)} bytes, mean "
              f"{statistics.mean(len(r.state) for r in demo_rows):.0f}")
        replicator = Replicator(demo_rows)
        head, seconds = fill(recorder, replicator, total)
        db_bytes = sum(os.path.getsize(os.path.join(data_dir, name)) for name in os.listdir(data_dir)
                       if name.startswith("events.sqlite"))
        print(f"fill: {head:,} rows in {seconds:.1f} s ({head / seconds:,.0f} rows/s); "
              f"events.sqlite {db_bytes / 1e6:.0f} MB")

        _, wall, cpu = timed(lambda: read_only(recorder))
        print(f"reading the log alone (select_notifications, {BATCH} a batch): {wall:.2f} s wall, {cpu:.2f} s CPU")
        _, wall, cpu = timed(lambda: read_and_hash(recorder))
        print(f"reading + leaf hashing (no tree files): {wall:.2f} s wall, {cpu:.2f} s CPU")
        tree = services.audit_tree
        size, wall, cpu = timed(tree.update)
        assert size == head, (size, head)
        tree_bytes = sum(os.path.getsize(os.path.join(tree.tree.folder, name))
                         for name in os.listdir(tree.tree.folder))
        print(f"AuditTree.update() from empty to {size:,}: {wall:.2f} s wall ({wall / size * 1e6:.1f} µs/event), "
              f"{cpu:.2f} s CPU ({cpu / size * 1e6:.1f} µs/event); tree files {tree_bytes / 1e6:.1f} MB")
        half = total // 2
        notes = {half: tree.checkpoint(half), total: tree.checkpoint(total)}

        one = extend_by(services, replicator, 1, 60)
        hundred = extend_by(services, replicator, 100, 30)
        print(f"extend by 1 at {total:,} (60 times): {summary(one)}")
        print(f"extend by 100 at {total:,} (30 times): {summary(hundred)}")
        latest = tree.latest()
        notes[latest["size"]] = latest

        head = recorder.max_notification_id()
        _, wall, cpu = timed(lambda: services.audit.update(head=head))
        print(f"hash chain (AuditChain.update) over {head:,} rows, before any request: {wall:.2f} s wall")
        with sqlite3.connect(os.path.join(data_dir, "pages.sqlite")) as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES ('position', ?)", (str(head),))

        client = app.test_client()
        for _ in range(20):
            get_ms(client, f"/api/v1/audit/proof/inclusion?position={rng.randint(1, total)}&tree_size={total}")
        samples, counts, sizes = [], [], []
        for _ in range(args.requests):
            ms, response = get_ms(client, f"/api/v1/audit/proof/inclusion?position={rng.randint(1, total)}"
                                          f"&tree_size={total}")
            samples.append(ms)
            counts.append(len(response.get_json()["hashes"]))
            sizes.append(len(response.data))
        print(f"inclusion proof at tree_size {total:,}: {min(counts)}–{max(counts)} hashes, "
              f"{min(sizes)}–{max(sizes)} bytes of JSON")
        print(f"GET /api/v1/audit/proof/inclusion ({args.requests} random positions): {summary(samples)}")
        floor = floor_json_ms(args.requests)
        print(f"floor in the same process: GET /api/v1/examples/x (bare Flask, jsonify): {summary(floor)}")
        ms, response = get_ms(client, f"/api/v1/audit/proof/consistency?from={half}&to={total}")
        print(f"consistency proof {half:,} → {total:,}: {len(response.get_json()['hashes'])} hashes, "
              f"{len(response.data)} bytes of JSON ({ms:.2f} ms)")
        key = os.path.join(base, "public-key.json")
        with open(key, "w") as file:
            file.write(client.get("/api/v1/audit/public-key").get_data(as_text=True))
        services.close()

        export = os.path.join(base, "log.jsonl")
        cpu = children_cpu()
        start = time.perf_counter()
        flask(data_dir, "audit", "export", "--what=log", "--output", export)
        wall = time.perf_counter() - start
        with open(export, "rb") as file:
            rows = json.loads(file.readline())["size"]
        print(f"flask audit export --what=log: {rows:,} rows, {os.path.getsize(export) / 1e6:.0f} MB, "
              f"{wall:.1f} s wall, {children_cpu() - cpu:.1f} s CPU")

        checkpoint_args = []
        for size in sorted(notes):
            path = os.path.join(base, f"checkpoint-{size}.txt")
            with open(path, "w") as file:
                file.write(notes[size]["note"])
            checkpoint_args += ["--checkpoint", path]
        cpu = children_cpu()
        start = time.perf_counter()
        result = subprocess.run([str(ROOT / ".venv/bin/wiki-audit-verify"), "--export", export, "--public-key", key,
                                 *checkpoint_args], capture_output=True, text=True)
        wall = time.perf_counter() - start
        print(f"wiki-audit-verify, checkpoints at {', '.join(f'{s:,}' for s in sorted(notes))}: "
              f"exit {result.returncode} {result.stdout.strip()!r}; {wall:.1f} s wall, "
              f"{children_cpu() - cpu:.1f} s CPU ({wall / rows * 1e6:.1f} µs/row)")
        assert result.returncode == 0, result.stdout + result.stderr
    finally:
        if args.keep:
            print(f"kept {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
