"""Signing in and out with the session cookie: each sign-in starts a session recorded on the
account, and signing out ends it everywhere."""

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext

from events.errors import Conflict, NotSignedIn

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
            session_id, _ = services().wiki.start_session(account, current_app.permanent_session_lifetime)
        except (NotSignedIn, Conflict) as failure:
            error, account = translate(failure.message), None
        if account is not None:
            _end_current_session()
            session.clear()
            session["username"] = services().wiki.account_username(account)
            session["sid"] = session_id
            flash(gettext("Du är inloggad som %(username)s.", username=session["username"]), "ok")
            return redirect(_safe_next(request.form.get("next")))
    return render_template("login.html", error=error, username=username,
                           next=request.values.get("next", "")), (401 if error else 200)


def _end_current_session() -> None:
    session_id = session.get("sid")
    if g.actor.signed_in and isinstance(session_id, str):
        services().wiki.end_session(g.actor.username, session_id)


@bp.post("/logga-ut")
def sign_out():
    _end_current_session()
    session.clear()
    flash(gettext("Du är utloggad."), "ok")
    return redirect(url_for("pages.index"))


@bp.get("/konto")
def my_account():
    if not g.actor.signed_in:
        return redirect(url_for("pages.sign_in", next=request.path))
    return render_template("account.html")
