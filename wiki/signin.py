"""Checking a username and password, throttled, the same way for the API and the pages."""

from flask import request

from events.errors import NotSignedIn
from events.messages import msg

from .services import services


class Throttled(Exception):
    def __init__(self, retry_after: int):
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


def authenticate(username: str, password: str):
    """The account, or NotSignedIn (wrong password and unknown user alike), or Throttled."""
    throttle = services().throttle
    keys = throttle.keys(username if isinstance(username, str) else "", request.remote_addr)
    wait = throttle.retry_after(keys)
    if wait:
        raise Throttled(wait)
    account = services().wiki.check_password(username, password)
    if account is None:
        throttle.failed(keys)
        raise NotSignedIn(msg("Fel användarnamn eller lösenord."))
    throttle.succeeded(keys)
    return account
