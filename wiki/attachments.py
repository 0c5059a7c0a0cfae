"""Receiving an uploaded file and serving a stored one, for the API and the pages alike.

An upload is parsed by Werkzeug, which spools a file part to a temporary file, and copied in
pieces to a private file in the data folder's `uploads/`, counting the bytes: a file is never
held whole in memory, and one over the limit is refused as soon as the count passes it. A
stored file is served from the blob store's reader in pieces too, with Range requests, as
a download (images inline), the sniffed type, `nosniff` and a sandboxing CSP.
"""

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from flask import Response, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wsgi import wrap_file

from events.attachments import TooLarge
from events.errors import ValidationError
from events.file_types import IMAGE_TYPES
from events.messages import msg

from .services import services

MULTIPART_OVERHEAD = 64 * 1024
COPY_CHUNK = 1 << 20
FILE_POLICY = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"


def _too_large() -> TooLarge:
    limit = services().wiki.attachment_max_bytes
    return TooLarge(msg("Filen är större än %(limit)s MB.", limit=round(limit / (1024 * 1024), 1)))


@contextmanager
def received_file(field: str = "file"):
    """`(path, name)` of the file sent in the multipart field `field`, removed afterwards."""
    limit = services().wiki.attachment_max_bytes
    request.max_content_length = limit + MULTIPART_OVERHEAD
    try:
        storage = request.files.get(field)
    except RequestEntityTooLarge:
        raise _too_large() from None
    if storage is None or not getattr(storage, "filename", None):
        raise ValidationError(msg("file: skicka filen i fältet file (multipart/form-data)."), "file")
    folder = Path(current_app.config["DATA_DIR"]) / "uploads"
    folder.mkdir(mode=0o700, exist_ok=True)
    handle, path = tempfile.mkstemp(dir=folder, suffix=".part")
    try:
        size = 0
        with os.fdopen(handle, "wb") as out:
            try:
                for chunk in iter(lambda: storage.stream.read(COPY_CHUNK), b""):
                    size += len(chunk)
                    if size > limit:
                        raise _too_large()
                    out.write(chunk)
            except RequestEntityTooLarge:
                raise _too_large() from None
        yield path, storage.filename
    finally:
        storage.close()
        os.unlink(path)


def disposition(kind: str, name: str) -> str:
    """`attachment` (or `inline`) with the name in ASCII and, when it has more, in RFC 5987 form."""
    ascii_name = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in name) or "bilaga"
    value = f'{kind}; filename="{ascii_name}"'
    if ascii_name != name:
        value += f"; filename*=UTF-8''{quote(name, safe='')}"
    return value


def file_response(attachment: dict) -> Response:
    """The file's bytes as stored (Range requests answered from the blob store's reader)."""
    reader = services().wiki.open_file(attachment["sha256"])
    response = Response(wrap_file(request.environ, reader), mimetype=attachment["type"], direct_passthrough=True)
    response.content_length = reader.size
    inline = attachment["type"] in IMAGE_TYPES
    response.headers["Content-Disposition"] = disposition("inline" if inline else "attachment", attachment["name"])
    _file_headers(response)
    response.set_etag(attachment["sha256"])
    return response.make_conditional(request, accept_ranges=True, complete_length=reader.size)


def thumbnail_response(data: bytes) -> Response:
    response = Response(data, mimetype="image/jpeg")
    response.headers["Content-Disposition"] = "inline"
    _file_headers(response)
    return response


def _file_headers(response: Response) -> None:
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = FILE_POLICY
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "private, no-cache"
