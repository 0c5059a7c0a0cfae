"""What the identification check adds to saving a draft: p50/p95 of a save with and without it.

    .venv/bin/python bench/save_check_bench.py [--examples 50] [--saves 600] [--words 300]

A real SQLite store in a temporary folder. Each save edits a draft of about 300 words (from
bench/corpus.py) through `Wiki.edit_example`: validation, the three-way merge, the revision
sealed under a new key and the store's transaction. After each save the check runs over the
saved text and comment, as the editor does before it shows the example page. Both figures come
from the same saves, so "without" and "with" are measured interleaved, in one run.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.corpus import generate  # noqa: E402
from events.application import Wiki, store_environment  # noqa: E402
from events.identification import check_example  # noqa: E402
from events.permissions import Actor  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=50)
    parser.add_argument("--saves", type=int, default=600)
    parser.add_argument("--words", type=int, default=300)
    args = parser.parse_args()
    docs = generate(args.examples + args.saves, seed=7, words=args.words)
    with tempfile.TemporaryDirectory() as data_dir:
        wiki = Wiki(env=store_environment(data_dir, "sqlite", create_tables=True))
        admin = Actor("bench", "admin", None)
        wiki.register_organisation(admin, {"name": "Falu kommun", "kind": "kommun", "municipality": "Falun",
                                           "slug": "falu-kommun"})
        member = Actor("maja", "member", "falu-kommun")
        slugs = [wiki.create_example(member, {"title": d["title"], "summary": d["summary"], "body": d["body"]}).slug
                 for d in docs[:args.examples]]
        versions = dict.fromkeys(slugs, 1)
        saves, checks, totals = [], [], []
        for n, doc in enumerate(docs[args.examples:]):
            slug = slugs[n % len(slugs)]
            data = {"base_version": versions[slug], "body": doc["body"], "comment": f"Ändring {n}"}
            started = time.perf_counter()
            written = wiki.edit_example(member, slug, data)
            saved = time.perf_counter()
            check_example({"title": doc["title"], "body": doc["body"]}, data["comment"])
            checked = time.perf_counter()
            versions[slug] = written.version
            saves.append(saved - started)
            checks.append(checked - saved)
            totals.append(checked - started)
        wiki.close()
    ms = 1000
    print(f"{args.saves} saves of ~{args.words}-word drafts on SQLite")
    print(f"  save without check: p50 {statistics.median(saves) * ms:.2f} ms, p95 {percentile(saves, .95) * ms:.2f} ms")
    print(f"  save with check:    p50 {statistics.median(totals) * ms:.2f} ms, p95 {percentile(totals, .95) * ms:.2f} ms")
    print(f"  the check alone:    p50 {statistics.median(checks) * ms:.2f} ms, p95 {percentile(checks, .95) * ms:.2f} ms")
    print(f"  ratio of p95 (with / without): {percentile(totals, .95) / percentile(saves, .95):.3f}")


if __name__ == "__main__":
    main()
