"""The Atom feed of changes to published examples."""

from flask import Blueprint

bp = Blueprint("feeds", __name__)
