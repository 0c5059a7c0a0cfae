"""Edits against raw `eventsourcing` saves on the same store (issue 17).

    .venv/bin/python bench/edit_bench.py [--edits 1000] [--rounds 3] [--follower thread|process]

Ours: `PUT /api/v1/examples/{slug}` through the Flask test client (no HTTP), one edit after the
other over 50 published examples (the demo's, and more written through the API), with the index
follower following the log as a single-process wiki runs it (`thread`, the default: a thread of
the same process, so its work shares the interpreter with the requests) or as `flask index follow`
runs it beside the web workers (`process`); either way its work is counted, and with `process`
the CPU time of the follower's process is given beside this process's. Every edit is validated,
merged, checked, sealed and saved, and the next request brings the read model up to it.

Raw: an `eventsourcing` application on SQLite in a data folder of its own (same library, same
file store), whose aggregate has one event carrying the same fields, loaded and saved the same
number of times (`repository.get`, one event, `save`), with the same aggregate cache as ours (a
get reads only the newer events; without it every get reads the whole history and raw slows down
round after round): the least an edit of an event-sourced aggregate costs.

The two alternate in each round; ours ends when the index has every edit (its catch-up is
timed). Wall and CPU time are given, and the ratio of edits per second (ours over raw).
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cluster import flask_command  # noqa: E402
from eventsourcing.application import Application  # noqa: E402
from eventsourcing.domain import Aggregate, event  # noqa: E402

from events.application import Wiki  # noqa: E402

SUMMARY = "Kuratorer frågar om våld vid varje besök, och den som berättar erbjuds stödsamtal. Version {n}."


class Note(Aggregate):
    @event("Created")
    def __init__(self, title: str):
        self.title = title

    @event("Edited")
    def edit(self, summary: str, comment: str, actor: str) -> None:
        self.summary = summary


class Notes(Application):
    pass


def raw(notes: Notes, edits: int, ids: list) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    for n in range(edits):
        note = notes.repository.get(ids[n % len(ids)])
        note.edit(summary=SUMMARY.format(n=n), comment="Bench", actor="bench")
        notes.save(note)
    return time.perf_counter() - wall, time.process_time() - cpu


def process_cpu(pid: int) -> float:
    """User and system CPU seconds of a running process (Linux)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def ours(client, headers, slugs: list[str], versions: dict, edits: int, start: int,
         indexed=None) -> tuple[float, float]:
    """Wall and CPU time of `edits` edits; with `indexed`, until it says the index has them all."""
    wall, cpu = time.perf_counter(), time.process_time()
    for n in range(edits):
        slug = slugs[n % len(slugs)]
        response = client.put(f"/api/v1/examples/{slug}", headers=headers,
                              json={"base_version": versions[slug], "summary": SUMMARY.format(n=start + n)})
        assert response.status_code == 200, response.get_json()
        versions[slug] = response.get_json()["version"]
    position = response.get_json()["position"]
    while indexed is not None and not indexed(position):
        time.sleep(0.005)
    return time.perf_counter() - wall, time.process_time() - cpu


AGGREGATES = 50  # examples edited in turn, as raw edits 50 notes in turn


def published_examples(client, headers, count: int) -> tuple[list[str], dict]:
    """`count` published examples (the demo's, and new ones written and published through the
    API up to `count`) with their versions."""
    items = client.get(f"/api/v1/examples?status=published&per_page={count}", headers=headers).get_json()["items"]
    for n in range(len(items), count):
        created = client.post("/api/v1/examples", headers=headers, json={
            "title": f"Samverkan mot våld i nära relationer {n}", "summary": SUMMARY.format(n=0),
            "body": "Socialtjänsten och kvinnojouren träffas varje månad och går igenom nya ärenden.\n\n" * 8})
        assert created.status_code == 201, created.get_json()
        published = client.post(f"/api/v1/examples/{created.get_json()['slug']}/publish", headers=headers, json={})
        assert published.status_code == 200, published.get_json()
    items = client.get(f"/api/v1/examples?status=published&per_page={count}", headers=headers).get_json()["items"]
    return [item["slug"] for item in items], {item["slug"]: item["version"] for item in items}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--follower", choices=("thread", "process"), default="thread")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        flask_command(str(data), "sqlite", "demo", "load")
        raw_folder = Path(folder) / "raw"
        raw_folder.mkdir()
        notes = Notes(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                           "SQLITE_DBNAME": str(raw_folder / "events.sqlite"),
                           "AGGREGATE_CACHE_MAXSIZE": Wiki.AGGREGATE_CACHE_SIZE})
        ids = []
        for n in range(AGGREGATES):
            note = Note(title=f"Anteckning {n}")
            notes.save(note)
            ids.append(note.id)

        from wiki import create_app
        app = create_app({"DATA_DIR": str(data), "NOTIFIER": "off", "INDEX_FOLLOWER": args.follower})
        services = app.extensions["lansgrupp"]
        follower = None
        if args.follower == "process":
            follower = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "wiki", "index", "follow"], cwd=ROOT,
                env={**os.environ, "WIKI_DATA_DIR": str(data), "WIKI_EVENT_STORE": "sqlite", "WIKI_NOTIFIER": "off"},
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = app.test_client()
        token = client.post("/api/v1/tokens", json={"username": "eva.strand", "password": "demo-losen-2026"})
        headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
        slugs, versions = published_examples(client, headers, AGGREGATES)
        client.get("/api/v1/examples", headers=headers)  # the follower thread starts on a request

        def indexed(position: int) -> bool:
            return services.index.position() >= position

        results = []
        try:
            ours(client, headers, slugs, versions, 100, 0, indexed)  # both sides warm
            raw(notes, 100, ids)
            for round_ in range(args.rounds):
                follower_cpu = process_cpu(follower.pid) if follower else 0.0
                ours_wall, ours_cpu = ours(client, headers, slugs, versions, args.edits,
                                           (round_ + 1) * args.edits, indexed)
                follower_cpu = process_cpu(follower.pid) - follower_cpu if follower else 0.0
                raw_wall, raw_cpu = raw(notes, args.edits, ids)
                results.append((ours_wall, ours_cpu, raw_wall, raw_cpu, follower_cpu))
        finally:
            services.close()
            if follower:
                follower.terminate()
                follower.wait(timeout=30)
        print(f"{args.edits} edits per case and round, {args.rounds} rounds, alternating; {len(slugs)} examples; "
              f"follower: {args.follower}")
        for label, wall_at, cpu_at in ((f"ours (API, follower {args.follower})", 0, 1), ("raw eventsourcing", 2, 3)):
            walls = [r[wall_at] for r in results]
            print(f"{label:<32} {args.edits / statistics.median(walls):7.0f} edits/s "
                  f"(wall median {statistics.median(walls):.2f} s, CPU {statistics.median(r[cpu_at] for r in results):.2f} s)")
        if follower:
            print(f"{'follower process CPU':<32} {statistics.median(r[4] for r in results):.2f} s per round "
                  f"(ours in all: {statistics.median(r[1] + r[4] for r in results):.2f} s of CPU)")
        ratios = [(args.edits / r[0]) / (args.edits / r[2]) for r in results]
        print(f"ratio ours / raw, min / median / max: {min(ratios):.3f} / {statistics.median(ratios):.3f} / "
              f"{max(ratios):.3f}")
        cpu_ratios = [(r[3]) / (r[1] + r[4]) for r in results]
        print(f"per CPU-second, ours / raw, min / median / max: {min(cpu_ratios):.3f} / "
              f"{statistics.median(cpu_ratios):.3f} / {max(cpu_ratios):.3f}")


if __name__ == "__main__":
    main()
