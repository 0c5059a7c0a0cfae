"""What the editor and the reviewer see of the identification check: the findings marked in
their fields' text, and the checklist of the fields practice databases require."""

from dataclasses import dataclass

from events.messages import N_

CONTEXT = 60


@dataclass(frozen=True)
class Piece:
    text: str
    marked: bool = False
    severity: str = ""


def _field_text(content: dict, field: str) -> str:
    """The text a finding's offsets point into: a field, or one item of a list field (`tags[1]`)."""
    name, _, index = field.partition("[")
    value = content.get(name)
    if index:
        items = value or []
        position = int(index.rstrip("]"))
        return items[position] if position < len(items) else ""
    return value if isinstance(value, str) else ""


def marked_fields(content: dict, findings: list) -> list[tuple[str, list[Piece]]]:
    """Per field with findings: its text cut to the findings and their surroundings, findings marked."""
    by_field: dict[str, list] = {}
    for finding in findings:
        by_field.setdefault(finding.field, []).append(finding)
    result = []
    for field, found in by_field.items():
        text = _field_text(content, field)
        pieces: list[Piece] = []
        cursor = 0
        for finding in sorted(found, key=lambda f: f.start):
            if finding.start < cursor:
                continue
            before = text[cursor:finding.start]
            if cursor == 0 and len(before) > CONTEXT:
                before = "…" + before[-CONTEXT:]
            elif len(before) > 2 * CONTEXT:
                before = before[:CONTEXT] + " … " + before[-CONTEXT:]
            pieces.append(Piece(before))
            pieces.append(Piece(text[finding.start:finding.end], True, finding.severity))
            cursor = finding.end
        rest = text[cursor:]
        pieces.append(Piece(rest if len(rest) <= CONTEXT else rest[:CONTEXT] + "…"))
        result.append((field, pieces))
    return result


CHECKLIST = (
    ("evaluation", N_("Utvärdering är angiven")),
    ("period", N_("Perioden är angiven")),
    ("contact", N_("Kontakten är en funktion eller roll, inte en privatperson")),
    ("target_groups", N_("Minst en målgrupp")),
    ("measure_types", N_("Minst en typ av insats")),
)


def review_checklist(content: dict) -> list[tuple[str, bool]]:
    """(label, met) for each field a reviewer checks before publishing."""
    from events.identification import check_text

    contact = content.get("contact") or ""
    contact_is_role = bool(contact.strip()) and not any(f.kind == "name" for f in check_text("contact", contact))
    met = {
        "evaluation": bool(content.get("evaluation")),
        "period": bool((content.get("period") or {}).get("start_year")),
        "contact": contact_is_role,
        "target_groups": bool(content.get("target_groups")),
        "measure_types": bool(content.get("measure_types")),
    }
    return [(label, met[field]) for field, label in CHECKLIST]
