"""Identification check benchmark: `check_example` over generated learning examples.

    .venv/bin/python bench/identification_bench.py [--examples 10000] [--words 300] [--runs 5]

The examples come from bench/corpus.py (realistic Swedish text, no person named); a share of
them (--with-details, 10% by default) get a sentence with an invented name, phone number,
address, e-mail address and personnummer, so that the finding and masking paths run too.
Prints examples per second for each run (min, median and max), then times each example on its
own, the fastest of three tries, so that a busy machine's pauses do not count (p50, p99, max),
and last a few dense texts, each the fastest of seven tries.
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.corpus import generate  # noqa: E402
from events.identification import check_example  # noqa: E402

DETAILS = [
    "Kontakta Anna Lindqvist på 070-123 45 67 om du har frågor.",
    "Hon bodde på Åsgatan 38, 791 72 Falun, innan hon flyttade.",
    "Skicka underlaget till maria.berg@example.se senast i maj.",
    "I anmälan stod personnumret 850317-3844 och bilen ABC 123.",
    "Vi träffade fru Ekholm och Per Andersson på mötet.",
]


# Texts of about 300 words that are full of what the check looks at: its worst cases.
DENSE = {
    "75 phone numbers": " ".join(["Ring 070-123 45 67 eller"] * 75),
    "40 table rows with two phone numbers": "\n".join(["| 2019 | 070-123 45 67 | 1 250 000 | 023-123 45 |"] * 40),
    "200 personnummer": " ".join(["850317-3844 och 19850317-3844"] * 100),
    "120 names": " ".join(["Anna Lindqvist och Per Andersson träffade Maria Berg"] * 40),
    "120 addresses": " ".join(["Storgatan 5 och Vasavägen 12A, 791 72 Falun"] * 40),
    "sums, periods and opening hours": " ".join(["1 250 000 kr och 2019-2020 samt 08.30-12.00"] * 40),
}


def with_details(examples: list[dict], share: float, seed: int) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for example in examples:
        if rng.random() < share:
            example = dict(example, body=example["body"] + "\n" + rng.choice(DETAILS) + "\n")
        out.append(example)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=10_000)
    parser.add_argument("--words", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--with-details", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    examples = with_details(generate(args.examples, seed=args.seed, words=args.words), args.with_details, args.seed)
    words = statistics.mean(len(e["body"].split()) + len(e["summary"].split()) + len(e["title"].split())
                            for e in examples)
    print(f"{len(examples)} examples, {words:.0f} words each on average (title, summary, body)")

    rates, findings = [], 0
    for run in range(args.runs):
        start = time.perf_counter()
        findings = sum(len(check_example(example)) for example in examples)
        elapsed = time.perf_counter() - start
        rates.append(len(examples) / elapsed)
        print(f"run {run + 1}: {rates[-1]:,.0f} examples/s ({elapsed * 1000 / len(examples):.3f} ms per example)")
    print(f"findings per run: {findings}")
    print(f"examples/s: min {min(rates):,.0f}, median {statistics.median(rates):,.0f}, max {max(rates):,.0f}")
    print(f"ms per example at the median: {1000 / statistics.median(rates):.3f}")

    samples = []
    for example in examples:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            check_example(example)
            times.append((time.perf_counter() - start) * 1000)
        samples.append(min(times))
    samples.sort()
    p99 = samples[min(len(samples) - 1, int(0.99 * len(samples)))]
    print(f"one example at a time (fastest of 3 tries each): p50 {statistics.median(samples):.3f} ms, "
          f"p99 {p99:.3f} ms, "
          f"max {samples[-1]:.3f} ms")

    for label, body in DENSE.items():
        times = []
        for _ in range(7):
            start = time.perf_counter()
            found = len(check_example({"body": body}))
            times.append((time.perf_counter() - start) * 1000)
        print(f"dense, {label} ({len(body.split())} words, {found} findings): {min(times):.2f} ms")


if __name__ == "__main__":
    main()
