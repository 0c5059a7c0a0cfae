"""The log export (`lansgrupp-wiki/log-export/v1`): every stored row, exactly as stored, as
JSON Lines, for `wiki-audit-verify`. The first line is the header
`{"format", "origin", "size"}`; then one row a line, in log order:
`{"position", "originator_id", "originator_version", "topic", "state": base64}`."""

import base64
import binascii
import json
import re
from typing import IO

from .merkle import leaf_bytes

FORMAT = "lansgrupp-wiki/log-export/v1"
BATCH = 1000
UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class BadRow(ValueError):
    """A line of the export that is not a well-formed row."""


def _rows(recorder, size: int | None):
    after, count = 0, 0
    while size is None or count < size:
        limit = BATCH if size is None else min(BATCH, size - count)
        notifications = recorder.select_notifications(after, limit, inclusive_of_start=False)
        if not notifications:
            break
        for notification in notifications:
            yield notification
        count += len(notifications)
        after = notifications[-1].id


def row_line(notification) -> str:
    return json.dumps({
        "position": notification.id,
        "originator_id": str(notification.originator_id),
        "originator_version": notification.originator_version,
        "topic": notification.topic,
        "state": base64.b64encode(notification.state).decode("ascii"),
    }, ensure_ascii=False) + "\n"


def export_rows(recorder, origin: str, out: IO[str], size: int | None = None) -> int:
    """Writes the first `size` stored rows (all of them when None: counted first, up to the
    head at the start) to the text stream `out`; returns the number of rows written. Raises
    ValueError when the log has fewer than `size` rows."""
    if size is None:
        head = recorder.max_notification_id() or 0
        size = sum(1 for notification in _rows(recorder, None) if notification.id <= head)
    out.write(json.dumps({"format": FORMAT, "origin": origin, "size": size}, ensure_ascii=False) + "\n")
    written = 0
    for notification in _rows(recorder, size):
        out.write(row_line(notification))
        written += 1
    if written != size:
        raise ValueError(f"the log has {written} rows, not {size}")
    return written


def parse_header(line: bytes | str) -> tuple[str, int]:
    """(origin, size) of the header line; BadRow when it is not one."""
    try:
        header = json.loads(line)
    except ValueError:
        raise BadRow("the first line is not JSON") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BadRow(f"the first line is not a {FORMAT} header")
    origin, size = header.get("origin"), header.get("size")
    if not isinstance(origin, str) or not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise BadRow("the header lacks its origin or size")
    return origin, size


def _integer(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_row(line: bytes | str) -> tuple[int, bytes]:
    """(position, leaf bytes) of a row line; BadRow when it is not a well-formed row (a topic
    with a newline included: it would blur the line between topic and state)."""
    try:
        row = json.loads(line)
    except (ValueError, RecursionError):
        raise BadRow("not JSON") from None
    if not isinstance(row, dict):
        raise BadRow("not a row")
    position, originator_id = row.get("position"), row.get("originator_id")
    version, topic, state = row.get("originator_version"), row.get("topic"), row.get("state")
    if not _integer(position) or position < 1:
        raise BadRow("no position")
    if not isinstance(originator_id, str) or not UUID_TEXT.fullmatch(originator_id):
        raise BadRow("the originator id is not a UUID")
    if not _integer(version) or not isinstance(topic, str) or not topic or "\n" in topic:
        raise BadRow("bad version or topic")
    if not isinstance(state, str):
        raise BadRow("no state")
    try:
        data = binascii.a2b_base64(state.encode("ascii"), strict_mode=True)
    except (binascii.Error, UnicodeEncodeError):
        raise BadRow("the state is not base64") from None
    return position, leaf_bytes(position, originator_id, version, topic, data)
