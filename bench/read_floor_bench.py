"""Reads against the floor (issue 17): the example's JSON and its page, against the bare Flask app
of `../shared/bench/floor/` (a pre-rendered example as JSON, and as a page from a template
compiled once), same gunicorn, same workers, same load tool, in the same run, interleaved.

    .venv/bin/python bench/read_floor_bench.py [--rounds 3] [--seconds 10] [--workers 2]

Needs `wrk` (Debian package). Setup: a temporary data folder on SQLite with `demo load`; the wiki
under gunicorn (`wiki.gunicorn_config`, `--workers` sync workers, no follower in the workers) and
the floor under the same gunicorn settings. Each round runs wrk (2 threads, 8 connections,
`--seconds`) against the wiki's JSON, the floor's JSON, the wiki's page and the floor's page, in
that order, and the wiki's JSON once more with a coordinator's token; the ratio is the wiki's
requests per second over the floor's in the same round. Anonymous readers' answers come from the
per-process cache of wiki/page_cache.py (kept at the read model's position); a signed-in
reader's are built each time, so that case shows the cost without the cache.
"""

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cluster import Node, flask_command, free_port, wait_for  # noqa: E402

FLOOR = ROOT.parent / "shared" / "bench" / "floor"


def wrk(url: str, seconds: int, token: str | None = None) -> float:
    header = ["-H", f"Authorization: Bearer {token}"] if token else []
    result = subprocess.run(["wrk", "-t2", "-c8", f"-d{seconds}s", *header, url], capture_output=True, text=True,
                            check=True)
    found = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    if not found or errors:
        raise RuntimeError(result.stdout)
    return float(found.group(1))


def start_floor(workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(workers), "-k", "sync",
                                "-b", f"127.0.0.1:{port}", "--chdir", str(FLOOR), "app:app"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    wait_for(base + "/page", process)
    return process, base


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        flask_command(str(data), "sqlite", "demo", "load")
        node = Node(str(data), "sqlite", workers=args.workers).start()
        floor, floor_base = start_floor(args.workers)
        try:
            status, body = node.get("/api/v1/examples?status=published&per_page=1")
            slug = body["items"][0]["slug"]
            wiki_base = f"http://127.0.0.1:{node.port}"
            token = node.token("eva.strand", "demo-losen-2026")
            cases = {"JSON": (f"{wiki_base}/api/v1/examples/{slug}", f"{floor_base}/api/v1/examples/x", None),
                     "page": (f"{wiki_base}/exempel/{slug}", f"{floor_base}/page", None),
                     "JSON, signed in": (f"{wiki_base}/api/v1/examples/{slug}", f"{floor_base}/api/v1/examples/x",
                                         token)}
            for ours, theirs, with_token in cases.values():  # warm both once
                wrk(ours, 2, with_token), wrk(theirs, 2)
            ratios: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
            for _ in range(args.rounds):
                for name, (ours, theirs, with_token) in cases.items():
                    ratios[name].append((wrk(ours, args.seconds, with_token), wrk(theirs, args.seconds)))
            print(f"gunicorn, {args.workers} sync workers each; wrk -t2 -c8 -d{args.seconds}s; "
                  f"{args.rounds} rounds, interleaved; example {slug}")
            for name, runs in ratios.items():
                values = [ours / theirs for ours, theirs in runs]
                print(f"{name:<16} wiki {statistics.median(r[0] for r in runs):7.0f} req/s, floor "
                      f"{statistics.median(r[1] for r in runs):7.0f} req/s; ratio min / median / max "
                      f"{min(values):.2f} / {statistics.median(values):.2f} / {max(values):.2f}")
        finally:
            floor.terminate()
            floor.wait(10)
            node.stop()


if __name__ == "__main__":
    main()
