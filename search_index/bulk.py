"""The index's writer: faster than Whoosh's own for adding many documents, for the follower's
commits as for rebuilds.

Whoosh's `SegmentWriter` sends every posting through a generic pool that sorts tuples and,
when writing, looks up each document's field length on disk once per posting. Here title,
summary, body and attachment text are analysed once for both `text` and `exact` and inverted
with numpy at the segment's end (`inverter.TextInverter`); the other fields' postings are
gathered in dictionaries per term; the lengths are kept in memory; and every field's posting
lists are written from arrays in Whoosh's W3 format (`posting_blocks.write_terms`, blocks left
uncompressed, which the format records per block), so the files are ones Whoosh reads.
Documents are added, deleted by number (`delete_document`) and merged from other segments
(`add_reader`, as a merge policy or an optimize does); `update_document` and deleting by term
are not supported.
"""

import struct
import zlib
from functools import cached_property
from pathlib import Path

import numpy as np
from whoosh.analysis import IDTokenizer
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import ID, KEYWORD
from whoosh.system import pack_uint
from whoosh.writing import SegmentWriter

from . import segments
from .analysis import WORD, TextAnalyzer, word_terms
from .inverter import TextInverter
from .posting_blocks import FieldPostings, write_terms

EMPTY = b""
_COUNTS = {count: pack_uint(count) for count in range(1, 64)}  # a keyword's `Frequency` values
WRITE_POSTINGS = 1 << 18  # postings written at a time (a merge of large segments comes as one set)


