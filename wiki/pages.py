"""Pages for people with a browser, in Swedish."""

from flask import Blueprint

bp = Blueprint("pages", __name__)


def register_filters(app) -> None:
    pass
