"""Reading search parameters (shared by the API and the search page)."""

import re

from events.errors import ValidationError
from events.messages import msg
from events.permissions import Actor
from events.slugs import is_slug
from events.vocabulary import GOALS, MUNICIPALITIES, VIOLENCE_FORMS
from search_index.search import SearchRequest, Visibility

MAX_PER_PAGE = 50
MAX_QUERY = 500


def visibility_of(actor: Actor) -> Visibility:
    """Published examples for everyone; drafts by role; meetings and minutes for the signed-in only."""
    if actor.reads_everything:
        return Visibility(everything=True, meetings=True)
    if actor.role == "member" and actor.organisation:
        return Visibility(organisation=actor.organisation, meetings=True)
    return Visibility(meetings=actor.signed_in)


def search_request(args, actor: Actor, int_arg) -> SearchRequest:
    q = args.get("q", "") or ""
    if len(q) > MAX_QUERY:
        raise ValidationError(msg("q: högst %(max)s tecken.", max=MAX_QUERY), "q")
    filters = {}
    checks = {
        "violence_form": lambda v: v in VIOLENCE_FORMS,
        "goal": lambda v: v in GOALS,
        "organisation": is_slug,
        "municipality": lambda v: v in MUNICIPALITIES,
        "target_group": lambda v: 0 < len(v) <= 60,
        "year": lambda v: bool(re.fullmatch(r"(19|20|21)\d\d", v)),
    }
    for name, check in checks.items():
        value = args.get(name)
        if value in (None, ""):
            continue
        if not check(value):
            raise ValidationError(msg("%(field)s: okänt värde.", field=name), name)
        filters[name] = value.casefold() if name == "target_group" else value
    sort = args.get("sort") or "relevance"
    if sort not in ("relevance", "updated"):
        raise ValidationError(msg("sort: relevance eller updated."), "sort")
    return SearchRequest(q=q, filters=filters, sort=sort, page=int_arg("page", 1),
                         per_page=int_arg("per_page", 10, cap=MAX_PER_PAGE), visibility=visibility_of(actor))
