"""Load and faults against real gunicorn workers: 70% page and API reads, 20% searches,
10% edits (a quarter of them deliberately on a stale version). In the middle a worker and
the index follower are killed with SIGKILL (the follower is started again, as its service
manager would). Afterwards: no 5xx, every acknowledged edit is in the log, and the index
converges to the log with each example's latest text.

    .venv/bin/python bench/load.py                       # SQLite, 16 clients, 60 s, 4 workers
    .venv/bin/python bench/load.py --store postgresql://wiki:pw@127.0.0.1:55432/wiki
    .venv/bin/python bench/load.py --both                # SQLite, then a throwaway PostgreSQL

Prints throughput and latency percentiles per kind of request.
"""

import argparse
import http.client
import json
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cluster import ROOT, Node, flask_command  # noqa: E402

PASSWORD = "demo-losen-2026"
HOT_EXAMPLES = 4
SEARCH_WORDS = ["våld", "kvinnojour", "barn", "samverkan", "hedersrelaterat", "polis", "utbildning",
                "jouren", "skyddat boende", "\"nära relation\"", "stöd*", "mäns våld mot kvinnor"]


@dataclass
class Settings:
    clients: int = 16
    seconds: float = 60.0
    workers: int = 4
    faults: bool = True
    seed: int = 1


