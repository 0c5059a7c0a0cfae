"""Who is asking: a bearer token for the API, the session cookie for pages."""

from flask import g, request, session

from events.errors import NotSignedIn
from events.passwords import token_hash
from events.permissions import ANONYMOUS, Actor

from .services import services


def _actor(account: dict | None) -> Actor | None:
    if account is None or account.get("disabled"):
        return None
    return Actor(username=account["username"], role=account["role"], organisation=account["organisation"])


def bearer_token() -> str | None:
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or len(token) > 200:
        raise NotSignedIn("Ogiltig inloggning: skicka Authorization: Bearer TOKEN.")
    return token.strip()


def api_actor() -> Actor:
    """The token's account; any Authorization header that is not a live token is a 401."""
    token = bearer_token()
    if token is None:
        return ANONYMOUS
    actor = _actor(services().pages.token_account(token_hash(token)))
    if actor is None:
        raise NotSignedIn("Token är ogiltig, återkallad eller har gått ut.")
    g.token = token
    return actor


def page_actor() -> Actor:
    username = session.get("username")
    if not username:
        return ANONYMOUS
    actor = _actor(services().pages.account(username))
    if actor is None:
        session.clear()
        return ANONYMOUS
    return actor


def current_actor() -> Actor:
    return getattr(g, "actor", ANONYMOUS)
