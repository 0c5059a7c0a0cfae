"""Flat cost (issue 17): the same pages at 1,000 and at 100,000 examples.

    .venv/bin/python bench/flat_cost_bench.py --small FOLDER_1000 --large FOLDER_100000 [--requests 200]

Each folder is a data folder made as bench/cold_start_bench.py makes one (the demo, then
`bench/corpus.py` examples imported, the read model and the index caught up). For each page the
two folders' apps (one process, the test client, a coordinator signed in with a page session, so
that nothing comes from the anonymous readers' cache) answer `--requests` times, alternating; the
table gives p50 and p95 in ms at each size and the ratio large / small. The last page searches for
a word only the demo's examples have ("sjukvården", 5 hits at every size): the issue's search
page with a fixed number of hits; the one before it has more hits the larger the wiki.
"""

import argparse
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PAGES = ["/", "/exempel", "/exempel?page=2", "/exempel?page=50", "/andringar", "/organisationer/falu-kommun",
         "/register", "/sok?q=samverkan+kvinnojour&violence_form=hedersrelaterat&organisation=falu-kommun",
         "/sok?q=sjukv%C3%A5rden"]  # the last: a fixed number of hits (5, the demo's) at every size


def client_for(folder: Path):
    from wiki import create_app
    app = create_app({"DATA_DIR": str(folder), "INDEX_FOLLOWER": "none", "NOTIFIER": "off"})
    services = app.extensions["lansgrupp"]
    client = app.test_client()
    session_id, _ = services.wiki.start_session(services.wiki.get_account("eva.strand"), timedelta(hours=8))
    with client.session_transaction() as session:
        session["username"], session["sid"] = "eva.strand", session_id
    return app, client


def timed(client, path: str) -> float:
    start = time.perf_counter()
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return (time.perf_counter() - start) * 1000


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", required=True)
    parser.add_argument("--large", required=True)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    small_app, small = client_for(Path(args.small))
    large_app, large = client_for(Path(args.large))
    try:
        print(f"{'page':<48} {'p50 small':>9} {'p50 large':>9} {'ratio':>6} {'p95 small':>9} {'p95 large':>9} {'ratio':>6}")
        for path in PAGES:
            for client in (small, large):
                for _ in range(5):
                    timed(client, path)
            times: dict[str, list[float]] = {"small": [], "large": []}
            for _ in range(args.requests):
                times["small"].append(timed(small, path))
                times["large"].append(timed(large, path))
            p50 = {k: statistics.median(v) for k, v in times.items()}
            p95 = {k: percentile(v, 0.95) for k, v in times.items()}
            print(f"{path[:48]:<48} {p50['small']:9.2f} {p50['large']:9.2f} {p50['large'] / p50['small']:6.2f} "
                  f"{p95['small']:9.2f} {p95['large']:9.2f} {p95['large'] / p95['small']:6.2f}")
    finally:
        small_app.extensions["lansgrupp"].close()
        large_app.extensions["lansgrupp"].close()


if __name__ == "__main__":
    main()
