"""Attachments benchmark (issue 15): uploads through a real server, text extraction, and search
over examples whose attachments' text is indexed.

    .venv/bin/python bench/attachments_bench.py
    .venv/bin/python bench/attachments_bench.py --examples 1000 --with-attachments 200 \\
        --uploads 2 --pdf-mb 0.1 1 --skip-concurrency      # a quick check

It prints:
1. upload: gunicorn (1 sync worker, SQLite data folder in a temporary directory, no index
   follower) gets `--uploads` distinct ~20 MB text PDFs (`--upload-mb`) as multipart, streamed
   from disk with http.client, into a draft example; the median wall time and MB/s, and the
   worker's VmRSS / VmHWM before the first upload and after the last; then one more upload to a
   published example, whose file is read and checked in the request. Then, against 2 sync
   workers, rounds of 20 concurrent `GET /api/v1/examples` with and without an upload running
   (p50 / p95 of each request); the client sending those uploads is held to
   `--client-mb-per-s` (a real link is slower than the loopback), so they overlap many rounds;
   before each such upload, 10 rounds without one.
2. extraction: PDFs of real text pages (varied corpus text, Helvetica) of `--pdf-mb` MB, read
   by `events.file_text.Extractor` (worker process) and by `extract` in this process; the median
   of 3 each, ms per MB and per page read, the characters extracted.
3. search: two indexes over the same `--examples` corpus examples, written like `index rebuild`
   writes them: A without attachments, B where `--with-attachments` examples have a 20-page PDF
   whose text (~8,000 words of other corpus text) is indexed; the build time (median of
   `--builds`, A and B alternating) and size of each, and the one- and two-word queries of
   `bench/search_bench.py` plus 50 words of the attachments that the examples' own texts have
   least often (a hit found only in a file gets its snippet from the file's text; anonymous,
   with snippets; B with
   `Searcher(index, attachment_text=...)` reading the texts from memory), run interleaved A, B, A, B (each query the median of
   `--passes` passes of 3 runs, who goes first alternating); p50 / p95 over the queries and B / A.
   Before it, what one hit found in a file adds in the wiki itself (`Wiki.attachment_plain_text`:
   the stored text read from the blob store, then the snippet over it), for a `--upload-mb` PDF.
"""

import argparse
import http.client
import json
import random
import re
import shutil
import statistics
import sys
import tempfile
import textwrap
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.cluster import Node, flask_command  # noqa: E402
from bench.corpus import generate  # noqa: E402
from bench.search_bench import build_whoosh, percentile, queries, states_of, timed, whoosh_search  # noqa: E402
from events.file_text import Extractor, extract  # noqa: E402
from search_index.search import Searcher  # noqa: E402
from wiki.demo_files import pdf_string  # noqa: E402

PASSWORD = "demo-losen-2026"
MB = 1024 * 1024
CONCURRENT = 20
BASELINE_ROUNDS = 10


# ---- PDFs of text pages, written to disk ------------------------------------------------


def page_lines(doc: dict, marker: str) -> list[str]:
    lines = [f"{doc['title']} ({marker})", ""]
    for paragraph in (doc["summary"], *doc["body"].split("\n")):
        lines += textwrap.wrap(paragraph, 95) + [""]
    return lines[:52]


