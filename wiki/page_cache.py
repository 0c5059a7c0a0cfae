"""Pages and API answers as anonymous readers see them, kept per process while the read model
stays where it was.

A page that someone without a session reads is the same for every such reader in one language
at one position of the read model: it holds no form token, no name and no flash; an API answer
without a token is the same for everyone. Such an answer is kept under its path and query, the
language (pages) and the read model's position, so any new event makes a new key (old ones age
out of the bounded store). Signed-in readers, requests with a session cookie or a token, and
answers that set a cookie are never kept.
"""

import threading
from collections import OrderedDict
from functools import wraps

from flask import current_app, g, make_response, request

from .i18n import current_language
from .services import services

MAX_PAGES = 500


class PageCache:
    def __init__(self, limit: int = MAX_PAGES):
        self.limit = limit
        self._pages: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key) -> bytes | None:
        with self._lock:
            body = self._pages.get(key)
            if body is not None:
                self._pages.move_to_end(key)
            return body

    def put(self, key, body: bytes) -> None:
        with self._lock:
            self._pages[key] = body
            self._pages.move_to_end(key)
            while len(self._pages) > self.limit:
                self._pages.popitem(last=False)


def _anonymous_reader() -> bool:
    actor = g.get("actor")
    return (request.method == "GET" and (actor is None or not actor.signed_in)
            and "Authorization" not in request.headers
            and current_app.config["SESSION_COOKIE_NAME"] not in request.cookies)


def _kept(view, mimetype: str, language: bool):
    @wraps(view)
    def answer(*args, **kwargs):
        if not _anonymous_reader():
            return view(*args, **kwargs)
        cache = current_app.extensions.setdefault("page_cache", PageCache())
        key = (request.full_path, current_language() if language else None, services().pages.position())
        body = cache.get(key)
        if body is not None:
            return current_app.response_class(body, mimetype=mimetype)
        response = make_response(view(*args, **kwargs))
        if response.status_code == 200 and response.mimetype == mimetype and "Set-Cookie" not in response.headers:
            cache.put(key, response.get_data())
        return response
    return answer


def anonymous_page(view):
    """Serves the view's page from the process's cache for anonymous readers, and keeps it there."""
    return _kept(view, "text/html", language=True)


def anonymous_json(view):
    """The same for an API read answered from the read model (its `position` is part of the key)."""
    return _kept(view, "application/json", language=False)