class BulkSegmentWriter(SegmentWriter):
    def __init__(self, ix, **options):
        options.setdefault("codec", W3Codec(compression=0))
        super().__init__(ix, **options)
        stored = self.perdocwriter._colwriters.get("_stored")
        if stored is not None and hasattr(getattr(stored, "_child", None), "_compress"):
            stored._child._compress = stored_deflate  # kept as they are (zlib was a sixth of a build's CPU)
        self._terms: dict[str, dict[bytes, tuple[list, list, list]]] = {}
        self._merged: dict[str, dict[bytes, tuple[list, list, list]]] = {}
        self._lengths: dict[str, dict[int, int]] = {}
        self._inverter = TextInverter()

    def add_document(self, **fields):
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)

        perdocwriter.start_doc(docnum)
        if ("text" in fields) != ("exact" in fields):
            raise ValueError("BulkSegmentWriter indexes the fields text and exact together")
        analysed = self._analyse_text(fields, docnum) if "text" in fields else {}
        for fieldname in fieldnames:
            value = fields.get(fieldname)
            if value is None:
                continue
            field = schema[fieldname]
            length = 0
            if fieldname in analysed:
                length = analysed[fieldname]
            elif fieldname in self._plain_fields:
                self._add_plain(fieldname, field, value, docnum)
            elif field.indexed:
                terms = self._terms.setdefault(fieldname, {})
                scorable = field.scorable
                for tbytes, freq, weight, vbytes in field.index(value):
                    entry = terms.get(tbytes)
                    if entry is None:
                        entry = terms[tbytes] = ([], [], [])
                    entry[0].append(docnum)
                    entry[1].append(weight)
                    entry[2].append(vbytes)
                    if scorable:
                        length += freq
                if scorable:
                    self._lengths.setdefault(fieldname, {})[docnum] = length
            perdocwriter.add_field(fieldname, field, value if field.stored else None, length)
            column = field.column_type
            if column:
                perdocwriter.add_column_value(fieldname, column, field.to_column_value(value))
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    @cached_property
    def _plain_fields(self) -> dict[str, str]:
        """Fields indexed without analysis: whole values (ID) or comma-separated ones (KEYWORD),
        unscored, so their postings can be made directly."""
        plain = {}
        for name, field in self.schema.items():
            if field.scorable or not field.indexed:
                continue
            if isinstance(field, ID) and isinstance(field.analyzer, IDTokenizer):
                plain[name] = "whole"
            elif isinstance(field, KEYWORD) and repr(field.analyzer) == repr(KEYWORD(commas=True, lowercase=False).analyzer):
                plain[name] = "commas"
        return plain

    def _add_plain(self, fieldname: str, field, value: str, docnum: int) -> None:
        boost = field.format.field_boost
        terms = self._terms.setdefault(fieldname, {})
        whole = self._plain_fields[fieldname] == "whole"
        if whole:
            counts = {value: 1}
        else:
            counts = {}
            for item in value.split(","):
                item = item.strip()
                if item:
                    counts[item] = counts.get(item, 0) + 1
        for term, count in counts.items():
            entry = terms.get(term)
            if entry is None:
                entry = terms[term] = ([], [], [])
            entry[0].append(docnum)
            entry[1].append(count * boost)
            entry[2].append(EMPTY if whole else _COUNTS.get(count) or pack_uint(count))

    def _analyse_text(self, fields: dict, docnum: int) -> dict[str, int]:
        """The `text` and `exact` fields, their postings made at the segment's end
        (`TextInverter`); returns their lengths."""
        text_length, exact_length = self._inverter.add(docnum, fields["text"])
        self._lengths.setdefault("text", {})[docnum] = text_length
        self._lengths.setdefault("exact", {})[docnum] = exact_length
        lengths = {"text": text_length, "exact": exact_length}
        if "title" in fields and isinstance(self.schema["title"].analyzer, TextAnalyzer):
            lengths["title"] = self._analyse_title(fields["title"], docnum)
        return lengths

    def _analyse_title(self, title: str, docnum: int) -> int:
        """The `title` field as `TextAnalyzer` and its `Frequency` format would index it."""
        counts: dict[str, int] = {}
        for word in WORD.findall(title):
            term = word_terms(word.lower())[0]
            if term:
                counts[term] = counts.get(term, 0) + 1
        boost = self.schema["title"].format.field_boost
        terms = self._terms.setdefault("title", {})
        for term, count in counts.items():
            entry = terms.get(term)
            if entry is None:
                terms[term] = ([docnum], [count * boost], [pack_uint(count)])
            else:
                entry[0].append(docnum)
                entry[1].append(count * boost)
                entry[2].append(pack_uint(count))
        length = sum(counts.values())
        self._lengths.setdefault("title", {})[docnum] = length
        return length

    def update_document(self, **fields):
        raise NotImplementedError("BulkSegmentWriter deletes documents by number, then adds them")

    def delete_by_term(self, fieldname, text, searcher=None):
        raise NotImplementedError("BulkSegmentWriter deletes documents by number, then adds them")

    def add_reader(self, reader):
        """Merges a segment's live documents into the new segment, after the documents added
        (a commit merges after every `add_document`), with their lengths kept in memory."""
        self._check_state()
        basedoc = self.docnum
        names = set(self.schema.names()) | {name for name in reader.indexed_field_names() if name in self.schema}
        docmap = self.write_per_doc(names, reader)
        numbers = docmap.items() if docmap is not None else ((d, basedoc + d) for d in range(reader.doc_count_all()))
        scorable = [name for name, field in self.schema.items() if field.scorable]
        for old, new in numbers:
            for name in scorable:
                self._lengths.setdefault(name, {})[new] = reader.doc_field_length(old, name)
        for fieldname, tbytes, docnum, weight, vbytes in self._process_posts(reader.iter_postings(), basedoc, docmap):
            _add_posting(self._merged.setdefault(fieldname, {}), tbytes, docnum, weight, vbytes)
        self._added = True

    def _flush_segment(self):
        self.perdocwriter.close()
        writer = self.fieldwriter
        docs = self.docnum - self.docbase
        least = segments.frequent_least(docs) if docs >= segments.FREQUENT_FROM_DOCS else None
        frequent = {}
        inverted = self._inverter.postings(self.schema["text"].format, self.schema["exact"].format) \
            if self._inverter else {}
        for fieldname in sorted(self._terms.keys() | self._merged.keys() | inverted.keys()):
            writer.start_field(fieldname, self.schema[fieldname])
            batches = inverted.get(fieldname) or [FieldPostings.from_lists(self._terms.get(fieldname, {}))]
            if self._merged.get(fieldname):
                batches = [FieldPostings.concatenated(list(batches)).merged(
                    FieldPostings.from_lists(self._merged[fieldname]))]
            lengths = self._length_array(fieldname)
            for postings in (part for batch in batches for part in batch.slices(WRITE_POSTINGS)):
                write_terms(writer, postings, lengths)
                if least is not None and fieldname in segments.FREQUENT_FIELDS:
                    frequent.update({(fieldname, term): found for term, found in postings.frequent(least).items()})
            writer.finish_field()
        writer.close()
        if least is not None:  # the segment's frequent postings, from memory (else read back by `write_caches`)
            folder = Path(self.storage.folder) / segments.CACHE_FOLDER
            folder.mkdir(exist_ok=True)
            segments.write_frequent_postings(folder / segments.postings_file_name(self.newsegment.segment_id()), docs,
                                             frequent)
        self._terms.clear()
        self._merged.clear()
        self._lengths.clear()
        self._inverter = TextInverter()

    def _length_array(self, fieldname: str) -> np.ndarray | None:
        """Each document's length in a scorable field (0 for none), by document number."""
        lengths = self._lengths.get(fieldname)
        if not lengths:
            return None
        array = np.zeros(max(lengths) + 1, dtype=np.int64)
        array[np.fromiter(lengths.keys(), dtype=np.int64, count=len(lengths))] = \
            np.fromiter((n or 0 for n in lengths.values()), dtype=np.int64, count=len(lengths))
        return array


