"""Checks and normalises what people send before any event is recorded."""

import re
import unicodedata
from datetime import date
from typing import Callable

from .errors import ValidationError
from .messages import msg
from .examples import CONTENT_FIELDS
from .slugs import is_slug
from .vocabulary import EVALUATIONS, GOALS, MEASURE_TYPES, MUNICIPALITIES, VIOLENCE_FORMS

TITLE_MAX = 200
SUMMARY_MAX = 1_000
BODY_MAX = 200_000
CONTACT_MAX = 200
COMMENT_MAX = 500
LABEL_MAX = 60
LIST_MAX = 30
ORGANISATIONS_MAX = 30
EARLIEST_DATE = "1900-01-01"
LATEST_DATE = "2100-12-31"

# Control characters, and what XML 1.0 cannot carry (U+FFFE, U+FFFF, surrogates): the Atom feed shows text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")

EMPTY_CONTENT = {
    "title": "", "summary": "", "body": "", "organisations": [], "municipalities": [],
    "violence_forms": [], "goals": [], "target_groups": [], "measure_types": [],
    "evaluation": None, "period": None, "contact": "", "tags": [],
}


def is_valid_text(value: str) -> bool:
    """False for strings that cannot be stored as UTF-8 (lone surrogates)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def text(value, field: str, *, max_length: int, required: bool = False, multiline: bool = False) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not is_valid_text(value):
        raise ValidationError(msg("%(field)s: måste vara text.", field=field), field)
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        value = " ".join(value.split())
    if _CONTROL.search(value):
        raise ValidationError(msg("%(field)s: innehåller otillåtna kontrolltecken.", field=field), field)
    if required and not value.strip():
        raise ValidationError(msg("%(field)s: får inte vara tomt.", field=field), field)
    if len(value) > max_length:
        raise ValidationError(msg("%(field)s: högst %(max)s tecken (fick %(got)s).", field=field, max=max_length,
                                  got=len(value)), field)
    return value


def string_list(value, field: str, *, allowed=None, max_items: int = LIST_MAX,
                max_length: int = LABEL_MAX) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValidationError(msg("%(field)s: måste vara en lista.", field=field), field)
    if len(value) > max_items:
        raise ValidationError(msg("%(field)s: högst %(max)s värden.", field=field, max=max_items), field)
    result: list[str] = []
    seen: set[str] = set()
    for item in value:
        if not isinstance(item, str) or not is_valid_text(item):
            raise ValidationError(msg("%(field)s: varje värde måste vara text.", field=field), field)
        item = " ".join(unicodedata.normalize("NFC", item).split())
        if not item or len(item) > max_length or _CONTROL.search(item):
            raise ValidationError(msg("%(field)s: ogiltigt värde %(value)r.", field=field, value=item[:40]), field)
        if allowed is not None and item not in allowed:
            raise ValidationError(msg("%(field)s: okänt värde %(value)r.", field=field, value=item[:40]), field,
                                  allowed=sorted(allowed))
        key = item.casefold()
        if key not in seen:
            seen.add(key)
            result.append(item)
    return result


def year(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2100:
        raise ValidationError(msg("%(field)s: måste vara ett årtal mellan 1900 och 2100.", field=field), field)
    return value


def period(value) -> dict | None:
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) - {"start_year", "end_year"}:
        raise ValidationError(msg("period: ange {\"start_year\", \"end_year\"}."), "period")
    start = year(value.get("start_year"), "period.start_year")
    end = value.get("end_year")
    if end is not None:
        end = year(end, "period.end_year")
        if end < start:
            raise ValidationError(msg("period: slutåret får inte vara före startåret."), "period")
    return {"start_year": start, "end_year": end}


def evaluation(value) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or value not in EVALUATIONS:
        raise ValidationError(msg("evaluation: okänt värde %(value)r.", value=str(value)[:40]), "evaluation",
                              allowed=sorted(EVALUATIONS))
    return value


def content_fields(data: dict, organisation_exists: Callable[[str], bool]) -> dict:
    """Validates the content fields present in `data`; returns them normalised."""
    result = {}
    for field in CONTENT_FIELDS:
        if field not in data:
            continue
        value = data[field]
        if field == "title":
            result[field] = text(value, field, max_length=TITLE_MAX, required=True)
        elif field == "summary":
            result[field] = text(value, field, max_length=SUMMARY_MAX, multiline=True).strip()
        elif field == "body":
            result[field] = text(value, field, max_length=BODY_MAX, multiline=True)
        elif field == "contact":
            result[field] = text(value, field, max_length=CONTACT_MAX)
        elif field == "organisations":
            slugs = string_list(value, field, max_items=ORGANISATIONS_MAX, max_length=100)
            for slug in slugs:
                if not is_slug(slug) or not organisation_exists(slug):
                    raise ValidationError(msg("organisations: okänd organisation %(slug)r.", slug=slug[:60]), field)
            result[field] = slugs
        elif field == "municipalities":
            result[field] = string_list(value, field, allowed=MUNICIPALITIES)
        elif field == "violence_forms":
            result[field] = string_list(value, field, allowed=VIOLENCE_FORMS)
        elif field == "goals":
            result[field] = string_list(value, field, allowed=GOALS)
        elif field == "measure_types":
            result[field] = string_list(value, field, allowed=MEASURE_TYPES)
        elif field in ("target_groups", "tags"):
            result[field] = string_list(value, field)
        elif field == "evaluation":
            result[field] = evaluation(value)
        elif field == "period":
            result[field] = period(value)
    return result


def reject_unknown(data: dict, allowed: set[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        names = [u[:40].encode("utf-8", "replace").decode("utf-8") for u in unknown[:5]]
        raise ValidationError(msg("Okänt fält: %(names)s.", names=", ".join(names)), names[0])


def positive_int(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 2**31:
        raise ValidationError(msg("%(field)s: måste vara ett positivt heltal.", field=field), field)
    return value


def iso_date(value, field: str) -> str:
    """A real calendar date written YYYY-MM-DD."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValidationError(msg("%(field)s: ange ett datum som ÅÅÅÅ-MM-DD.", field=field), field)
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ValidationError(msg("%(field)s: %(value)s är inget giltigt datum.", field=field, value=value),
                              field) from None
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(msg("%(field)s: ange ett datum mellan %(first)s och %(last)s.", field=field,
                                  first=EARLIEST_DATE, last=LATEST_DATE), field)
    return value


