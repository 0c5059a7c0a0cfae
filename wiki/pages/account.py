"""Signing in and out with the session cookie."""

from flask import flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext

from events.errors import NotSignedIn

from ..i18n import local_path, translate
from ..services import services
from ..signin import authenticate
from . import bp


def _safe_next(target: str | None) -> str:
    return local_path(target) or url_for("pages.index")


@bp.route("/logga-in", methods=["GET", "POST"])
def sign_in():
    error = None
    username = ""
    if request.method == "POST":
        username = request.form.get("username", "").strip()[:40]
        password = request.form.get("password", "")
        try:
            account = authenticate(username, password)
        except NotSignedIn as failure:
            error, account = translate(failure.message), None
        if account is not None:
            session.clear()
            session["username"] = account.username
            flash(gettext("Du är inloggad som %(username)s.", username=account.username), "ok")
            return redirect(_safe_next(request.form.get("next")))
    return render_template("login.html", error=error, username=username,
                           next=request.values.get("next", "")), (401 if error else 200)


@bp.post("/logga-ut")
def sign_out():
    session.clear()
    flash(gettext("Du är utloggad."), "ok")
    return redirect(url_for("pages.index"))


@bp.get("/konto")
def my_account():
    if not g.actor.signed_in:
        return redirect(url_for("pages.sign_in", next=request.path))
    return render_template("account.html")
