"""Read cost against history length: an example with 1 version versus one with 300.

Prints median and p95 for reading through the API (the read model), reading an old
version, and loading the aggregate from the event store (snapshots), with the ratio of
the long history to the one-version baseline measured in the same run.

    .venv/bin/python bench/read_cost.py [--versions 300] [--repeat 300]
"""

import argparse
import statistics
import tempfile
import time

from events.permissions import Actor
from wiki import create_app


def measure(fn, repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--versions", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as data_dir:
        app = create_app({"DATA_DIR": data_dir})
        services = app.extensions["lansgrupp"]
        wiki = services.wiki
        admin = Actor("bench", "admin", None)
        wiki.register_organisation(admin, {"name": "Falu kommun", "kind": "kommun", "joined_on": "2010-01-01"})
        body = "## Bakgrund\n\n" + "Våldsutsatta kvinnor får stöd i samverkan. " * 60
        short = wiki.create_example(admin, {"title": "Kort historik", "body": body, "organisations": ["falu-kommun"]})
        long = wiki.create_example(admin, {"title": "Lång historik", "body": body, "organisations": ["falu-kommun"]})
        short, long = (wiki.publish_example(admin, written.slug) for written in (short, long))
        for version in range(1, args.versions):  # after publication, so every version is public
            wiki.edit_example(admin, long.slug, {"base_version": version, "body": f"{body}\n\nÄndring {version}."})
        services.pages.catch_up()
        client = app.test_client()

        rows = [
            ("GET /api/v1/examples/{slug}", lambda s: client.get(f"/api/v1/examples/{s}")),
            ("GET /api/v1/examples/{slug}?version=1", lambda s: client.get(f"/api/v1/examples/{s}?version=1")),
            ("GET /exempel/{slug} (page)", lambda s: client.get(f"/exempel/{s}")),
            ("Wiki.get_example (aggregate, snapshots)", lambda s: wiki.get_example(s)),
        ]
        print(f"{'read':42s} {'1 version':>18s} {f'{args.versions} versions':>18s} {'ratio p50':>10s}")
        for label, fn in rows:
            base = measure(lambda: fn(short.slug), args.repeat)
            heavy = measure(lambda: fn(long.slug), args.repeat)
            print(f"{label:42s} {base[0]:7.2f} / {base[1]:6.2f} ms {heavy[0]:7.2f} / {heavy[1]:6.2f} ms "
                  f"{heavy[0] / base[0]:9.2f}x")
        services.close()


if __name__ == "__main__":
    main()
