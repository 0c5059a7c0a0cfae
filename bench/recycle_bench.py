"""Search latency under steady load while gunicorn recycles its workers (issue 17: p99 ≤ 3× p50).

    .venv/bin/python bench/recycle_bench.py --data FOLDER [--max-requests 500] [--seconds 30]

FOLDER is a data folder made as bench/cold_start_bench.py makes one. gunicorn runs the wiki on
it with `wiki.gunicorn_config` and 2 sync workers, once with `--max-requests` (each worker is
replaced after that many requests, ±10 %, and the new one starts cold) and once without; wrk
(2 threads, 4 connections, `--latency`) sends anonymous searches, cycling through 12 queries.
Needs `wrk`.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cluster import free_port, wait_for  # noqa: E402

QUERIES = ["våld", "samverkan", "stöd", "polisen", "barn", "utbildning", "kommun", "våldsutsatta kvinnor",
           "skolan", "hedersrelaterat våld", "socialtjänsten", "riskbedömning"]


def serve(data: str, max_requests: int):
    port = free_port()
    env = {**os.environ, "WIKI_DATA_DIR": data, "WIKI_EVENT_STORE": "sqlite", "WIKI_INDEX_FOLLOWER": "none",
           "WIKI_NOTIFIER": "off", "WIKI_BIND": f"127.0.0.1:{port}", "WIKI_WORKERS": "2"}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:wiki.gunicorn_config", "--max-requests", str(max_requests),
         "--max-requests-jitter", str(max_requests // 10), "wiki:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    wait_for(base + "/api/v1/health", process)
    return process, base


def load(base: str, seconds: int) -> dict[str, float]:
    script = "local q = {" + ",".join(f'"{quote(q)}"' for q in QUERIES) + "}\nlocal i = 0\n" \
             "request = function()\n  i = i + 1\n  return wrk.format(\"GET\", \"/api/v1/search?q=\" .. q[(i % #q) + 1])\nend\n"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    try:
        out = subprocess.run(["wrk", "-t2", "-c4", f"-d{seconds}s", "--latency", "-s", file.name, base],
                             capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(file.name)
    if "Non-2xx" in out:
        raise RuntimeError(out)
    found = {p: _ms(v, unit) for p, v, unit in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)}
    found["rps"] = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return found


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--max-requests", type=int, default=500)
    parser.add_argument("--seconds", type=int, default=30)
    args = parser.parse_args()
    for label, max_requests in ((f"recycled every {args.max_requests} requests", args.max_requests),
                                ("never recycled", 0)):
        process, base = serve(args.data, max_requests)
        try:
            load(base, 3)  # warm
            found = load(base, args.seconds)
        finally:
            process.terminate()
            process.wait(30)
        print(f"{label:<34} {found['rps']:7.0f} req/s  p50 {found['50']:6.1f} ms  p90 {found['90']:6.1f} ms  "
              f"p99 {found['99']:6.1f} ms  p99/p50 {found['99'] / found['50']:.1f}")


if __name__ == "__main__":
    main()
