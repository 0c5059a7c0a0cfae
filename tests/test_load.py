"""A small load run with faults against real gunicorn workers on the tests' store
(bench/load.py runs the full size: 16 clients for 60 s against 4 workers)."""

from bench.load import Settings, run_load
from stores import store_for


def test_load_with_a_killed_worker_and_follower_loses_nothing(tmp_path):
    data_dir = tmp_path / "data"
    report = run_load(str(data_dir), store_for(data_dir), Settings(clients=6, seconds=8, workers=2, seed=7),
                      echo=lambda *_: None)
    summary = report.summary()
    assert report.server_errors == [], report.server_errors[:5]
    assert report.unexpected == [], report.unexpected[:5]
    assert report.killed[0].startswith("worker") and report.killed[1] == "follower"
    assert len(report.acknowledged) >= 20 and report.conflicts >= 5, summary
    assert {"page", "api_read", "search", "edit"} <= set(report.latencies), summary
    assert report.lost == []
    assert report.index_converged_seconds is not None and report.index_missing == []
    assert report.ok
