"""/api/v1/account and /api/v1/subscriptions: the signed-in account's mail settings and subscriptions."""

from flask import g, jsonify, url_for

from events.errors import NotFound, NotSignedIn
from events.messages import msg

from ..services import services
from . import bp, json_body


def _account():
    if not g.actor.signed_in:
        raise NotSignedIn(msg("Logga in först."))
    return services().wiki.get_account(g.actor.username)


def _settings(position: int | None = None) -> dict:
    account = _account()
    body = {"username": g.actor.username, "email": services().wiki.email_of(account),
            "language": getattr(account, "language", "sv"), "newsletter": getattr(account, "newsletter", False)}
    if position is not None:
        body["position"] = position
    return body


@bp.get("/account")
def read_account():
    return jsonify(_settings())


@bp.put("/account")
def change_account():
    position = services().wiki.change_mail_settings(g.actor, json_body())
    return jsonify(_settings(position))


@bp.post("/subscriptions")
def subscribe():
    subscription_id, position = services().wiki.subscribe(g.actor, json_body())
    response = jsonify({"id": subscription_id, "position": position})
    response.status_code = 201
    return response


@bp.get("/subscriptions")
def list_subscriptions():
    _account()
    return jsonify({"items": services().pages.subscriptions_of(g.actor.username),
                    "position": services().pages.position()})


@bp.delete("/subscriptions/<subscription_id>")
def unsubscribe(subscription_id):
    if not g.actor.signed_in:
        raise NotSignedIn(msg("Logga in först."))
    if len(subscription_id) > 40:
        raise NotFound(msg("Prenumerationen finns inte."))
    position = services().wiki.unsubscribe(g.actor, subscription_id)
    return jsonify({"id": subscription_id, "position": position})


@bp.post("/accounts/<username>/erase")
def erase_account(username):
    """Admins only: the account is disabled for good and its e-mail address destroyed."""
    json_body(required=False)
    position = services().wiki.erase_account(g.actor, username)
    services().pages.wait_for(position)
    return jsonify({"username": username, "erased": True, "position": position})


@bp.post("/account/calendar-feed")
def renew_calendar_feed():
    """A new secret calendar address for the signed-in account (shown once; the old one stops working)."""
    json_body(required=False)
    secret, position = services().wiki.renew_calendar_feed(g.actor)
    response = jsonify({"url": url_for("calendar.feed", secret=secret, _external=True), "position": position})
    response.status_code = 201
    return response
