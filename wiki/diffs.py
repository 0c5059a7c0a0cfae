"""Differences between two versions of a learning example."""

import difflib

from events.examples import CONTENT_FIELDS


def example_diff(old: dict, new: dict) -> dict:
    changed = [f for f in CONTENT_FIELDS if old.get(f) != new.get(f)]
    changes = {f: {"from": old.get(f), "to": new.get(f)} for f in changed if f != "body"}
    body_diff = "".join(difflib.unified_diff(
        _lines(old.get("body")), _lines(new.get("body")), fromfile="före", tofile="efter", n=3))
    return {"changed_fields": changed, "changes": changes, "body_diff": body_diff}


def _lines(text: str | None) -> list[str]:
    return [line + "\n" for line in (text or "").splitlines()]


def side_by_side(old: str, new: str) -> list[tuple[str, str, str]]:
    """Lines as (kind, old, new) with kind one of equal, delete, insert, replace."""
    rows = []
    old_lines, new_lines = (old or "").splitlines(), (new or "").splitlines()
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        left, right = old_lines[i1:i2], new_lines[j1:j2]
        for k in range(max(len(left), len(right))):
            rows.append((tag, left[k] if k < len(left) else "", right[k] if k < len(right) else ""))
    return rows
