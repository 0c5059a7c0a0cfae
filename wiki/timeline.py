"""A timeline picture (SVG data) of who held which role when."""

from datetime import date

from flask_babel import gettext

from events.messages import N_

from .i18n import localised_date

ROW_HEIGHT = 34
LABEL_WIDTH = 130
WIDTH = 760
ROLE_LABELS = {"representative": N_("Ordinarie"), "substitute": N_("Ersättare")}


def _role_label(role: str) -> str:
    return gettext(ROLE_LABELS[role])


def _x(day: date, first: date, last: date) -> float:
    span = max((last - first).days, 1)
    return LABEL_WIDTH + (WIDTH - LABEL_WIDTH - 10) * (day - first).days / span


def timeline(terms: list[dict], rows: list[tuple[str, str]], row_of, today: date | None = None) -> dict | None:
    """`rows` are (key, label) pairs; `row_of(term)` gives a term's row key."""
    if not terms:
        return None
    today = today or date.today()
    first = date(min(date.fromisoformat(t["from"]) for t in terms).year, 1, 1)
    last = max([today] + [date.fromisoformat(t["to"]) for t in terms if t["to"]])
    index = {key: n for n, (key, _) in enumerate(rows)}
    ongoing = gettext("pågår")
    bars = []
    for term in terms:
        start = date.fromisoformat(term["from"])
        end = date.fromisoformat(term["to"]) if term["to"] else last
        x1, x2 = _x(start, first, last), _x(end, first, last)
        row = index[row_of(term)]
        label = (term.get("person") or {}).get("name") or term.get("organisation", {}).get("name", "")
        bars.append({"x": round(x1, 1), "y": 24 + row * ROW_HEIGHT, "width": round(max(x2 - x1, 2), 1),
                     "label": label, "title": f"{label}: {localised_date(term['from'])} – "
                              f"{localised_date(term['to']) if term['to'] else ongoing}",
                     "role": term["role"], "open": term["to"] is None})
    years = [{"x": round(_x(date(y, 1, 1), first, last), 1), "year": y} for y in range(first.year, last.year + 1)]
    return {"width": WIDTH, "height": 30 + len(rows) * ROW_HEIGHT,
            "rows": [{"y": 24 + n * ROW_HEIGHT, "label": label} for n, (_, label) in enumerate(rows)],
            "bars": bars, "years": years, "label_width": LABEL_WIDTH}


def organisation_timeline(terms: list[dict]) -> dict | None:
    return timeline(terms, [(role, _role_label(role)) for role in ROLE_LABELS], lambda t: t["role"])


def person_timeline(terms: list[dict]) -> dict | None:
    keys = list(dict.fromkeys((t["organisation"]["slug"], t["role"]) for t in terms))
    names = {t["organisation"]["slug"]: t["organisation"]["name"] for t in terms}
    rows = [(key, f"{names[key[0]][:14]} ({_role_label(key[1]).lower()[:3]}.)") for key in keys]
    return timeline([{**t, "person": {"name": _role_label(t["role"])}} for t in terms], rows,
                    lambda t: (t["organisation"]["slug"], t["role"]))
