"""Bulk import (issue 17): how fast `examples import` checks a file and writes it into the log, and
how long the projections take to catch up after.

    .venv/bin/python bench/import_bench.py --count 10000

Setup: a temporary data folder on SQLite with `demo load` (the county group's organisations),
and `--count` examples from `bench/corpus.py` (nine in ten published) written as a JSON Lines
file. Then, timed apart (wall and CPU): checking every line (`check_lines`: the fields, the
organisations, the identification check of the published ones), writing the rows
(`ExampleImporter.write`: a batch of aggregates per transaction), the read model's catch-up, and
the search index's rebuild, which is what the command runs after 1,000 examples or more.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.cluster import flask_command  # noqa: E402
from bench.corpus import write_jsonl  # noqa: E402


def timed(label: str, fn, count: int | None = None):
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    rate = f", {count / wall:,.0f}/s" if count else ""
    print(f"{label:<28} {wall:7.1f} s wall {cpu:7.1f} s CPU{rate}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--skip-index", action="store_true", help="leave out the search index's rebuild")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        flask_command(str(data), "sqlite", "demo", "load")
        path = Path(folder) / "exempel.jsonl"
        write_jsonl(str(path), args.count)
        print(f"{args.count} examples, {path.stat().st_size / 1e6:.1f} MB of JSON Lines")

        from events.example_import import ExampleImporter, check_lines
        from wiki import create_app
        app = create_app({"DATA_DIR": str(data), "INDEX_FOLLOWER": "none", "NOTIFIER": "off"})
        services = app.extensions["lansgrupp"]
        try:
            with open(path, encoding="utf-8") as lines:
                checked = timed("check every line", lambda: check_lines(lines, services.wiki.organisation_exists),
                                args.count)
            assert not checked.errors, checked.errors[:5]
            timed("write into the log", lambda: ExampleImporter(services.wiki).write(checked.rows), args.count)
            timed("read model catches up", services.pages.catch_up, args.count)
            if not args.skip_index:
                timed("search index rebuilt", lambda: services.follower.rebuild(parallel=True), args.count)
        finally:
            services.close()
        sizes(data, args.count)


def sizes(data: Path, count: int) -> None:
    """The data folder's size per example (the demo's few rows included), by part."""
    parts = {"event log (events.sqlite)": "events.sqlite*", "key table (keys.sqlite)": "keys.sqlite*",
             "read model (pages.sqlite)": "pages.sqlite*", "search index": "search-*/**/*"}
    total = sum(p.stat().st_size for p in data.rglob("*") if p.is_file())
    for label, pattern in parts.items():
        size = sum(p.stat().st_size for p in data.glob(pattern) if p.is_file())
        print(f"{label:<28} {size / 1e6:8.1f} MB  {size / count / 1e3:6.2f} kB per example")
    print(f"{'data folder':<28} {total / 1e6:8.1f} MB  {total / count / 1e3:6.2f} kB per example")


if __name__ == "__main__":
    main()
