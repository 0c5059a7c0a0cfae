"""What the identification check adds to saving a draft: p50/p95 of a save through the editor's
form with the check and without it, interleaved, in one run.

    .venv/bin/python bench/save_check_bench.py [--drafts 20] [--saves 400] [--runs 3] [--words 300]

The real app (`create_app`, CSRF on) on a real SQLite store in a temporary folder; the index
follower is off, so that no indexing thread runs during the measurements. A member signs in
through the form and edits their organisation's drafts of about 300 words (bench/corpus.py).
One save is what the browser does: `POST /exempel/{slug}/redigera` (validation, the three-way
merge, the revision sealed under a key of its own, the store's transaction, the wait for the
read model, then the check over the saved example for the flash message), and then
`GET /exempel/{slug}`, the page the save redirects to, which checks the draft again and marks
what it finds. "Without" sends the same requests with the page module's `check_example`
replaced by one that finds nothing (a draft's save runs no other check).

Saves come in pairs, one with and one without, the order changing every pair, and both saves
of a pair write the same new body (to two different drafts). A share of the bodies
(--with-details, 10% by default) get a sentence from bench/identification_bench.py with an
invented name, phone number, address, e-mail address or personnummer, so that findings are
flashed and marked. Prints p50/p95 of each run and their ratio, then min/median/max over runs.
"""

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.corpus import generate  # noqa: E402
from bench.identification_bench import DETAILS  # noqa: E402
from events.permissions import Actor  # noqa: E402
from wiki import create_app  # noqa: E402
from wiki.pages import examples as example_pages  # noqa: E402

PASSWORD = "bench-losen-2026"
WARM_UP_PAIRS = 10
FLASHED = "Kontrollen hittade uppgifter"
REAL_CHECK = example_pages.check_example


def finds_nothing(content, comment=""):
    return []


