"""Suppressing a revision from the history page: an admin destroys one earlier revision's text."""

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext

from events.errors import Conflict, IdentifyingDetails, NotAllowed, NotFound, NotSignedIn, ValidationError

from ..i18n import translate
from ..services import services
from . import bp
from .examples import _remember_write, _sign_in_first


@bp.post("/exempel/<slug>/versioner/<int:version>/dolj")
def suppress_revision(slug, version):
    if not g.actor.signed_in:
        return _sign_in_first()
    try:
        written = services().wiki.suppress_revision(
            g.actor, slug, version, {"reason": request.form.get("reason", "")[:500]})
    except NotFound:
        abort(404)
    except (NotAllowed, NotSignedIn):
        abort(403)
    except (ValidationError, Conflict, IdentifyingDetails) as error:
        flash(translate(error.message), "error")
        return redirect(url_for("pages.history", slug=slug))
    _remember_write(written.position)
    flash(gettext("Texten i version %(v)s är dold för alltid.", v=version), "ok")
    return redirect(url_for("pages.history", slug=slug))
