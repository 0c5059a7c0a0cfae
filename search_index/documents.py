"""The schema and the document made from a learning example's state."""

import json
from datetime import datetime, timezone

from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from .analysis import PART_SEPARATOR, ExactAnalyzer, TextAnalyzer

TRACKING_ID = "__tracking__"
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
        year=KEYWORD(**keyword),
        measure_type=KEYWORD(**keyword),
        tag=KEYWORD(**keyword),
        updated=ID(stored=True, sortable=True),
        state=STORED(),
        facets=STORED(),
        position=STORED(),
    )


def years(period: dict | None) -> list[str]:
    if not period or not period.get("start_year"):
        return []
    end = period.get("end_year") or datetime.now(timezone.utc).year
    return [str(y) for y in range(period["start_year"], max(end, period["start_year"]) + 1)]


def facet_values(state: dict) -> dict[str, list[str]]:
    content = state["content"]
    values = {facet: [str(v) for v in content.get(source) or []] for facet, source in FACET_SOURCES.items()}
    values["target_group"] = [v.casefold() for v in values["target_group"]]
    values["year"] = years(content.get("period"))
    return values


def document(state: dict) -> dict:
    """The Whoosh fields of one example; `state` is what the projection keeps per example."""
    content = state["content"]
    facets = facet_values(state)
    text = PART_SEPARATOR.join([content.get("title") or "", content.get("summary") or "", content.get("body") or ""])
    joined = lambda values: ",".join(v.replace(",", " ") for v in values)  # noqa: E731
    return dict(
        id=state["id"], kind="example", slug=state["slug"], status=state["status"], text=text, exact=text,
        title=content.get("title") or "",
        **{facet: joined(values) for facet, values in facets.items()},
        measure_type=joined(content.get("measure_types") or []),
        tag=joined(v.casefold() for v in content.get("tags") or []),
        updated=state["updated_at"],
        state=json.dumps(state, ensure_ascii=False),
        facets=(content.get("organisations") or [],
                [(facet, value) for facet, values in facets.items() for value in values]),
    )