SEARCH_QUERY_MAX = 500
SEARCH_FILTERS: dict[str, Callable[[str], bool]] = {
    "violence_form": lambda v: v in VIOLENCE_FORMS,
    "goal": lambda v: v in GOALS,
    "organisation": is_slug,
    "municipality": lambda v: v in MUNICIPALITIES,
    "target_group": lambda v: 0 < len(v) <= 60,
    "year": lambda v: bool(re.fullmatch(r"(19|20|21)\d\d", v)),
}


def search_query(value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or not is_valid_text(value):
        raise ValidationError(msg("q: måste vara text."), "q")
    if len(value) > SEARCH_QUERY_MAX:
        raise ValidationError(msg("q: högst %(max)s tecken.", max=SEARCH_QUERY_MAX), "q")
    return value


def search_filters(values, field: str | None = None) -> dict:
    """The facet filters of a search (from the query string or a saved search), checked; empty
    values are left out. Errors name the facet (or `field.facet`)."""
    filters = {}
    for name, check in SEARCH_FILTERS.items():
        value = values.get(name)
        if value in (None, ""):
            continue
        where = f"{field}.{name}" if field else name
        if not isinstance(value, str) or not check(value):
            raise ValidationError(msg("%(field)s: okänt värde.", field=where), where)
        filters[name] = value.casefold() if name == "target_group" else value
    return filters