def percentile(samples, p):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def csrf_token(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def form(token: str, organisation: str, doc: dict, body: str, version: int, comment: str) -> dict:
    period = doc["period"] or {}
    return {
        "csrf_token": token, "action": "save", "title": doc["title"], "summary": doc["summary"], "body": body,
        "owner": organisation, "municipalities": doc["municipalities"], "violence_forms": doc["violence_forms"],
        "goals": doc["goals"], "measure_types": doc["measure_types"], "target_groups": ", ".join(doc["target_groups"]),
        "tags": ", ".join(doc["tags"]), "evaluation": doc["evaluation"] or "",
        "start_year": str(period.get("start_year") or ""), "end_year": str(period.get("end_year") or ""),
        "contact": doc["contact"], "comment": comment, "base_version": str(version),
    }


class Editor:
    """A signed-in member saving drafts through the form, timing the POST and the page after it."""

    def __init__(self, app, organisation: str, drafts: list[tuple[str, dict]]):
        self.client = app.test_client()
        token = csrf_token(self.client, "/logga-in")
        signed_in = self.client.post("/logga-in", data={"username": "maja", "password": PASSWORD, "csrf_token": token})
        assert signed_in.status_code == 302, signed_in.status_code
        self.token = csrf_token(self.client, f"/exempel/{drafts[0][0]}/redigera")
        self.organisation = organisation
        self.drafts = drafts
        self.versions = {slug: 1 for slug, _ in drafts}
        self.saves = 0
        self.flashed = {True: 0, False: 0}

    def save(self, body: str, with_check: bool) -> tuple[float, float]:
        slug, doc = self.drafts[self.saves % len(self.drafts)]
        self.saves += 1
        data = form(self.token, self.organisation, doc, body, self.versions[slug], f"Ändring {self.saves}")
        example_pages.check_example = REAL_CHECK if with_check else finds_nothing
        try:
            started = time.perf_counter()
            posted = self.client.post(f"/exempel/{slug}/redigera", data=data)
            saved = time.perf_counter()
            page = self.client.get(posted.location)
            shown = time.perf_counter()
        finally:
            example_pages.check_example = REAL_CHECK
        assert posted.status_code == 302 and page.status_code == 200, (posted.status_code, page.status_code)
        self.flashed[with_check] += FLASHED in page.get_data(as_text=True)
        self.versions[slug] += 1
        return (saved - started) * 1000, (shown - started) * 1000


def bodies(count: int, words: int, share: float, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for doc in generate(count, seed=seed, words=words):
        body = doc["body"]
        if rng.random() < share:
            body += "\n" + rng.choice(DETAILS) + "\n"
        out.append(body)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--drafts", type=int, default=20)
    parser.add_argument("--saves", type=int, default=400, help="saves per run, half with and half without")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--words", type=int, default=300)
    parser.add_argument("--with-details", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    pairs = args.saves // 2

    with tempfile.TemporaryDirectory() as data_dir:
        app = create_app({"DATA_DIR": data_dir, "INDEX_FOLLOWER": "none"})
        services = app.extensions["lansgrupp"]
        admin = Actor("bench", "admin", None)
        organisation, _ = services.wiki.register_organisation(
            admin, {"name": "Falu kommun", "kind": "kommun", "municipality": "Falun", "joined_on": "2010-01-01"})
        services.wiki.create_account("maja", "member", organisation, PASSWORD)
        member = Actor("maja", "member", organisation)
        docs = generate(args.drafts, seed=args.seed + 1, words=args.words)
        drafts = []
        for doc in docs:
            written = services.wiki.create_example(member, {**doc, "organisations": [organisation]})
            drafts.append((written.slug, doc))
        services.pages.catch_up()
        editor = Editor(app, organisation, drafts)
        new_bodies = bodies(WARM_UP_PAIRS + args.runs * pairs, args.words, args.with_details, args.seed)
        words = statistics.mean(len(body.split()) for body in new_bodies)
        print(f"{args.runs} runs of {pairs} pairs of saves (with, without the check; order alternating), "
              f"{args.drafts} drafts, bodies of {words:.0f} words on average, SQLite")

        for body in new_bodies[:WARM_UP_PAIRS]:
            editor.save(body, True)
            editor.save(body, False)
        results = []
        for run in range(args.runs):
            times = {True: ([], []), False: ([], [])}
            for n, body in enumerate(new_bodies[WARM_UP_PAIRS + run * pairs:WARM_UP_PAIRS + (run + 1) * pairs]):
                for with_check in ((True, False) if n % 2 == 0 else (False, True)):
                    post, total = editor.save(body, with_check)
                    times[with_check][0].append(post)
                    times[with_check][1].append(total)
            result = {}
            for label, index in (("POST", 0), ("POST + page", 1)):
                with_, without = times[True][index], times[False][index]
                result[label] = (statistics.median(with_), percentile(with_, .95),
                                 statistics.median(without), percentile(without, .95))
            results.append(result)
            print(f"run {run + 1}:")
            for label, (p50, p95, p50_without, p95_without) in result.items():
                print(f"  {label:12s} with p50 {p50:6.2f} p95 {p95:6.2f} ms | without p50 {p50_without:6.2f} "
                      f"p95 {p95_without:6.2f} ms | ratio p50 {p50 / p50_without:.3f}, p95 {p95 / p95_without:.3f}")
        print(f"pages that showed findings after the save: with the check {editor.flashed[True]}, "
              f"without {editor.flashed[False]}")
        services.close()

    print("over the runs (min / median / max):")
    for label in results[0]:
        rows = [r[label] for r in results]
        for name, pick in (("p50 with", lambda r: r[0]), ("p50 without", lambda r: r[2]),
                           ("p95 with", lambda r: r[1]), ("p95 without", lambda r: r[3]),
                           ("ratio p50", lambda r: r[0] / r[2]), ("ratio p95", lambda r: r[1] / r[3])):
            values = [pick(r) for r in rows]
            unit = "" if name.startswith("ratio") else " ms"
            print(f"  {label:12s} {name:12s} {min(values):.3f} / {statistics.median(values):.3f} / "
                  f"{max(values):.3f}{unit}")


if __name__ == "__main__":
    main()