def write_text_pdf(path: Path, docs: list[dict], target: int, marker: str, offset: int = 0) -> int:
    """A PDF of Helvetica text pages (one corpus document per page, from `offset` on, cycling)
    written page by page to `path` until it is about `target` bytes (at most that: a PDF comment
    pads it up); returns the page count."""
    out = open(path, "wb")
    position = 0
    offsets: dict[int, int] = {}

    def put(data: bytes) -> None:
        nonlocal position
        out.write(data)
        position += len(data)

    def put_object(number: int, body: bytes) -> None:
        offsets[number] = position
        put(b"%d 0 obj\n" % number + body + b"\nendobj\n")

    put(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    put_object(3, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    pages = 0
    while True:
        lines = page_lines(docs[(offset + pages) % len(docs)], f"{marker} s. {pages + 1}")
        content = b"BT /F1 11 Tf 13 TL 60 750 Td " + b" T* ".join(pdf_string(x) + b" Tj" for x in lines) + b" ET"
        page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
                b"/Contents %d 0 R >>" % (5 + 2 * pages))
        stream = b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"
        tail = 60 * (pages + 3) + 200  # the page tree, the cross-reference table and the trailer
        if pages and position + len(page) + len(stream) + 40 + tail > target:
            break
        put_object(4 + 2 * pages, page)
        put_object(5 + 2 * pages, stream)
        pages += 1
    kids = b" ".join(b"%d 0 R" % (4 + 2 * n) for n in range(pages))
    tree = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages)
    catalog = b"<< /Type /Catalog /Pages 2 0 R >>"
    count = 4 + 2 * pages
    xref_size = len(b"xref\n0 %d\n" % count) + 20 * count
    end = b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (count, 10 ** 7)
    rest = len(b"2 0 obj\n" + tree + b"\nendobj\n") + len(b"1 0 obj\n" + catalog + b"\nendobj\n") + xref_size + len(end)
    padding = target - position - rest - 2
    if padding > 0:
        put(b"%" + b"x" * (padding - 1) + b"\n")
    put_object(2, tree)
    put_object(1, catalog)
    xref = position
    put(b"xref\n0 %d\n0000000000 65535 f \n" % count)
    put(b"".join(b"%010d 00000 n \n" % offsets[n] for n in range(1, count)))
    put(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (count, xref))
    out.close()
    return pages


# ---- 1. uploads through gunicorn ----------------------------------------------------------


class QuietNode(Node):
    """A node without the index follower, so that nothing else reads the files during the timing."""

    def start_follower(self) -> None:
        self.follower = None


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in bytes."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0]) * 1024
    return found


