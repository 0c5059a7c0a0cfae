"""/api/v1/tokens: sign in for API clients."""

from flask import g, jsonify

from events.errors import NotSignedIn, ValidationError

from ..services import services
from ..signin import authenticate
from . import bp, json_body


@bp.post("/tokens")
def create_token():
    data = json_body()
    username, password = data.get("username"), data.get("password")
    if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
        raise ValidationError("Ange username och password.")
    account = authenticate(username, password)
    token, expires_at, position = services().wiki.issue_token(account)
    response = jsonify({"token": token, "expires_at": expires_at, "position": position})
    response.status_code = 201
    return response


@bp.delete("/tokens/current")
def revoke_token():
    if not g.actor.signed_in:
        raise NotSignedIn("Ingen token att återkalla.")
    position = services().wiki.revoke_token(g.actor.username, g.token)
    services().pages.wait_for(position)
    return "", 204
