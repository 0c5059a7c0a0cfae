"""Whether an index on disk can be read: the check behind setting a broken index aside.

Whoosh keeps no checksums, so the check reads what searches read: the table of contents,
every segment's stored documents and field lengths, and every term's posting blocks, and
asks that the document numbers make sense. It runs only after an error, once per commit.
"""

import errno

from .documents import TRACKING_ID
from .segments import segment_readers

TRANSIENT_ERRNOS = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOMEM, errno.EAGAIN, errno.EINTR, errno.ENOSPC})


class Unreadable(Exception):
    """The index opened but holds something no healthy index does."""


def is_transient(error: BaseException) -> bool:
    """An error of the machine (no file handles, memory or space), not a sign of a broken index."""
    return isinstance(error, OSError) and error.errno in TRANSIENT_ERRNOS


def verify(ix) -> None:
    """Reads the whole index; raises what reading it raises, or `Unreadable`."""
    with ix.searcher() as searcher:
        top = searcher.reader()
        if top.doc_count_all() and searcher.document(id=TRACKING_ID) is None:
            raise Unreadable("no tracking document")
        for _, reader in segment_readers(top):
            _verify_segment(reader)


def _verify_segment(reader) -> None:
    count = reader.doc_count_all()
    scorable = [name for name, field in reader.schema.items() if field.scorable]
    for docnum in range(count):
        reader.stored_fields(docnum)
        for name in scorable:
            reader.doc_field_length(docnum, name)
    for fieldname, text in reader.all_terms():
        matcher = reader._terms.matcher(fieldname, text, reader.schema[fieldname].format)
        previous = -1
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            matcher._read_values()
            ids = matcher._ids
            if not len(ids) or len(matcher._weights) != len(ids) or ids[0] <= previous or ids[-1] >= count or any(a >= b for a, b in zip(ids, ids[1:])):
                raise Unreadable(f"postings of {fieldname}:{text!r} out of order or range")
            previous = ids[-1]
            matcher._next_block()
