"""/api/v1/organisations"""

from flask import g, jsonify

from events.errors import NotFound, NotSignedIn

from ..services import services
from . import bp, json_body
from .register import today


def _public(organisation: dict) -> dict:
    return {k: organisation[k] for k in ("slug", "name", "kind", "municipality", "joined_on", "left_on")}


@bp.get("/organisations")
def list_organisations():
    return jsonify({"items": [_public(o) for o in services().pages.organisations()],
                    "position": services().pages.position()})


@bp.post("/organisations")
def register_organisation():
    slug, position = services().wiki.register_organisation(g.actor, json_body())
    response = jsonify({"slug": slug, "position": position})
    response.status_code = 201
    return response


def _organisation(slug: str) -> dict:
    organisation = services().pages.organisation(slug)
    if organisation is None:
        raise NotFound("Organisationen finns inte.")
    return organisation


@bp.get("/organisations/<slug>")
def read_organisation(slug):
    organisation = _organisation(slug)
    body = _public(organisation)
    if g.actor.signed_in:
        at = today()
        rows = services().pages.roster(at, organisation=slug)
        body["roster"] = {"at": at, "representative": rows[0]["representative"] if rows else None,
                          "substitute": rows[0]["substitute"] if rows else None}
    body["position"] = services().pages.position()
    return jsonify(body)


@bp.get("/organisations/<slug>/history")
def organisation_history(slug):
    if not g.actor.signed_in:
        raise NotSignedIn("Logga in för att se organisationens historik.")
    organisation = _organisation(slug)
    return jsonify({"slug": slug, "membership": services().pages.organisation_history(organisation["id"]),
                    "items": services().pages.organisation_terms(slug)})


@bp.post("/organisations/<slug>/leave")
def leave_organisation(slug):
    position = services().wiki.leave_organisation(g.actor, slug, json_body())
    return jsonify({"slug": slug, "position": position})
