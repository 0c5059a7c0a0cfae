"""The index's writer: faster than Whoosh's own for adding many documents, for the follower's
commits as for rebuilds.

Whoosh's `SegmentWriter` sends every posting through a generic pool that sorts tuples and,
when writing, looks up each document's field length on disk once per posting. Here the
postings are gathered in dictionaries per field and term and the lengths are kept in memory,
then written in one ordered pass through the same codec (posting blocks left uncompressed,
which the codec records per block), so the files are the ones Whoosh itself writes and
reads. Title, summary and body are analysed once for both `text` and `exact`. Documents are
added, deleted by number (`delete_document`) and merged from other segments (`add_reader`, as
a merge policy or an optimize does); `update_document` and deleting by term are not supported.
"""

from functools import cached_property
from pathlib import Path

from whoosh.analysis import IDTokenizer
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import ID, KEYWORD
from whoosh.system import pack_uint
from whoosh.writing import SegmentWriter

from . import segments
from .analysis import PART_SEPARATOR, WORD, TextAnalyzer, analyze_parts, word_terms

EMPTY = b""
STORED_LEVEL = 0  # each document's stored fields kept as they are (zlib's level 1 was a sixth of a build's CPU)


class BulkSegmentWriter(SegmentWriter):
    def __init__(self, ix, **options):
        options.setdefault("codec", W3Codec(compression=0))
        super().__init__(ix, **options)
        stored = self.perdocwriter._colwriters.get("_stored")
        if stored is not None and hasattr(getattr(stored, "_child", None), "_level"):
            stored._child._level = STORED_LEVEL
        self._terms: dict[str, dict[bytes, tuple[list, list, list]]] = {}
        self._merged: dict[str, dict[bytes, tuple[list, list, list]]] = {}
        self._lengths: dict[str, dict[int, int]] = {}

    def add_document(self, **fields):
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)

        perdocwriter.start_doc(docnum)
        analysed = self._analyse_text(fields, docnum) if "text" in fields and "exact" in fields else {}
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
        if self._plain_fields[fieldname] == "whole":
            items = [(value.encode("utf-8"), 1.0 * boost, EMPTY)]
        else:
            counts: dict[str, int] = {}
            for item in value.split(","):
                item = item.strip()
                if item:
                    counts[item] = counts.get(item, 0) + 1
            items = [(term.encode("utf-8"), count * boost, pack_uint(count)) for term, count in counts.items()]
        for tbytes, weight, vbytes in items:
            _add_posting(terms, tbytes, docnum, weight, vbytes)

    def _analyse_text(self, fields: dict, docnum: int) -> dict[str, int]:
        """The `text` and `exact` fields from one analysis pass; returns their lengths."""
        positions, weights, exact, text_length, exact_length = analyze_parts(fields["text"].split(PART_SEPARATOR))
        text_format = self.schema["text"].format
        text_boost = text_format.field_boost
        exact_boost = self.schema["exact"].format.field_boost
        singles = _SINGLE_POSITIONS
        terms = self._terms.setdefault("text", {})
        for term, poslist in positions.items():
            if len(poslist) == 1:
                vbytes = singles.get(poslist[0]) or encode_positions(text_format, poslist)
            else:
                vbytes = text_format.encode(poslist)
            entry = terms.get(term)
            if entry is None:
                terms[term] = ([docnum], [weights[term] * text_boost], [vbytes])
            else:
                entry[0].append(docnum)
                entry[1].append(weights[term] * text_boost)
                entry[2].append(vbytes)
        terms = self._terms.setdefault("exact", {})
        for term, (count, weight) in exact.items():
            entry = terms.get(term)
            if entry is None:
                terms[term] = ([docnum], [weight * exact_boost], [pack_uint(count)])
            else:
                entry[0].append(docnum)
                entry[1].append(weight * exact_boost)
                entry[2].append(pack_uint(count))
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
        for fieldname in sorted(self._terms.keys() | self._merged.keys()):
            writer.start_field(fieldname, self.schema[fieldname])
            lengths = self._lengths.get(fieldname, {})
            added = {(key.encode("utf-8") if isinstance(key, str) else key): postings
                     for key, postings in self._terms.get(fieldname, {}).items()}
            merged = self._merged.get(fieldname, {})
            for key in sorted(added.keys() | merged.keys()) if merged else sorted(added):
                first, then = added.get(key), merged.get(key)
                ids, weights, values = (first[0] + then[0], first[1] + then[1], first[2] + then[2]) \
                    if first and then else first or then
                writer.start_term(key)
                _add_postings(writer._postwriter, ids, weights, values, lengths)
                writer.finish_term()
                if least is not None and len(ids) >= least and fieldname in segments.FREQUENT_FIELDS:
                    frequent[(fieldname, key.decode("utf-8"))] = (ids, weights)
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


__all__ = ["BulkSegmentWriter"]


def _add_posting(terms: dict, key, docnum: int, weight: float, vbytes: bytes) -> None:
    """One posting into a field's postings per term (the text fields' loops do this inline)."""
    entry = terms.get(key)
    if entry is None:
        terms[key] = ([docnum], [weight], [vbytes])
    else:
        entry[0].append(docnum)
        entry[1].append(weight)
        entry[2].append(vbytes)


def _add_postings(postings, ids: list, weights: list, values: list, lengths: dict) -> None:
    """What `W3PostingsWriter.add_posting` does one posting at a time, a block at a time.
    A term's values are all empty (ID fields) or all not, so they go in or stay out together."""
    limit = postings._blocklimit
    with_values = bool(values[0])
    length_of = lengths.__getitem__ if lengths else None
    for start in range(0, len(ids), limit):
        if len(postings._ids) >= limit:
            postings._write_block()
        chunk_ids = ids[start:start + limit]
        chunk_weights = weights[start:start + limit]
        postings._ids.extend(chunk_ids)
        postings._weights.extend(chunk_weights)
        if with_values:
            postings._values.extend(values[start:start + limit])
        heaviest = max(chunk_weights)
        if heaviest > postings._maxweight:
            postings._maxweight = heaviest
        if length_of is not None:
            chunk_lengths = [n for n in map(length_of, chunk_ids) if n]
            if chunk_lengths:
                shortest, longest = min(chunk_lengths), max(chunk_lengths)
                if postings._minlength is None or shortest < postings._minlength:
                    postings._minlength = shortest
                if longest > postings._maxlength:
                    postings._maxlength = longest


_SINGLE_POSITIONS: dict[int, bytes] = {}


def encode_positions(text_format, positions: list[int]) -> bytes:
    """`Positions.encode`, remembered for the common one-position case."""
    if len(positions) == 1:
        found = _SINGLE_POSITIONS.get(positions[0])
        if found is None:
            found = _SINGLE_POSITIONS[positions[0]] = text_format.encode(positions)
        return found
    return text_format.encode(positions)


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