@dataclass
class Report:
    store: str
    settings: Settings
    latencies: dict = field(default_factory=lambda: defaultdict(list))
    statuses: Counter = field(default_factory=Counter)
    dropped: Counter = field(default_factory=Counter)
    acknowledged: list = field(default_factory=list)
    conflicts: int = 0
    server_errors: list = field(default_factory=list)
    unexpected: list = field(default_factory=list)
    lost: list = field(default_factory=list)
    index_converged_seconds: float | None = None
    index_missing: list = field(default_factory=list)
    killed: list = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return (not self.server_errors and not self.unexpected and not self.lost and not self.index_missing
                and self.index_converged_seconds is not None)

    def summary(self) -> dict:
        kinds = {}
        for kind, values in sorted(self.latencies.items()):
            values = sorted(values)
            kinds[kind] = {
                "requests": len(values),
                "per_second": round(len(values) / self.elapsed, 1),
                "p50_ms": round(1000 * values[len(values) // 2], 1),
                "p95_ms": round(1000 * values[min(len(values) - 1, int(len(values) * 0.95))], 1),
            }
        total = sum(len(v) for v in self.latencies.values())
        return {
            "store": self.store, "clients": self.settings.clients, "seconds": self.settings.seconds,
            "workers": self.settings.workers, "requests": total, "per_second": round(total / self.elapsed, 1),
            "kinds": kinds, "statuses": dict(sorted(self.statuses.items())),
            "acknowledged_edits": len(self.acknowledged), "edit_conflicts": self.conflicts,
            "dropped_by_kills": dict(self.dropped), "killed": self.killed,
            "server_errors": len(self.server_errors), "unexpected": len(self.unexpected),
            "lost_writes": len(self.lost), "index_converged_seconds": self.index_converged_seconds,
            "index_missing": len(self.index_missing), "ok": self.ok,
        }


def _prepare(node: Node, rng: random.Random) -> tuple[dict, list[str], list[str]]:
    tokens = {name: node.token(name, PASSWORD) for name in ("maja.lind", "eva.strand", "ingrid.alm")}
    hot = []
    for n in range(HOT_EXAMPLES):
        status, created = node.request("POST", "/api/v1/examples", {
            "title": f"Lasttest {n} {rng.randrange(10**9)}", "summary": "Redigeras av många samtidigt.",
            "body": "Start."}, token=tokens["maja.lind"])
        assert status == 201, created
        status, published = node.request("POST", f"/api/v1/examples/{created['slug']}/publish", {},
                                         token=tokens["eva.strand"])
        assert status == 200, published
        hot.append(published["slug"])
    status, listing = node.get("/api/v1/examples?per_page=100")
    assert status == 200, listing
    slugs = [item["slug"] for item in listing["items"]]
    return tokens, hot, slugs


class Client(threading.Thread):
    def __init__(self, number: int, node: Node, report: Report, lock: threading.Lock, stop: threading.Event,
                 tokens: dict, hot: list[str], slugs: list[str], seed: int):
        super().__init__(daemon=True)
        self.number, self.node, self.report, self.lock, self.stop = number, node, report, lock, stop
        self.tokens, self.hot, self.slugs = tokens, hot, slugs
        self.rng = random.Random(seed * 1000 + number)
        self.edits = 0

    def run(self) -> None:
        while not self.stop.is_set():
            roll = self.rng.random()
            if roll < 0.70:
                self.read()
            elif roll < 0.90:
                self.search()
            else:
                self.edit()

    def timed(self, kind: str, method: str, path: str, body=None, token=None, expect=(200,)):
        started = time.perf_counter()
        try:
            status, answer = self.node.request(method, path, body, token=token, timeout=60)
        except (OSError, http.client.HTTPException) as error:  # a killed worker drops its connection, even
            # halfway through an answer (IncompleteRead): not acknowledged
            with self.lock:
                self.report.dropped[type(error).__name__] += 1
            return None, None
        elapsed = time.perf_counter() - started
        with self.lock:
            self.report.latencies[kind].append(elapsed)
            self.report.statuses[status] += 1
            if status >= 500:
                self.report.server_errors.append((method, path, status, str(answer)[:300]))
            elif status not in expect:
                self.report.unexpected.append((method, path, status, str(answer)[:300]))
        return status, answer

    def read(self) -> None:
        slug = self.rng.choice(self.slugs + self.hot)
        choice = self.rng.randrange(5)
        if choice == 0:
            self.timed("page", "GET", f"/exempel/{slug}")
        elif choice == 1:
            self.timed("page", "GET", self.rng.choice(["/", "/exempel", "/andringar", "/organisationer"]))
        elif choice == 2:
            self.timed("api_read", "GET", f"/api/v1/examples/{slug}")
        elif choice == 3:
            self.timed("api_read", "GET", f"/api/v1/examples/{slug}/history")
        else:
            self.timed("api_read", "GET", "/api/v1/roster?at=2024-06-01", token=self.tokens["ingrid.alm"])

    def search(self) -> None:
        words = self.rng.choice(SEARCH_WORDS)
        if self.rng.random() < 0.5:
            self.timed("search", "GET", f"/api/v1/search?q={words}")
        else:
            self.timed("search", "GET", f"/sok?q={words}&violence_form=nara-relation")

    def edit(self) -> None:
        slug = self.rng.choice(self.hot)
        token = self.tokens[self.rng.choice(["maja.lind", "eva.strand"])]
        status, current = self.timed("api_read", "GET", f"/api/v1/examples/{slug}", token=token)
        if status != 200:
            return
        stale = self.rng.random() < 0.25 and current["version"] > 1
        base = current["version"] - 1 if stale else current["version"]
        self.edits += 1
        marker = f"mk{self.number}x{self.edits}q{self.rng.randrange(10**6)}"
        body = {"base_version": base, "body": f"Ändrad under last. {marker}", "comment": "last"}
        status, answer = self.timed("edit", "PUT", f"/api/v1/examples/{slug}", body, token=token, expect=(200, 409))
        if status == 200:
            with self.lock:
                self.report.acknowledged.append((slug, answer["version"], marker, answer["position"]))
        elif status == 409:
            with self.lock:
                self.report.conflicts += 1


def _faults(node: Node, report: Report, stop: threading.Event, seconds: float) -> None:
    if stop.wait(seconds / 3):
        return
    report.killed.append(f"worker {node.kill_worker()}")
    if stop.wait(seconds / 6):
        return
    node.kill_follower()
    report.killed.append("follower")
    stop.wait(1.0)
    node.start_follower()


def _check_log(data_dir: str, store: str, report: Report) -> None:
    """Every acknowledged edit, read back from the event log itself."""
    from events.application import Wiki, store_environment

    wiki = Wiki(env=store_environment(data_dir, store, create_tables=False))
    try:
        for slug, version, marker, _ in report.acknowledged:
            if marker not in wiki.content_of(wiki.get_example(slug, revision=version))["body"]:
                report.lost.append((slug, version, marker))
    finally:
        wiki.close()


def _check_index(node: Node, report: Report, timeout: float = 60.0) -> None:
    """The index reaches the log's head and finds each hot example by its latest text."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        status, health = node.get("/api/v1/health")
        if status == 200 and health["index_position"] >= health["position"]:
            report.index_converged_seconds = round(time.monotonic() - started, 2)
            break
        time.sleep(0.1)
    else:
        return
    latest = {}
    for slug, version, marker, position in report.acknowledged:
        if version > latest.get(slug, (0, ""))[0]:
            latest[slug] = (version, marker)
    for slug, (_, marker) in latest.items():
        status, found = node.get(f"/api/v1/search?q={marker}&min_position={health['position']}")
        if status != 200 or [hit["slug"] for hit in found["hits"]] != [slug]:
            report.index_missing.append((slug, marker))


def run_load(data_dir: str, store: str, settings: Settings, echo=print) -> Report:
    flask_command(data_dir, store, "db", "init")
    flask_command(data_dir, store, "demo", "load")
    rng = random.Random(settings.seed)
    report = Report(store="postgresql" if store.startswith("postgres") else "sqlite", settings=settings)
    with Node(data_dir, store, workers=settings.workers) as node:
        tokens, hot, slugs = _prepare(node, rng)
        lock, stop = threading.Lock(), threading.Event()
        clients = [Client(n, node, report, lock, stop, tokens, hot, slugs, settings.seed)
                   for n in range(settings.clients)]
        faults = threading.Thread(target=_faults, args=(node, report, stop, settings.seconds), daemon=True)
        echo(f"{report.store}: {settings.clients} klienter i {settings.seconds:g} s mot {settings.workers} workers …")
        started = time.perf_counter()
        for client in clients:
            client.start()
        if settings.faults:
            faults.start()
        time.sleep(settings.seconds)
        stop.set()
        for client in clients:
            client.join(timeout=120)
        report.elapsed = time.perf_counter() - started
        if settings.faults:
            faults.join(timeout=30)
        _check_index(node, report)
    _check_log(data_dir, store, report)
    return report


def _throwaway_postgres(folder: Path) -> str:
    from bench.cluster import free_port
    result = subprocess.run([str(ROOT / "scripts" / "postgres"), "start", str(folder), str(free_port())],
                            capture_output=True, text=True, check=True)
    return result.stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", default="sqlite", help="sqlite or a postgresql:// URL")
    parser.add_argument("--both", action="store_true", help="SQLite, then a throwaway PostgreSQL cluster")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--no-faults", action="store_true")
    args = parser.parse_args()
    settings = Settings(args.clients, args.seconds, args.workers, not args.no_faults)
    scratch = Path(tempfile.mkdtemp(prefix="wiki-load-"))
    pg_folder = Path(tempfile.mkdtemp(prefix="wiki-load-pg-"))  # its own: the server's user must reach it
    try:
        stores = [args.store]
        if args.both:
            stores = ["sqlite", _throwaway_postgres(pg_folder)]
        summaries = []
        for number, store in enumerate(stores):
            report = run_load(str(scratch / f"data{number}"), store, settings)
            summaries.append(report.summary())
            print(json.dumps(report.summary(), ensure_ascii=False, indent=2))
            for problem in (report.server_errors + report.unexpected + report.lost + report.index_missing)[:10]:
                print("  problem:", problem)
        if len(summaries) == 2:
            print("\nkind        " + "".join(f"{s['store']:>34}" for s in summaries))
            for kind in sorted(set(summaries[0]["kinds"]) | set(summaries[1]["kinds"])):
                cells = []
                for s in summaries:
                    k = s["kinds"].get(kind, {})
                    cells.append(f"{k.get('per_second', 0):>8}/s p50 {k.get('p50_ms', 0):>6} p95 {k.get('p95_ms', 0):>6} ms")
                print(f"{kind:<12}" + "".join(f"{c:>34}" for c in cells))
            print("total/s     " + "".join(f"{s['per_second']:>34}" for s in summaries))
            print("PostgreSQL / SQLite throughput: "
                  f"{summaries[1]['per_second'] / summaries[0]['per_second']:.2f}")
        return 0 if all(s["ok"] for s in summaries) else 1
    finally:
        if (pg_folder / "data").exists():
            subprocess.run([str(ROOT / "scripts" / "postgres"), "stop", str(pg_folder)], check=False)
        shutil.rmtree(pg_folder, ignore_errors=True)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
