"""Attachments' text and metadata for the search index, read with bounds.

`extract` reads a file of a known (sniffed) type in-process; `Extractor` runs it in a worker
process with a time and memory limit, so a hostile file costs at most one worker.
Zip entries are read in chunks against a budget of decompressed bytes; XML is parsed as a
stream and a document with a DOCTYPE (where entities would be declared) is refused.
"""

import logging
import multiprocessing
import os
import re
import threading
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

MAX_CHARS = 1_000_000
MAX_PAGES = 300
MAX_UNZIPPED = 50 * 1024 * 1024
MAX_RATIO = 200
MAX_META = 1000
CHUNK = 64 * 1024

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMAGES = ("image/png", "image/jpeg")

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_META = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_CP = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
_APP = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
_CORE_FIELDS = {_DC + "creator": "author", _CP + "lastModifiedBy": "last_modified_by"}
_APP_FIELDS = {_APP + "Application": "creator"}
_ODT_FIELDS = {_META + "initial-creator": "author", _DC + "creator": "last_modified_by",
               _META + "generator": "creator"}
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


@dataclass(frozen=True)
class Extracted:
    """`status` "ok" or "unreadable"; `text` at most MAX_CHARS; `meta` non-empty strings
    (author, creator, last_modified_by, producer); `reason` in English, for logs."""

    status: str
    text: str = ""
    meta: dict = field(default_factory=dict)
    reason: str = ""

    def as_dict(self) -> dict:
        return {"status": self.status, "text": self.text, "meta": dict(self.meta), "reason": self.reason}

    @staticmethod
    def from_dict(d) -> "Extracted":
        return Extracted(d["status"], d.get("text", ""), dict(d.get("meta") or {}), d.get("reason", ""))


class _TooLarge(Exception):
    pass


class _Full(Exception):
    """The text reached its limit: stop reading, keep what was read."""


class _Text:
    def __init__(self, limit: int):
        self.limit, self.size, self.parts = limit, 0, []

    def add(self, text: str) -> None:
        text = _UNWANTED.sub("", text)
        room = self.limit - self.size
        self.parts.append(text[:room])
        self.size += min(len(text), room)
        if self.size >= self.limit:
            raise _Full

    def value(self) -> str:
        return "".join(self.parts).strip()


def extract(path: str, mime: str, max_chars: int = MAX_CHARS) -> Extracted:
    """The text and metadata of the file at `path` of type `mime`; never raises."""
    text, meta = _Text(max_chars), {}
    try:
        if mime in IMAGES:
            return Extracted("ok")
        if mime == PDF:
            _pdf(path, text, meta)
        elif mime in (DOCX, ODT, XLSX):
            with zipfile.ZipFile(path) as archive:
                budget = [MAX_UNZIPPED]
                {DOCX: _docx, ODT: _odt, XLSX: _xlsx}[mime](archive, budget, text, meta)
        else:
            return Extracted("unreadable", reason="unsupported type")
    except _Full:
        pass
    except _TooLarge as error:
        return Extracted("unreadable", reason=": ".join(("too large", *error.args)))
    except MemoryError:
        return Extracted("unreadable", reason="too large: out of memory")
    except RecursionError:
        return Extracted("unreadable", reason="broken: nested too deeply")
    except Exception as error:  # noqa: BLE001 (a hostile file may raise anything)
        return Extracted("unreadable", reason=f"broken: {type(error).__name__}: {str(error)[:200]}")
    return Extracted("ok", text.value(), {key: value for key, value in meta.items() if value})


def _clean_meta(value) -> str:
    return _UNWANTED.sub("", value).strip()[:MAX_META] if isinstance(value, str) else ""


