"""Attachments' text and metadata: read with bounds, in a worker with a time and memory limit."""

import os
import resource
import time
import zipfile

import pytest

import file_samples as samples
from events import file_text
from events.file_text import Extracted, Extractor, extract
from events.file_types import TYPES, sniff

pytestmark = pytest.mark.store_independent

WORDS = "Våldsutsatta kvinnor fick stöd (och skydd) på kommunens kvinnojour"


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


@pytest.fixture(scope="module")
def extractor():
    with Extractor(timeout=20) as worker:
        yield worker


@pytest.mark.parametrize("kind, data", [
    ("pdf", samples.pdf_with_text(WORDS, pages=2)),
    ("docx", samples.docx_with_text(WORDS + "\nAndra stycket")),
    ("odt", samples.odt_with_text(WORDS + "\nAndra stycket")),
    ("xlsx", samples.xlsx_with_text(WORDS)),
])
def test_words_are_found_in_each_document_type(tmp_path, kind, data):
    result = extract(write(tmp_path, "fil", data), TYPES[kind])
    assert result.status == "ok", result.reason
    assert WORDS in result.text
    if kind == "pdf":
        assert result.text.count(WORDS) == 2
    if kind in ("docx", "odt"):
        assert result.text.splitlines() == [WORDS, "Andra stycket"]


def test_author_is_found_in_pdf_docx_and_odt_metadata(tmp_path):
    pdf = extract(write(tmp_path, "a.pdf", samples.pdf_with_text("ord", author="Anna Åberg")), TYPES["pdf"])
    assert pdf.meta == {"author": "Anna Åberg", "producer": "file_samples"}
    docx = extract(write(tmp_path, "a.docx", samples.docx_with_text("ord", author="Bo Ek")), TYPES["docx"])
    assert docx.meta == {"author": "Bo Ek", "last_modified_by": "Bo Ek"}
    odt = extract(write(tmp_path, "a.odt", samples.odt_with_text("ord", author="Cia Ström")), TYPES["odt"])
    assert odt.meta == {"author": "Cia Ström", "creator": "file_samples"}
    assert extract(write(tmp_path, "b.docx", samples.docx_with_text("ord")), TYPES["docx"]).meta == {}


def test_images_are_ok_without_text(tmp_path):
    assert extract(write(tmp_path, "a.png", samples.png_bytes("kommentar")), "image/png") == Extracted("ok")


def test_text_is_cut_at_max_chars(tmp_path):
    result = extract(write(tmp_path, "a.docx", samples.docx_with_text("ord " * 1000)), TYPES["docx"], max_chars=50)
    assert result.status == "ok" and len(result.text) <= 50 and result.text.startswith("ord ord")


def test_extracted_survives_a_round_trip_as_dict():
    value = Extracted("ok", "text", {"author": "A"})
    assert Extracted.from_dict(value.as_dict()) == value


def _docx_with_document(document: bytes) -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


@pytest.mark.parametrize("document", [
    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><d>&b;</d>',
    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]><d>&e;</d>',
    b"<w:document><w:body><w:p>",
    b"inte xml",
], ids=["entity-expansion", "external-entity", "unclosed", "not-xml"])
def test_hostile_or_broken_xml_is_unreadable(tmp_path, document):
    result = extract(write(tmp_path, "a.docx", _docx_with_document(document)), TYPES["docx"])
    assert result.status == "unreadable" and result.reason.startswith("broken: ")
    assert "root:" not in result.text


def test_a_broken_file_is_unreadable_not_an_exception(tmp_path):
    assert extract(write(tmp_path, "a.pdf", b"%PDF-1.4\nskrap"), TYPES["pdf"]).status == "unreadable"
    assert extract(write(tmp_path, "a.xlsx", b"PK\x03\x04skrap"), TYPES["xlsx"]).status == "unreadable"
    assert extract(write(tmp_path, "a.bin", b"x"), "text/html").status == "unreadable"


def test_zip_bomb_is_refused_by_its_compression_ratio_in_the_worker(tmp_path, extractor):
    path = write(tmp_path, "bomb.docx", samples.zip_bomb_docx())
    assert os.path.getsize(path) < 5_000_000
    assert sniff(path) == TYPES["docx"]
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("word/document.xml").file_size > 3_000_000_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    result = extractor.extract(path, TYPES["docx"])
    assert time.monotonic() - started < 5
    assert result.status == "unreadable" and result.reason.startswith("too large")
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000


def test_zip_bomb_below_the_ratio_is_refused_by_the_decompressed_budget(tmp_path, monkeypatch):
    monkeypatch.setattr(file_text, "MAX_RATIO", 10**6)
    monkeypatch.setattr(file_text, "MAX_UNZIPPED", 4 * 1024 * 1024)
    result = extract(write(tmp_path, "bomb.docx", samples.zip_bomb_docx()), TYPES["docx"])
    assert result == Extracted("unreadable", reason="too large")


def test_zip_bomb_with_a_false_small_size_stops_at_that_size(tmp_path):
    started = time.monotonic()
    path = write(tmp_path, "bomb.docx", samples.zip_bomb_docx(declared_size=3 * 1024 * 1024))
    result = extract(path, TYPES["docx"])
    assert result.status == "unreadable" and "CRC" in result.reason
    assert time.monotonic() - started < 2


def test_looping_pdf_is_unreadable_within_the_time_limit(tmp_path, extractor):
    started = time.monotonic()
    result = extractor.extract(write(tmp_path, "loop.pdf", samples.looping_pdf()), TYPES["pdf"])
    assert result.status == "unreadable"
    assert time.monotonic() - started < extractor.timeout


def test_the_worker_reads_documents(tmp_path, extractor):
    result = extractor.extract(write(tmp_path, "a.pdf", samples.pdf_with_text(WORDS, author="Anna")), TYPES["pdf"])
    assert result.status == "ok" and WORDS in result.text and result.meta["author"] == "Anna"


def test_the_worker_has_the_memory_limit(extractor, tmp_path):
    extractor.extract(write(tmp_path, "a.png", samples.png_bytes()), "image/png")
    with open(f"/proc/{extractor._process.pid}/limits") as limits:
        line = next(line for line in limits if line.startswith("Max address space"))
    assert line.split()[3] == str(1 << 30)


def test_a_timeout_kills_the_worker_and_the_next_file_gets_a_fresh_one(tmp_path):
    large = write(tmp_path, "stor.pdf", samples.pdf_with_text(WORDS, pages=300))
    small = write(tmp_path, "liten.pdf", samples.pdf_with_text("nästa fil"))
    with Extractor(timeout=20) as worker:
        assert worker.extract(small, TYPES["pdf"]).text == "nästa fil"
        first = worker._process.pid
        worker.timeout = 0.001
        assert worker.extract(large, TYPES["pdf"]) == Extracted("unreadable", reason="timeout")
        worker.timeout = 20
        assert worker.extract(small, TYPES["pdf"]).text == "nästa fil"
        assert worker._process.pid != first
        with pytest.raises(ProcessLookupError):
            os.kill(first, 0)


def test_a_dead_worker_is_replaced(tmp_path):
    small = write(tmp_path, "liten.pdf", samples.pdf_with_text("ord"))
    worker = Extractor()
    try:
        assert worker.extract(small, TYPES["pdf"]).status == "ok"
        os.kill(worker._process.pid, 9)
        worker._process.join(5)
        assert worker.extract(small, TYPES["pdf"]).text == "ord"
    finally:
        worker.close()
    assert worker._process is None
