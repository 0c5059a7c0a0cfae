"""Account pages: coordinators and admins manage accounts; everyone changes their own password.
A password change ends the account's other sessions and tokens; a reset ends all of them."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from events.errors import Conflict, NotAllowed, NotFound, ValidationError

from ..auth import session_hash
from ..i18n import translate
from ..services import services
from . import bp


def _managers_only():
    if not g.actor.signed_in:
        return redirect(url_for("pages.sign_in", next=request.path))
    if g.actor.role not in ("admin", "coordinator"):
        abort(403)
    return None


def _roles_for(actor) -> list[str]:
    return ["member", "coordinator", "auditor", "admin"] if actor.role == "admin" else ["member", "auditor"]


@bp.route("/konton", methods=["GET", "POST"])
def accounts():
    denied = _managers_only()
    if denied:
        return denied
    error, status = None, 200
    if request.method == "POST":
        form = request.form
        try:
            position = services().wiki.register_account(
                g.actor, form.get("username", "").strip()[:40], form.get("role", ""),
                form.get("organisation") or None, form.get("password", ""))
        except (ValidationError, NotAllowed, Conflict) as failure:
            error, status = translate(failure.message), 400 if not isinstance(failure, NotAllowed) else 403
        else:
            services().pages.wait_for(position)
            flash(gettext("Kontot %(username)s skapades.", username=form.get("username")), "ok")
            return redirect(url_for("pages.accounts"))
    return render_template("accounts.html", accounts=services().pages.accounts(), roles=_roles_for(g.actor),
                           organisations=services().pages.organisations(), error=error,
                           form=request.form), status


@bp.route("/konton/<username>", methods=["GET", "POST"])
def account_detail(username):
    denied = _managers_only()
    if denied:
        return denied
    found = services().pages.account(username) if len(username) <= 40 else None
    if found is None:
        abort(404)
    if request.method == "POST":
        wiki, form, action = services().wiki, request.form, request.form.get("action")
        try:
            if action == "role":
                position = wiki.change_account_role(g.actor, username, form.get("role", ""),
                                                    form.get("organisation") or None)
            elif action in ("disable", "enable"):
                position = wiki.set_account_disabled(g.actor, username, action == "disable", form.get("reason", ""))
            elif action == "password":
                position = wiki.reset_password(g.actor, username, form.get("password", ""), keep=session_hash())
            elif action == "erase":
                services().pages.wait_for(wiki.erase_account(g.actor, username))
                flash(gettext("Kontot är raderat: dess namn och adress finns inte kvar, och det som kontot "
                              "gjorde visas som gjort av ”raderat konto”."), "ok")
                return redirect(url_for("pages.accounts"))
            else:
                abort(400)
        except NotFound:
            abort(404)
        except NotAllowed as failure:
            return render_template("error.html", status=403, message=translate(failure.message)), 403
        except (ValidationError, Conflict) as failure:
            flash(translate(failure.message), "error")
        else:
            services().pages.wait_for(position)
            flash(gettext("Kontot är ändrat."), "ok")
        return redirect(url_for("pages.account_detail", username=username))
    return render_template("account_detail.html", account=found, roles=_roles_for(g.actor),
                           organisations=services().pages.organisations())


@bp.route("/konto/losenord", methods=["GET", "POST"])
def change_password():
    if not g.actor.signed_in:
        return redirect(url_for("pages.sign_in", next=request.path))
    error, status = None, 200
    if request.method == "POST":
        new = request.form.get("new_password", "")
        if new != request.form.get("repeat_password", ""):
            error, status = gettext("De nya lösenorden är inte lika."), 400
        else:
            try:
                position = services().wiki.change_own_password(
                    g.actor, request.form.get("current_password", ""), new, keep=session_hash())
            except ValidationError as failure:
                error, status = translate(failure.message), 400
            else:
                services().pages.wait_for(position)
                flash(gettext("Ditt lösenord är ändrat."), "ok")
                return redirect(url_for("pages.my_account"))
    return render_template("password.html", error=error), status