def _pdf(path: str, text: _Text, meta: dict) -> None:
    from pypdf import PdfReader

    reader = PdfReader(path, strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        raise ValueError("encrypted")
    info = reader.metadata
    if info is not None:
        for key, value in (("author", info.author), ("creator", info.creator), ("producer", info.producer)):
            meta[key] = _clean_meta(value)
    for number, page in enumerate(reader.pages):
        if number >= MAX_PAGES:
            break
        text.add(page.extract_text() or "")
        text.add("\n")


def _chunks(archive: zipfile.ZipFile, name: str, budget: list):
    """The decompressed bytes of entry `name`, in chunks, counted against `budget`."""
    entry = archive.getinfo(name)
    if entry.file_size > max(1024 * 1024, MAX_RATIO * entry.compress_size):
        raise _TooLarge("compression ratio")
    if entry.file_size > budget[0]:
        raise _TooLarge
    with archive.open(entry) as stream:
        while data := stream.read(CHUNK):
            budget[0] -= len(data)
            if budget[0] < 0:
                raise _TooLarge
            yield data


def _parse(chunks, handle) -> None:
    """Feeds the chunks to a streaming parser and `handle(event, element)` each start and end."""
    parser = ElementTree.XMLPullParser(("start", "end"))
    started, tail = False, b""
    for data in chunks:
        if not started and (b"<!DOCTYPE" in tail + data or b"<!ENTITY" in tail + data):
            raise ValueError("XML with a DOCTYPE")
        tail = data[-16:]
        parser.feed(data)
        for event, element in parser.read_events():
            started = True
            handle(event, element)
    parser.close()
    for event, element in parser.read_events():
        handle(event, element)


def _blocks(chunks, blocks: set, render, text: _Text, discard: frozenset = frozenset()) -> None:
    """Adds each outermost block element's rendered text as a line, dropping it from the tree
    (and elements in `discard`) as soon as it ends, so memory stays small."""
    stack, depth = [], 0

    def handle(event, element):
        nonlocal depth
        if event == "start":
            stack.append(element)
            depth += element.tag in blocks
            return
        stack.pop()
        if element.tag in blocks:
            depth -= 1
            if depth == 0:
                text.add(render(element))
                text.add("\n")
        if depth == 0 and (element.tag in blocks or element.tag in discard):
            element.clear()
            if stack:
                stack[-1].remove(element)

    _parse(chunks, handle)


def _meta(archive: zipfile.ZipFile, name: str, fields: dict, budget: list, meta: dict) -> None:
    if name not in archive.NameToInfo:
        return

    def handle(event, element):
        if event == "end" and element.tag in fields and not meta.get(fields[element.tag]):
            meta[fields[element.tag]] = _clean_meta(element.text)

    _parse(_chunks(archive, name, budget), handle)


def _word_paragraph(paragraph) -> str:
    parts = []
    for run in paragraph.iter(_W + "r"):
        for child in run:
            if child.tag in (_W + "t", _W + "delText"):
                parts.append(child.text or "")
            elif child.tag == _W + "tab":
                parts.append("\t")
            elif child.tag in (_W + "br", _W + "cr"):
                parts.append("\n")
    return "".join(parts)


def _docx(archive, budget, text, meta) -> None:
    _meta(archive, "docProps/core.xml", _CORE_FIELDS, budget, meta)
    _meta(archive, "docProps/app.xml", _APP_FIELDS, budget, meta)
    names = archive.namelist()
    parts = ["word/document.xml"] + sorted(
        name for name in names if re.fullmatch(r"word/(header|footer)\d*\.xml", name))
    for name in parts:
        if name in archive.NameToInfo:
            _blocks(_chunks(archive, name, budget), {_W + "p"}, _word_paragraph, text)


def _odt_paragraph(paragraph) -> str:
    parts = []

    def walk(element):
        if element.text:
            parts.append(element.text)
        for child in element:
            if child.tag == _TEXT + "s":
                parts.append(" ")
            elif child.tag == _TEXT + "tab":
                parts.append("\t")
            elif child.tag == _TEXT + "line-break":
                parts.append("\n")
            else:
                walk(child)
                if child.tag in (_TEXT + "p", _TEXT + "h"):
                    parts.append("\n")
            if child.tail:
                parts.append(child.tail)

    walk(paragraph)
    return "".join(parts)


def _odt(archive, budget, text, meta) -> None:
    _meta(archive, "meta.xml", _ODT_FIELDS, budget, meta)
    _blocks(_chunks(archive, "content.xml", budget), {_TEXT + "p", _TEXT + "h"}, _odt_paragraph, text)


def _cell_text(element) -> str:
    return "".join(t.text or "" for t in element.iter(_S + "t"))


def _xlsx(archive, budget, text, meta) -> None:
    _meta(archive, "docProps/core.xml", _CORE_FIELDS, budget, meta)
    _meta(archive, "docProps/app.xml", _APP_FIELDS, budget, meta)
    if "xl/sharedStrings.xml" in archive.NameToInfo:
        _blocks(_chunks(archive, "xl/sharedStrings.xml", budget), {_S + "si"}, _cell_text, text)
    sheets = [name for name in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name)]
    for name in sorted(sheets, key=lambda name: int(re.sub(r"\D", "", name))):
        _blocks(_chunks(archive, name, budget), {_S + "is"}, _cell_text, text, frozenset({_S + "row"}))


def _serve(connection, memory: int) -> None:
    """The worker: limits its own address space, then answers (path, mime) requests until None."""
    try:
        import resource

        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = memory if hard == resource.RLIM_INFINITY else min(memory, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):
        pass
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    import pypdf  # noqa: F401  (imported before the first file's clock starts)

    while True:
        try:
            request = connection.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        path, mime = request
        connection.send(extract(path, mime).as_dict())


class Extractor:
    """`extract` in a long-lived worker process (spawned, so safe in a threaded server) with a
    time limit per file and an address-space limit; a file that times out or kills the worker
    gives "unreadable" and the next file gets a fresh worker. Thread-safe; never raises for a
    bad file."""

    def __init__(self, timeout: float = 20.0, memory: int = 1 << 30):
        self.timeout = timeout
        self.memory = memory
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._process = None
        self._connection = None

    def extract(self, path: str, mime: str) -> Extracted:
        with self._lock:
            if self._process is None or not self._process.is_alive():
                self._stop()
                self._start()
            try:
                self._connection.send((os.fspath(path), mime))
                if not self._connection.poll(self.timeout):
                    self._stop()
                    return Extracted("unreadable", reason="timeout")
                return Extracted.from_dict(self._connection.recv())
            except (EOFError, OSError):
                self._stop()
                return Extracted("unreadable", reason="worker died")

    def close(self) -> None:
        with self._lock:
            if self._process is not None and self._process.is_alive():
                try:
                    self._connection.send(None)
                except OSError:
                    pass
                self._process.join(2)
            self._stop()

    def __enter__(self) -> "Extractor":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _start(self) -> None:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(child, self.memory), name="file-text", daemon=True)
        process.start()
        child.close()
        self._process, self._connection = process, parent

    def _stop(self) -> None:
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join(5)
            self._process.close()
        if self._connection is not None:
            self._connection.close()
        self._process = self._connection = None
