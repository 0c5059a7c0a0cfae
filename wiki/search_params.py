"""Reading search parameters (shared by the API and the search page)."""

from events.errors import ValidationError
from events.messages import msg
from events.permissions import Actor
from events.validation import search_filters, search_query
from search_index.search import SearchRequest, Visibility

MAX_PER_PAGE = 50


def visibility_of(actor: Actor) -> Visibility:
    """Published examples for everyone; drafts by role; meetings and minutes for the signed-in only."""
    if actor.reads_everything:
        return Visibility(everything=True, meetings=True)
    if actor.role == "member" and actor.organisation:
        return Visibility(organisation=actor.organisation, meetings=True)
    return Visibility(meetings=actor.signed_in)


MAX_PAGE = 1000  # deeper pages cost more and help no one: narrow the search instead


def search_request(args, actor: Actor, int_arg) -> SearchRequest:
    q = search_query(args.get("q", "") or "")
    filters = search_filters(args)
    sort = args.get("sort") or "relevance"
    if sort not in ("relevance", "updated"):
        raise ValidationError(msg("sort: relevance eller updated."), "sort")
    return SearchRequest(q=q, filters=filters, sort=sort, page=int_arg("page", 1, maximum=MAX_PAGE),
                         per_page=int_arg("per_page", 10, cap=MAX_PER_PAGE), visibility=visibility_of(actor))
