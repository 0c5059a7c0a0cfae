"""A fresh worker's first search (issue 17, "no cold starts"), with the follower's per-segment
cache files and without them; and the worker's resident memory after a few more searches.

    .venv/bin/python bench/cold_start_bench.py --count 10000 [--rounds 5]
    .venv/bin/python bench/cold_start_bench.py --data FOLDER [--rounds 5]   (a folder made so before)

Setup: a temporary data folder on SQLite with `demo load` and `--count` examples from
`bench/corpus.py` (imported as `examples import` does), the read model caught up and the search
index rebuilt by the follower, which writes the cache files. Then each round starts a new Python
process per case (a worker after a start or a recycle by `max_requests`): it builds the app, and
times its first and second `GET /api/v1/search` through the Flask test client, anonymous. The
cases alternate: the index as the follower left it, and the same index with its
`segment-caches` folder moved away (what every first search cost before).
"""

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.cluster import flask_command  # noqa: E402
from bench.corpus import write_jsonl  # noqa: E402

QUERIES = ("våld", "samverkan kvinnojour")

WORKER = r"""
import json, sys, time
from wiki import create_app
app = create_app({"DATA_DIR": sys.argv[1], "INDEX_FOLLOWER": "none", "NOTIFIER": "off"})
client = app.test_client()
times = []
for q in sys.argv[2:]:
    for _ in range(2):
        start = time.perf_counter()
        response = client.get("/api/v1/search", query_string={"q": q})
        assert response.status_code == 200, response.get_data(as_text=True)
        times.append((time.perf_counter() - start) * 1000)
for q in ("stöd", "polisen", "barn", "utbildning", "kommun", "våldsutsatta kvinnor"):
    client.get("/api/v1/search", query_string={"q": q})
    client.get("/api/v1/search", query_string={"q": q, "page": 5})
client.get("/exempel")
rss = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmRSS:"))
times.append(rss / 1024)
print(json.dumps(times))
app.extensions["lansgrupp"].close()
"""


def build(data: Path, count: int, folder: Path) -> None:
    flask_command(str(data), "sqlite", "demo", "load")
    path = folder / "exempel.jsonl"
    write_jsonl(str(path), count)
    from events.example_import import ExampleImporter, check_lines
    from wiki import create_app
    app = create_app({"DATA_DIR": str(data), "INDEX_FOLLOWER": "none", "NOTIFIER": "off"})
    services = app.extensions["lansgrupp"]
    try:
        with open(path, encoding="utf-8") as lines:
            checked = check_lines(lines, services.wiki.organisation_exists)
        ExampleImporter(services.wiki).write(checked.rows)
        services.catch_up()  # the read model and the audit chain, as a running wiki keeps them
        services.audit_tree.update()
        services.follower.rebuild(parallel=True)
    finally:
        services.close()


def worker(data: Path) -> list[float]:
    result = subprocess.run([sys.executable, "-c", WORKER, str(data), *QUERIES], check=True, capture_output=True,
                            text=True, cwd=Path(__file__).resolve().parents[1])
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--data", help="a data folder made as this script makes one (its cache files are "
                                       "written if missing), instead of building one of --count examples")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if args.data:
            data = Path(args.data)
            from search_index import SearchIndex
            SearchIndex(data / "search").write_caches()
            args.count = SearchIndex(data / "search").example_count()
        else:
            data = Path(folder) / "data"
            build(data, args.count, Path(folder))
        index = (data / "search").resolve()
        caches, away = index / "segment-caches", Path(folder) / "segment-caches-away"
        print(f"{args.count} examples; {len(list(caches.glob('*.marshal')))} segment cache files, "
              f"{sum(p.stat().st_size for p in caches.glob('*')) / 1e6:.1f} MB")
        results: dict[str, list[list[float]]] = {"with cache files": [], "without (computed in the request)": []}
        for _ in range(args.rounds):
            results["with cache files"].append(worker(data))
            shutil.move(caches, away)
            try:
                results["without (computed in the request)"].append(worker(data))
            finally:
                shutil.move(away, caches)
        for case, runs in results.items():
            print(f"{case} (worker RSS after 14 searches and a list page: median "
                  f"{statistics.median(run[-1] for run in runs):.0f} MB)")
            for n, q in enumerate(QUERIES):
                first = [run[2 * n] for run in runs]
                second = [run[2 * n + 1] for run in runs]
                print(f"  {q!r:<26} first search min / median / max {min(first):6.1f} / "
                      f"{statistics.median(first):6.1f} / {max(first):6.1f} ms; then "
                      f"{statistics.median(second):5.1f} ms")


if __name__ == "__main__":
    main()
