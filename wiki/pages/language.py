"""Choosing the language of the pages: /sprak/sv or /sprak/en, kept in a long-lived cookie."""

from flask import abort, redirect, request, url_for

from ..i18n import LANGUAGES, language_cookie, local_path
from . import bp


@bp.get("/sprak/<code>")
def set_language(code):
    if code not in LANGUAGES:
        abort(404)
    target = local_path(request.args.get("next")) or url_for("pages.index")
    return language_cookie(redirect(target), code)
