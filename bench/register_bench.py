"""Register benchmark: the roster on any date over 20 years of forms for 60 organisations,
and the audit chain over 100,000 events.

    .venv/bin/python bench/register_bench.py [--organisations 60] [--years 20] [--events 100000]

Baseline in the same run: the roster computed by loading every organisation's `Roster`
aggregate from the event store (what a query without the read model would do).
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from uuid import UUID
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from events.membership import Roster  # noqa: E402
from events.permissions import Actor  # noqa: E402
from events.personal_data import unseal  # noqa: E402
from wiki import create_app  # noqa: E402

COORDINATOR = Actor("bench", "coordinator", None)


def percentile(samples, p):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def measure(fn, dates):
    samples = []
    for day in dates:
        start = time.perf_counter()
        fn(day)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), percentile(samples, 0.95)


def load_register(services, organisations: int, years: int, rng: random.Random) -> int:
    wiki = services.wiki
    start = date(2026 - years, 1, 1)
    forms = 0
    for n in range(organisations):
        slug, _ = wiki.register_organisation(COORDINATOR, {"name": f"Organisation {n:02d}", "kind": "kommun",
                                                           "joined_on": start.isoformat()})
        day = start
        while day < date(2026, 1, 1):
            role = rng.choice(["representative", "substitute"])
            request_id, _ = wiki.submit_membership_request(COORDINATOR, {
                "organisation": slug, "changes": [{"action": "appoint", "role": role,
                                                   "person": {"name": f"Person {forms}"}, "from": day.isoformat()}]})
            wiki.approve_membership_request(COORDINATOR, request_id)
            forms += 1
            day += timedelta(days=rng.randint(60, 240))
    return forms


def roster_from_aggregates(wiki, slugs, at: str):
    result = []
    for slug in slugs:
        roster = wiki.repository.get(Roster.create_id(slug))
        held = {t["role"]: t for t in roster.terms if t["start"] <= at and (t["end"] is None or at <= t["end"])}
        people = {role: wiki.repository.get(UUID(t["person_id"]))
                  for role, t in held.items()}
        result.append((slug, {role: unseal(wiki.person_keys.get(str(p.id)), str(p.id), p.sealed)["name"]
                              for role, p in people.items()}))
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--organisations", type=int, default=60)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    rng = random.Random(42)
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"DATA_DIR": folder, "INDEX_FOLLOWER": "none"})
        services = app.extensions["lansgrupp"]
        started = time.perf_counter()
        forms = load_register(services, args.organisations, args.years, rng)
        services.pages.catch_up()
        print(f"loaded {forms} approved forms for {args.organisations} organisations over {args.years} years "
              f"in {time.perf_counter() - started:.1f} s; log position {services.wiki.position()}")
        slugs = [o["slug"] for o in services.pages.organisations()]
        dates = [(date(2026 - args.years, 1, 1) + timedelta(days=rng.randrange(args.years * 365))).isoformat()
                 for _ in range(200)]
        read_model = measure(lambda d: services.pages.roster(d), dates)
        client = app.test_client()
        services.wiki.create_account("auditor", "auditor", None, "bench-password")
        services.pages.catch_up()
        token = client.post("/api/v1/tokens", json={"username": "auditor", "password": "bench-password"}).json["token"]
        headers = {"Authorization": f"Bearer {token}"}
        api = measure(lambda d: client.get(f"/api/v1/roster?at={d}", headers=headers), dates)
        baseline = measure(lambda d: roster_from_aggregates(services.wiki, slugs, d), dates[:20])
        assert services.pages.roster(dates[0])[0]["representative"]["name"] == \
            roster_from_aggregates(services.wiki, slugs, dates[0])[0][1].get("representative")
        print(f"roster on a date, read model query:   p50 {read_model[0]:.2f} ms, p95 {read_model[1]:.2f} ms")
        print(f"roster on a date, GET /api/v1/roster: p50 {api[0]:.2f} ms, p95 {api[1]:.2f} ms")
        print(f"baseline, from the aggregates:        p50 {baseline[0]:.1f} ms, p95 {baseline[1]:.1f} ms "
              f"(ratio p50 {baseline[0] / read_model[0]:.0f}x)")

        existing = services.wiki.position()
        started = time.perf_counter()
        while services.wiki.position() < args.events:
            services.wiki.save(*[services.wiki.new_person({"name": f"P{n}", "email": "", "phone": "", "title": ""},
                                                          "bench") for n in range(200)])
        print(f"\nwrote {services.wiki.position() - existing} more events in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        digest = services.audit.digest()
        first = time.perf_counter() - started
        started = time.perf_counter()
        services.audit.digest()
        again = time.perf_counter() - started
        started = time.perf_counter()
        result = services.audit.verify(digest)
        verify = time.perf_counter() - started
        print(f"audit digest over {digest['position']} events: first {first:.2f} s, "
              f"again (incremental, nothing new) {again * 1000:.1f} ms")
        print(f"audit verify over {digest['position']} events: {verify:.2f} s -> {result}")
        services.close()


if __name__ == "__main__":
    main()
