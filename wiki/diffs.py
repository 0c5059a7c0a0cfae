"""Differences between two versions of a learning example."""

import difflib

from events.examples import CONTENT_FIELDS


# Line matching costs up to the product of the two sides' line counts; beyond this, the lines
# between the common start and end are shown as one replaced block (what a reader needs anyway).
MAX_MATCHING = 2_000_000


def example_diff(old: dict, new: dict) -> dict:
    changed = [f for f in CONTENT_FIELDS if old.get(f) != new.get(f)]
    changes = {f: {"from": old.get(f), "to": new.get(f)} for f in changed if f != "body"}
    old_lines, new_lines = _lines(old.get("body")), _lines(new.get("body"))
    if _too_costly(old_lines, new_lines):
        body_diff = "".join(_replaced_block(old_lines, new_lines))
    else:
        body_diff = "".join(difflib.unified_diff(old_lines, new_lines, fromfile="före", tofile="efter", n=3))
    return {"changed_fields": changed, "changes": changes, "body_diff": body_diff}


def _common_ends(a: list, b: list) -> tuple[int, int]:
    start = 0
    while start < len(a) and start < len(b) and a[start] == b[start]:
        start += 1
    end = 0
    while end < len(a) - start and end < len(b) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    return start, end


def _too_costly(a: list, b: list) -> bool:
    start, end = _common_ends(a, b)
    return (len(a) - start - end) * (len(b) - start - end) > MAX_MATCHING


def _replaced_block(a: list, b: list) -> list[str]:
    """A unified diff with one hunk: the lines between the common start and end, replaced."""
    start, end = _common_ends(a, b)
    old, new = a[start:len(a) - end], b[start:len(b) - end]
    header = f"@@ -{start + 1},{len(old)} +{start + 1},{len(new)} @@\n"
    return ["--- före\n", "+++ efter\n", header, *("-" + line for line in old), *("+" + line for line in new)]


def _lines(text: str | None) -> list[str]:
    return [line + "\n" for line in (text or "").splitlines()]


def side_by_side(old: str, new: str) -> list[tuple[str, str, str]]:
    """Lines as (kind, old, new) with kind one of equal, delete, insert, replace."""
    rows = []
    old_lines, new_lines = (old or "").splitlines(), (new or "").splitlines()
    if _too_costly(old_lines, new_lines):
        start, end = _common_ends(old_lines, new_lines)
        opcodes = [("equal", 0, start, 0, start),
                   ("replace", start, len(old_lines) - end, start, len(new_lines) - end),
                   ("equal", len(old_lines) - end, len(old_lines), len(new_lines) - end, len(new_lines))]
    else:
        opcodes = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in opcodes:
        left, right = old_lines[i1:i2], new_lines[j1:j2]
        for k in range(max(len(left), len(right))):
            rows.append((tag, left[k] if k < len(left) else "", right[k] if k < len(right) else ""))
    return rows
