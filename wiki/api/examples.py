"""/api/v1/examples: learning examples, their history, diffs and status."""

from flask import g, jsonify

from events.errors import NotFound, ValidationError
from events.vocabulary import GOALS, MUNICIPALITIES, STATUSES, VIOLENCE_FORMS

from ..diffs import example_diff
from ..page_cache import anonymous_json
from ..services import services
from . import bp, int_arg, json_body
from flask import request

MAX_PER_PAGE = 100
MAX_PAGE = 1000  # the list's OFFSET is bounded: deeper pages are refused (filter instead)


def written(result, status: int = 200):
    response = jsonify({"slug": result.slug, "version": result.version, "status": result.status,
                        "position": result.position})
    response.status_code = status
    return response


def _choice(name: str, allowed) -> str | None:
    value = request.args.get(name)
    if value in (None, ""):
        return None
    if value not in allowed:
        raise ValidationError(f"{name}: okänt värde.", name)
    return value


@bp.get("/examples")
def list_examples():
    status = _choice("status", STATUSES)
    filters = {}
    for facet, allowed in (("violence_form", VIOLENCE_FORMS), ("goal", GOALS), ("municipality", MUNICIPALITIES)):
        value = _choice(facet, allowed)
        if value:
            filters[facet] = value
    organisation = request.args.get("organisation")
    if organisation:
        if services().pages.organisation(organisation) is None:
            raise ValidationError("organisation: okänd organisation.", "organisation")
        filters["organisation"] = organisation
    page = int_arg("page", 1, maximum=MAX_PAGE)
    per_page = int_arg("per_page", 20, cap=MAX_PER_PAGE)
    total, items = services().pages.list_examples(g.actor, status=status, filters=filters,
                                                  page=page, per_page=per_page)
    return jsonify({"total": total, "page": page, "per_page": per_page, "items": items,
                    "position": services().pages.position()})


@bp.post("/examples")
def create_example():
    result = services().wiki.create_example(g.actor, json_body())
    return written(result, 201)


def _readable_row(slug: str):
    """The example's row; a draft address it had before publication leads to it too."""
    pages = services().pages
    row = pages.readable(g.actor, slug)
    if row is None:
        canonical = pages.canonical_slug(g.actor, slug)
        row = pages.readable(g.actor, canonical) if canonical else None
    if row is None:
        raise NotFound("Exemplet finns inte.")
    return row


@bp.get("/examples/<slug>")
@anonymous_json
def read_example(slug):
    version = int_arg("version")
    example = services().pages.example(g.actor, _readable_row(slug)["slug"], version)
    if example is None:
        raise NotFound("Exemplet finns inte.")
    if example.get("missing_version"):
        raise NotFound(f"Version {version} finns inte.")
    example["position"] = services().pages.position()
    return jsonify(example)


@bp.put("/examples/<slug>")
def edit_example(slug):
    return written(services().wiki.edit_example(g.actor, slug, json_body()))


@bp.get("/examples/<slug>/history")
def example_history(slug):
    row = _readable_row(slug)
    return jsonify({"slug": row["slug"], "items": services().pages.history(row["id"], g.actor),
                    "position": services().pages.position()})


@bp.get("/examples/<slug>/diff")
def diff_examples(slug):
    row = _readable_row(slug)
    for name in ("from", "to"):
        if request.args.get(name) in (None, ""):
            raise ValidationError(f"{name}: ange en version.", name)
    first, second = int_arg("from"), int_arg("to")
    pages = services().pages
    old, new = pages.version_content(row["id"], first, g.actor), pages.version_content(row["id"], second, g.actor)
    if old is None or new is None:
        raise NotFound(f"Version {first if old is None else second} finns inte.")
    return jsonify({"slug": row["slug"], "from": first, "to": second, **example_diff(old, new)})


@bp.post("/examples/<slug>/revert")
def revert_example(slug):
    return written(services().wiki.revert_example(g.actor, slug, json_body()))


@bp.post("/examples/<slug>/publish")
def publish_example(slug):
    return written(services().wiki.publish_example(g.actor, slug, json_body(required=False)))


@bp.post("/examples/<slug>/submit-for-review")
def submit_for_review(slug):
    json_body(required=False)
    return written(services().wiki.submit_for_review(g.actor, slug))


@bp.post("/examples/<slug>/return")
def return_example(slug):
    return written(services().wiki.return_example(g.actor, slug, json_body()))


@bp.post("/examples/<slug>/versions/<int:version>/suppress")
def suppress_revision(slug, version):
    return written(services().wiki.suppress_revision(g.actor, slug, version, json_body()))


@bp.get("/examples/<slug>/check")
def check_example(slug):
    findings = services().wiki.check_example(g.actor, slug)
    return jsonify({"slug": slug, "findings": [f.as_dict() for f in findings],
                    "position": services().pages.position()})


@bp.post("/examples/<slug>/archive")
def archive_example(slug):
    json_body(required=False)
    return written(services().wiki.archive_example(g.actor, slug))


@bp.get("/examples/<slug>/backlinks")
def example_backlinks(slug):
    slug = _readable_row(slug)["slug"]
    return jsonify({"slug": slug, "items": services().pages.backlinks(g.actor, slug)})
