"""The schema and the document made from a learning example's state."""

from datetime import datetime, timezone

from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from .analysis import PART_SEPARATOR, ExactAnalyzer, TextAnalyzer

TRACKING_ID = "__tracking__"
FORMAT = 4
FACETS = ("violence_form", "goal", "organisation", "municipality", "target_group", "year")
FACET_SOURCES = {"violence_form": "violence_forms", "goal": "goals", "organisation": "organisations",
                 "municipality": "municipalities", "target_group": "target_groups"}


def schema() -> Schema:
    keyword = dict(commas=True, lowercase=False, scorable=False)
    return Schema(
        id=ID(unique=True, stored=True),
        kind=ID(),
        slug=ID(stored=True),
        status=ID(stored=True),
        text=TEXT(analyzer=TextAnalyzer()),
        exact=TEXT(analyzer=ExactAnalyzer(), phrase=False, field_boost=2.0),
        title=TEXT(analyzer=TextAnalyzer(), phrase=False),
        violence_form=KEYWORD(**keyword),
        goal=KEYWORD(**keyword),
        organisation=KEYWORD(**keyword),
        municipality=KEYWORD(**keyword),
        target_group=KEYWORD(**keyword),
        measure_type=KEYWORD(**keyword),
        tag=KEYWORD(**keyword),
        updated=ID(stored=True, sortable=True),
        state=STORED(),
        facets=STORED(),
        position=STORED(),
        format=STORED(),
    )


def year_range(period: dict | None) -> tuple[int, int | None] | None:
    """(start, end) of the period; end None while ongoing. Years are counted at query time."""
    if not period or not period.get("start_year"):
        return None
    return (period["start_year"], period.get("end_year"))


def years(period: dict | None) -> list[str]:
    span = year_range(period)
    if span is None:
        return []
    end = span[1] or datetime.now(timezone.utc).year
    return [str(y) for y in range(span[0], max(end, span[0]) + 1)]


def facet_values(state: dict) -> dict[str, list[str]]:
    content = state["content"]
    values = {facet: [str(v) for v in content.get(source) or []] for facet, source in FACET_SOURCES.items()}
    values["target_group"] = [v.casefold() for v in values["target_group"]]
    values["year"] = years(content.get("period"))
    return values


def indexed_facets(state: dict) -> list[tuple[str, str]]:
    """The facet values kept per document, except years, which come from the period."""
    return [(facet, value) for facet, values in facet_values(state).items() if facet != "year" for value in values]


def document(state: dict) -> dict:
    """The Whoosh fields of one example; `state` is what the projection keeps per example, and
    for the time of indexing `attachment_text`, the text of its attachments (not stored)."""
    content = state["content"]
    facets = facet_values(state)
    parts = [content.get("title") or "", content.get("summary") or "", content.get("body") or ""]
    if state.get("attachment_text"):
        parts.append(state["attachment_text"])
    text = PART_SEPARATOR.join(parts)
    stored = {k: v for k, v in state.items() if k != "attachment_text"}
    joined = lambda values: ",".join(v.replace(",", " ") for v in values)  # noqa: E731
    return dict(
        id=state["id"], kind=state.get("kind", "example"), slug=state["slug"], status=state["status"], text=text, exact=text,
        title=content.get("title") or "",
        **{facet: joined(values) for facet, values in facets.items() if facet != "year"},
        measure_type=joined(content.get("measure_types") or []),
        tag=joined(v.casefold() for v in content.get("tags") or []),
        updated=state["updated_at"],
        state=stored,
        facets=(content.get("organisations") or [], indexed_facets(state), year_range(content.get("period"))),
    )