def upload(node: Node, token: str, slug: str, path: Path, rate: float | None = None) -> tuple[float, int, dict]:
    """POSTs the file as multipart/form-data, streamed from disk, at most `rate` bytes a second
    if given; (seconds, status, answer)."""
    boundary = uuid.uuid4().hex
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{path.name}\"\r\n"
            f"Content-Type: application/pdf\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    size = path.stat().st_size

    def body():
        yield head
        sent, begun = 0, time.perf_counter()
        with open(path, "rb") as handle:
            while chunk := handle.read(256 * 1024):
                yield chunk
                sent += len(chunk)
                if rate:
                    time.sleep(max(0.0, begun + sent / rate - time.perf_counter()))
        yield tail

    connection = http.client.HTTPConnection(*node.address, timeout=300)
    try:
        start = time.perf_counter()
        connection.request("POST", f"/api/v1/examples/{slug}/attachments", body=body(), headers={
            "Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(len(head) + size + len(tail))})
        response = connection.getresponse()
        answer = response.read()
        seconds = time.perf_counter() - start
    finally:
        connection.close()
    return seconds, response.status, json.loads(answer) if answer.startswith(b"{") else {"raw": answer[:300]}


def get_round(node: Node, count: int = CONCURRENT) -> list[float]:
    """`count` concurrent GET /api/v1/examples (one connection each); each one's ms."""
    barrier = threading.Barrier(count)
    times: list[float] = []
    lock = threading.Lock()

    def one():
        connection = http.client.HTTPConnection(*node.address, timeout=120)
        barrier.wait()
        start = time.perf_counter()
        connection.request("GET", "/api/v1/examples")
        response = connection.getresponse()
        response.read()
        elapsed = (time.perf_counter() - start) * 1000
        connection.close()
        assert response.status == 200, response.status
        with lock:
            times.append(elapsed)

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times


def new_example(node: Node, token: str, n: int) -> str:
    status, created = node.request("POST", "/api/v1/examples", {
        "title": f"Mätning av bilagor {n}", "summary": "Ett utkast som får stora bilagor.", "body": "Text."},
        token=token)
    assert status == 201, created
    return created["slug"]


def run_uploads(folder: Path, files: list[Path], uploads: int, concurrency: bool, rate: float,
                published: Path | None, echo) -> dict:
    data_dir = str(folder / "node")
    flask_command(data_dir, "sqlite", "db", "init")
    flask_command(data_dir, "sqlite", "demo", "load")
    result: dict = {}
    with QuietNode(data_dir, "sqlite", workers=1) as node:
        token = node.token("maja.lind", PASSWORD)
        slug = new_example(node, token, 0)
        node.get("/api/v1/examples")
        worker = node.worker_pids()[0]
        result["before"] = proc_status(worker)
        times = []
        for path in files[:uploads]:
            seconds, status, answer = upload(node, token, slug, path)
            assert status == 201 and answer["size"] == path.stat().st_size, (status, answer)
            times.append(seconds)
            echo(f"  upload {path.name}: {seconds:.2f} s")
        assert node.worker_pids() == [worker], "the worker was replaced during the uploads"
        result["after"] = proc_status(worker)
        if published:
            editor = node.token("eva.strand", PASSWORD)
            public = new_example(node, token, 2)
            status, answer = node.request("POST", f"/api/v1/examples/{public}/publish", {}, token=editor)
            assert status == 200, answer
            seconds, status, answer = upload(node, token, public, published)
            result["published"] = (seconds, status, answer.get("code") or answer.get("size"))
            result["after_published"] = proc_status(worker)
            echo(f"  upload {published.name} to a published example: {seconds:.2f} s, HTTP {status}")
        result["times"] = times
        result["size"] = files[0].stat().st_size
    if not concurrency:
        return result
    with QuietNode(data_dir, "sqlite", workers=2) as node:
        token = node.token("maja.lind", PASSWORD)
        slug = new_example(node, token, 1)
        for _ in range(5):
            get_round(node)
        baseline, during, rounds, upload_times = [], [], 0, []
        for path in files[uploads:]:  # a block without an upload, then one with, so both see the same machine
            baseline += [t for _ in range(BASELINE_ROUNDS) for t in get_round(node)]
            done = threading.Event()
            outcome = {}

            def send(path=path, outcome=outcome, done=done):
                outcome["answer"] = upload(node, token, slug, path, rate)
                done.set()

            sender = threading.Thread(target=send)
            sender.start()
            while not done.is_set():
                during += get_round(node)
                rounds += 1
            sender.join()
            seconds, status, answer = outcome["answer"]
            assert status == 201, (status, answer)
            upload_times.append(seconds)
        result["gets"] = {"baseline": baseline, "during": during, "rounds": rounds, "uploads": upload_times}
    return result


# ---- 2. extraction ------------------------------------------------------------------------


def run_extraction(folder: Path, docs: list[dict], sizes: list[float], echo) -> list[dict]:
    rows = []
    with Extractor(timeout=600) as extractor:
        start = time.perf_counter()
        extractor.extract(str(folder / "missing.pdf"), "application/pdf")  # the worker is started before timing
        echo(f"  starting the Extractor's worker process (spawn, imports pypdf): "
             f"{(time.perf_counter() - start) * 1000:.0f} ms, once per server process")
        for n, mb in enumerate(sizes):
            path = folder / f"extract-{mb:g}mb.pdf"
            pages = write_text_pdf(path, docs, int(mb * MB), f"extrahering {n}", offset=97 * n)
            size = path.stat().st_size
            worker, local = [], []
            for _ in range(3):  # interleaved, so both see the same machine
                start = time.perf_counter()
                found = extractor.extract(str(path), "application/pdf")
                worker.append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                here = extract(str(path), "application/pdf")
                local.append((time.perf_counter() - start) * 1000)
            assert found.status == "ok" and found.text == here.text, found.reason
            row = {"mb": size / MB, "pages": pages, "pages_read": min(pages, 300), "chars": len(found.text),
                   "worker_ms": statistics.median(worker), "local_ms": statistics.median(local)}
            rows.append(row)
            echo(f"  {row['mb']:.1f} MB, {pages} pages: worker {row['worker_ms']:.0f} ms, "
                 f"in-process {row['local_ms']:.0f} ms, {row['chars']} chars")
            path.unlink()
    return rows


# ---- 3. search with attachment text ------------------------------------------------------


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def file_text_cost(folder: Path, pdf: Path) -> dict:
    """What a hit found in a file costs in the wiki, where `attachment_text` is
    `Wiki.attachment_plain_text`: the stored extraction's text read from the blob store (decrypted,
    JSON), then the snippet over it; for the PDF at `pdf`, attached in a real app (median of 5)."""
    from events.permissions import Actor
    from search_index.analysis import folded_term
    from search_index.snippets import snippet
    from wiki import create_app

    app = create_app({"DATA_DIR": str(folder / "app")})
    services = app.extensions["lansgrupp"]
    try:
        wiki = services.wiki
        actor = Actor("bench", "coordinator", None)
        wiki.register_organisation(actor, {"name": "Falu kommun", "kind": "kommun", "joined_on": "2010-01-01"})
        slug = wiki.create_example(actor, {"title": "Bilagans kostnad", "body": "Text.",
                                           "organisations": ["falu-kommun"]}).slug
        written = wiki.add_attachment(actor, slug, str(pdf), pdf.name)
        wiki.read_file_text(written.sha256, written.type, wiki.extractor)
        text = wiki.attachment_plain_text(written.sha256)
        word = re.findall(r"[a-zåäö]{8,}", text[-2000:])[-1]
        read = timed(lambda: wiki.attachment_plain_text(written.sha256), 5)
        terms = {folded_term(word)}
        cut = timed(lambda: snippet(text, terms, set()), 5)
        return {"chars": len(text), "read_ms": read, "snippet_ms": cut, "word": word}
    finally:
        services.close()


def rare_words(docs: list[dict], texts: dict[str, str], count: int = 50) -> list[str]:
    """Words of the attachments that the examples' own texts have least often (a query whose hits
    are often found in an attachment, with the snippet read from the file's text)."""
    frequency: dict[str, int] = {}
    for doc in docs:
        for word in set(re.findall(r"[a-zåäö]{5,}", f"{doc['title']} {doc['summary']} {doc['body']}".lower())):
            frequency[word] = frequency.get(word, 0) + 1
    found = set()
    for text in texts.values():
        found |= set(re.findall(r"[a-zåäö]{5,}", text.lower()))
    return sorted(found, key=lambda w: (frequency.get(w, 0), w))[:count]


def run_search(folder: Path, examples: int, with_attachments: int, seed: int, passes: int, builds: int,
               echo) -> dict:
    docs = generate(examples, seed=seed)
    states = states_of(docs)
    one, two = queries(docs, random.Random(seed))
    pool = generate(max(200, with_attachments // 4), seed=seed + 1, words=400)
    rng = random.Random(seed + 2)
    texts: dict[str, str] = {}
    states_b = {key: dict(state) for key, state in states.items()}
    step = max(1, examples // with_attachments)
    chosen = list(states_b)[::step][:with_attachments]
    for n, key in enumerate(chosen):
        pages = rng.sample(pool, 20)
        text = "\n\n".join(f"{p['title']}\n{p['summary']}\n{p['body']}" for p in pages)
        sha = f"{n:064x}"
        texts[sha] = text
        states_b[key]["attachments"] = [{"id": str(uuid.UUID(int=n)), "sha256": sha, "type": "application/pdf",
                                         "name": f"rapport-{n}.pdf"}]
        states_b[key]["attachment_text"] = text
    words = statistics.mean(len(t.split()) for t in texts.values()) if texts else 0
    echo(f"  {len(chosen)} attachments of {words:.0f} words on average")
    builds_a, builds_b, index_a, index_b = [], [], None, None
    for run in range(builds):  # A and B alternate
        if run:
            index_a.close()
            index_b.close()
        index_a, seconds = build_whoosh(folder / f"a{run}", states)
        builds_a.append(seconds)
        index_b, seconds = build_whoosh(folder / f"b{run}", states_b)
        builds_b.append(seconds)
    result = {"examples": examples, "attachments": len(chosen), "words": words,
              "build_a": statistics.median(builds_a), "build_b": statistics.median(builds_b),
              "size_a": folder_size(folder / f"a{run}" / "search"), "size_b": folder_size(folder / f"b{run}" / "search")}
    searcher_a = Searcher(index_a)
    searcher_b = Searcher(index_b, attachment_text=lambda sha: texts[sha])
    for label, batch in (("one word", one), ("two words", two), ("rare word", rare_words(docs, texts))):
        for q in batch[:5]:
            whoosh_search(searcher_a, q), whoosh_search(searcher_b, q)
        runs_a: list[list[float]] = [[] for _ in batch]
        runs_b: list[list[float]] = [[] for _ in batch]
        for run in range(passes):  # A and B alternate per query, the one going first alternates per pass
            for n, q in enumerate(batch):
                pair = [(runs_a, searcher_a), (runs_b, searcher_b)]
                for runs, searcher in (pair if run % 2 == 0 else pair[::-1]):
                    runs[n].append(timed(lambda: whoosh_search(searcher, q)))
        a = [statistics.median(r) for r in runs_a]
        b = [statistics.median(r) for r in runs_b]
        answers = [(whoosh_search(searcher_a, q), whoosh_search(searcher_b, q)) for q in batch]
        result[label] = {
            "a_p50": statistics.median(a), "a_p95": percentile(a, 0.95),
            "b_p50": statistics.median(b), "b_p95": percentile(b, 0.95),
            "a_hits": statistics.mean(x["total"] for x, _ in answers),
            "b_hits": statistics.mean(y["total"] for _, y in answers),
            "from_attachment": sum(1 for _, y in answers for hit in y["hits"] if "attachment" in hit),
            "shown": sum(len(y["hits"]) for _, y in answers),
        }
    index_a.close()
    index_b.close()
    return result


# ---- the run ------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=10000)
    parser.add_argument("--with-attachments", type=int, default=2000)
    parser.add_argument("--uploads", type=int, default=5)
    parser.add_argument("--upload-mb", type=float, default=20.0, help="the upload limit is 20 MiB")
    parser.add_argument("--concurrent-uploads", type=int, default=3,
                        help="uploads during which the concurrent GETs run")
    parser.add_argument("--client-mb-per-s", type=float, default=10.0,
                        help="the upload rate during the concurrent GETs (a client on a 100 Mbit/s link)")
    parser.add_argument("--pdf-mb", type=float, nargs="+", default=[0.1, 1, 5, 20])
    parser.add_argument("--skip-concurrency", action="store_true")
    parser.add_argument("--only", choices=["upload", "extract", "search"], nargs="+",
                        default=["upload", "extract", "search"])
    parser.add_argument("--builds", type=int, default=3, help="builds of each index (the median is shown)")
    parser.add_argument("--passes", type=int, default=3, help="passes over the queries in the search part")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    echo = lambda *a: print(*a, flush=True)  # noqa: E731
    started = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="attachments-bench-"))
    try:
        page_docs = generate(600, seed=args.seed + 3, words=330)
        if "upload" in args.only:
            count = args.uploads + (0 if args.skip_concurrency else args.concurrent_uploads)
            files = []
            for n in range(count):
                path = folder / f"rapport-{n}.pdf"
                write_text_pdf(path, page_docs, int(args.upload_mb * MB), f"uppladdning {n}", offset=13 * n)
                files.append(path)
            extra = folder / "rapport-publicerad.pdf"
            write_text_pdf(extra, page_docs, int(args.upload_mb * MB), "publicerad", offset=301)
            echo(f"\n== 1. upload of {files[0].stat().st_size / MB:.2f} MB PDFs through gunicorn ==")
            r = run_uploads(folder, files, args.uploads, not args.skip_concurrency,
                            args.client_mb_per_s * MB, extra, echo)
            median = statistics.median(r["times"])
            echo(f"wall: median {median:.2f} s ({r['size'] / MB / median:.1f} MB/s) over {len(r['times'])} uploads, "
                 f"min {min(r['times']):.2f} s, max {max(r['times']):.2f} s")
            b, a = r["before"], r["after"]
            echo(f"worker before: VmRSS {b['VmRSS'] / MB:.1f} MB, VmHWM {b['VmHWM'] / MB:.1f} MB; "
                 f"after: VmRSS {a['VmRSS'] / MB:.1f} MB, VmHWM {a['VmHWM'] / MB:.1f} MB "
                 f"(peak grew {(a['VmHWM'] - b['VmHWM']) / MB:.1f} MB)")
            if "published" in r:
                seconds, status, what = r["published"]
                echo(f"to a published example (its text is read and checked in the request): {seconds:.2f} s, "
                     f"HTTP {status} ({what}); worker VmHWM after it {r['after_published']['VmHWM'] / MB:.1f} MB")
            if "gets" in r:
                g = r["gets"]
                echo(f"{CONCURRENT} concurrent GET /api/v1/examples, 2 workers: without upload "
                     f"p50 {statistics.median(g['baseline']):.1f} ms p95 {percentile(g['baseline'], 0.95):.1f} ms "
                     f"({len(g['baseline'])} requests); during an upload p50 {statistics.median(g['during']):.1f} ms "
                     f"p95 {percentile(g['during'], 0.95):.1f} ms ({len(g['during'])} requests, {g['rounds']} rounds, "
                     f"uploads {', '.join(f'{s:.2f}' for s in g['uploads'])} s), max {max(g['during']):.1f} ms")
        if "extract" in args.only:
            echo("\n== 2. text extraction from PDFs (median of 3) ==")
            for row in run_extraction(folder, page_docs, args.pdf_mb, echo):
                echo(f"{row['mb']:5.1f} MB, {row['pages']:5d} pages ({row['pages_read']} read), {row['chars']:7d} chars: "
                     f"Extractor {row['worker_ms']:7.0f} ms = {row['worker_ms'] / row['mb']:6.0f} ms/MB, "
                     f"{row['worker_ms'] / row['pages_read']:.1f} ms/page read | in-process {row['local_ms']:7.0f} ms "
                     f"= {row['local_ms'] / row['mb']:6.0f} ms/MB | worker overhead "
                     f"{row['worker_ms'] - row['local_ms']:+.0f} ms")
        if "search" in args.only:
            pdf = folder / "treffkostnad.pdf"
            write_text_pdf(pdf, page_docs, int(args.upload_mb * MB), "treff")
            cost = file_text_cost(folder, pdf)
            echo(f"\n== hit found in a file, in the wiki: a {pdf.stat().st_size / MB:.1f} MB PDF's stored text "
                 f"({cost['chars']} chars) read {cost['read_ms']:.1f} ms + snippet for {cost['word']!r} "
                 f"{cost['snippet_ms']:.1f} ms per hit (median of 5) ==")
            echo(f"\n== 3. search, {args.examples} examples, {args.with_attachments} with a 20-page PDF ==")
            r = run_search(folder, args.examples, args.with_attachments, args.seed, args.passes,
                           args.builds, echo)
            echo(f"build: A {r['build_a']:.1f} s, {r['size_a'] / MB:.1f} MB | B {r['build_b']:.1f} s, "
                 f"{r['size_b'] / MB:.1f} MB | B/A time {r['build_b'] / r['build_a']:.2f}, "
                 f"size {r['size_b'] / r['size_a']:.2f}")
            for label in ("one word", "two words", "rare word"):
                q = r[label]
                echo(f"{label:9s}: A p50 {q['a_p50']:.1f} ms p95 {q['a_p95']:.1f} ms | B p50 {q['b_p50']:.1f} ms "
                     f"p95 {q['b_p95']:.1f} ms | B/A p50 {q['b_p50'] / q['a_p50']:.2f} p95 {q['b_p95'] / q['a_p95']:.2f} "
                     f"| mean hits A {q['a_hits']:.0f} B {q['b_hits']:.0f} | hits shown from an attachment "
                     f"{q['from_attachment']} of {q['shown']}")
        echo(f"\ntotal {time.perf_counter() - started:.0f} s")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
