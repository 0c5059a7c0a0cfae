"""Edits against raw `eventsourcing` saves on the same store (issue 17).

    .venv/bin/python bench/edit_bench.py [--edits 1000] [--rounds 3]

Ours: `PUT /api/v1/examples/{slug}` through the Flask test client (no HTTP), one edit after the
other over 50 published examples of the demo's organisation, with the index follower running as
a thread of the same process (as a single-process wiki runs it), so its work is counted; every
edit is validated, merged, checked, sealed and saved, and the next request brings the read model
up to it. Raw: an `eventsourcing` application on SQLite in a data folder of its own (same
library, same file store), whose aggregate has one event carrying the same fields, loaded and
saved the same number of times (`repository.get`, one event, `save`): the least an edit of an
event-sourced aggregate costs. The two alternate in each round; wall and CPU time of the whole
process are given, and the ratio of edits per second (ours over raw).
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cluster import flask_command  # noqa: E402
from eventsourcing.application import Application  # noqa: E402
from eventsourcing.domain import Aggregate, event  # noqa: E402

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


def ours(client, headers, slugs: list[str], versions: dict, edits: int, start: int) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    for n in range(edits):
        slug = slugs[n % len(slugs)]
        response = client.put(f"/api/v1/examples/{slug}", headers=headers,
                              json={"base_version": versions[slug], "summary": SUMMARY.format(n=start + n)})
        assert response.status_code == 200, response.get_json()
        versions[slug] = response.get_json()["version"]
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        flask_command(str(data), "sqlite", "demo", "load")
        raw_folder = Path(folder) / "raw"
        raw_folder.mkdir()
        notes = Notes(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                             "SQLITE_DBNAME": str(raw_folder / "events.sqlite")})
        ids = []
        for n in range(50):
            note = Note(title=f"Anteckning {n}")
            notes.save(note)
            ids.append(note.id)

        from wiki import create_app
        app = create_app({"DATA_DIR": str(data), "NOTIFIER": "off"})
        services = app.extensions["lansgrupp"]
        client = app.test_client()
        token = client.post("/api/v1/tokens", json={"username": "eva.strand", "password": "demo-losen-2026"})
        headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
        items = client.get("/api/v1/examples?status=published&per_page=50", headers=headers).get_json()["items"]
        slugs = [item["slug"] for item in items]
        versions = {item["slug"]: item["version"] for item in items}
        client.get("/api/v1/examples", headers=headers)  # the follower starts on a request
        results = []
        try:
            for round_ in range(args.rounds):
                ours_wall, ours_cpu = ours(client, headers, slugs, versions, args.edits, round_ * args.edits)
                services.follower.catch_up()
                raw_wall, raw_cpu = raw(notes, args.edits, ids)
                results.append((ours_wall, ours_cpu, raw_wall, raw_cpu))
        finally:
            services.close()
        print(f"{args.edits} edits per case and round, {args.rounds} rounds, alternating; {len(slugs)} examples")
        for label, wall_at, cpu_at in (("ours (API, follower thread)", 0, 1), ("raw eventsourcing", 2, 3)):
            walls = [r[wall_at] for r in results]
            print(f"{label:<30} {args.edits / statistics.median(walls):7.0f} edits/s "
                  f"(wall median {statistics.median(walls):.2f} s, CPU {statistics.median(r[cpu_at] for r in results):.2f} s)")
        ratios = [(args.edits / r[0]) / (args.edits / r[2]) for r in results]
        print(f"ratio ours / raw, min / median / max: {min(ratios):.3f} / {statistics.median(ratios):.3f} / "
              f"{max(ratios):.3f}")


if __name__ == "__main__":
    main()