__all__ = ["BulkSegmentWriter"]


def stored_deflate(data: bytes, level: int = 0) -> bytes:
    """A zlib stream of stored blocks, as `zlib.compress(data, 0)` gives, which Whoosh's stored
    fields column reads with `zlib.decompress`. zlib itself prepares a whole compressor for it,
    20 µs a document."""
    pieces = [b"\x78\x01"]
    for start in range(0, len(data), 0xFFFF) if data else [0]:
        block = data[start:start + 0xFFFF]
        final = start + 0xFFFF >= len(data)
        pieces += (bytes((final,)), struct.pack("<HH", len(block), len(block) ^ 0xFFFF), block)
    pieces.append(struct.pack(">I", zlib.adler32(data)))
    return b"".join(pieces)


def _add_posting(terms: dict, key, docnum: int, weight: float, vbytes: bytes) -> None:
    """One posting into a field's postings per term (the text fields' loops do this inline)."""
    entry = terms.get(key)
    if entry is None:
        terms[key] = ([docnum], [weight], [vbytes])
    else:
        entry[0].append(docnum)
        entry[1].append(weight)
        entry[2].append(vbytes)


def _write_part(folder: str, states: list[dict]) -> None:
    """In a worker process: a complete index of `states` in `folder`, one segment."""
    from whoosh import index as whoosh_index

    from .documents import document, schema

    ix = whoosh_index.create_in(folder, schema())
    writer = BulkSegmentWriter(ix)
    for state in states:
        writer.add_document(**document(state))
    writer.commit(merge=False)


def write_fresh(ix, states: list[dict], tracking: dict, workers: int = 1) -> None:
    """Writes `states` and the tracking document into the new, empty index `ix` in one
    commit. With `workers` > 1 the documents are split: this process and `workers - 1`
    others each write a complete segment of their share into a folder of their own, and
    the segments join the index in the commit that adds the tracking document."""
    import multiprocessing
    import os
    import shutil
    import tempfile

    from whoosh import index as whoosh_index

    from .documents import document

    if workers <= 1:
        writer = BulkSegmentWriter(ix)
        try:
            for state in states:
                writer.add_document(**document(state))
            writer.add_document(**tracking)
            writer.commit(merge=False)
        except BaseException:
            writer.cancel()
            raise
        return

    folder = ix.storage.folder
    parts = [tempfile.mkdtemp(prefix=".part-", dir=folder) for _ in range(workers)]
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    processes = [context.Process(target=_write_part, args=(part, states[n::workers]))
                 for n, part in enumerate(parts[1:], 1)]
    try:
        for process in processes:
            process.start()
        _write_part(parts[0], states[0::workers])
        for process in processes:
            process.join()
            if process.exitcode != 0:
                raise RuntimeError(f"index worker failed with exit code {process.exitcode}")
        writer = BulkSegmentWriter(ix)
        try:
            for part in parts:
                for segment in whoosh_index.open_dir(part)._segments():
                    prefix = segment.segment_id()
                    for name in os.listdir(part):
                        if name.startswith(prefix):
                            os.replace(os.path.join(part, name), os.path.join(folder, name))
                    writer.segments.append(segment)
                caches = os.path.join(part, segments.CACHE_FOLDER)  # the frequent postings its writer kept
                if os.path.isdir(caches):
                    os.makedirs(os.path.join(folder, segments.CACHE_FOLDER), exist_ok=True)
                    for name in os.listdir(caches):
                        os.replace(os.path.join(caches, name), os.path.join(folder, segments.CACHE_FOLDER, name))
            writer.add_document(**tracking)
            writer.commit(merge=False)
        except BaseException:
            writer.cancel()
            raise
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
        for part in parts:
            shutil.rmtree(part, ignore_errors=True)
