"""Who is asking: a bearer token for the API, the session cookie for pages.

The session cookie carries the username and a session id; the id must name a live session in
the read model (started at sign-in, ended at sign-out, by a password change or by disabling the
account), so ending a session works in every process and on every node. A cookie without one
(from before sessions were recorded) signs nobody in.
"""

from flask import g, request, session
from flask.sessions import SecureCookieSessionInterface

from events.errors import NotSignedIn
from events.passwords import token_hash
from events.permissions import ANONYMOUS, Actor

from .services import services


def _actor(account: dict | None) -> Actor | None:
    if account is None or account.get("disabled"):
        return None
    return Actor(username=account["username"], role=account["role"], organisation=account["organisation"],
                 account_id=account["id"])


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


def session_hash() -> str | None:
    """The hash of this browser's session id, as the events keep it."""
    session_id = session.get("sid")
    return token_hash(session_id) if isinstance(session_id, str) and 0 < len(session_id) <= 200 else None


def page_actor() -> Actor:
    username = session.get("username")
    if not username:
        return ANONYMOUS
    hashed = session_hash()
    account = services().pages.session_account(hashed) if hashed else None
    actor = _actor(account) if account is not None and account["username"] == username else None
    if actor is None:
        session.clear()
        return ANONYMOUS
    return actor


def current_actor() -> Actor:
    return getattr(g, "actor", ANONYMOUS)


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed session cookie, with its serializer made once per secret rather than once
    per request (every request opens the session, most without a cookie)."""

    _made: tuple = (None, None)

    def get_signing_serializer(self, app):
        secret = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if self._made[0] != secret:
            self._made = (secret, super().get_signing_serializer(app))
        return self._made[1]
