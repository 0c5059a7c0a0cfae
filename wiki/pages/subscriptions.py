"""The signed-in account's mail: address, language, newsletter and subscriptions (with what the
next weekly digest would hold), and the signed one-click unsubscribe link of every message."""

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext

from events.errors import DomainError, NotFound
from events.messages import N_
from events.subscriptions import FREQUENCIES

from .. import csrf
from ..i18n import Labels, local_path, translate
from ..notify import notify_services, valid_unsubscribe
from ..services import services
from . import bp

MAIL_KINDS = {"example_published": N_("Nytt lärande exempel"), "example_changed": N_("Ändrat lärande exempel"),
              "meeting_planned": N_("Nytt möte"), "meeting_cancelled": N_("Inställt möte"),
              "minutes_approved": N_("Justerat protokoll")}


def _signed_in():
    if not g.actor.signed_in:
        return redirect(url_for("pages.sign_in", next=request.full_path.rstrip("?")))
    return None


@bp.get("/konto/prenumerationer")
def my_subscriptions():
    if (denied := _signed_in()) is not None:
        return denied
    return _page()


@bp.post("/konto/prenumerationer/kalender")
def renew_calendar_feed():
    """A new secret calendar address, shown on this answer only (the log keeps its hash)."""
    if (denied := _signed_in()) is not None:
        return denied
    secret, _ = services().wiki.renew_calendar_feed(g.actor)
    services().pages.catch_up()
    return _page(calendar_url=url_for("calendar.feed", secret=secret, _external=True))


def _page(**extra):
    wiki, pages = services().wiki, services().pages
    account = wiki.get_account(g.actor.username)
    subscriptions = pages.subscriptions_of(g.actor.username)
    titles = pages.titles([s["example_id"] for s in subscriptions if s["example_id"]])
    waiting = [_waiting(item) for item in notify_services(current_app).outbox.digest_items(g.actor.username)]
    return render_template(
        "subscriptions.html", email=wiki.email_of(account) or "", language=getattr(account, "language", "sv"),
        newsletter=getattr(account, "newsletter", False), subscriptions=subscriptions, titles=titles,
        waiting=waiting, frequencies=FREQUENCIES, MAIL_KINDS=Labels(MAIL_KINDS),
        search_args={k: v for k, v in request.args.items()}, **extra)


def _waiting(item: dict) -> dict:
    """A digest item as the page lists it: what it is about and its title now."""
    return {"kind": item["kind"], "title": services().pages.titles([item["subject_id"]]).get(item["subject_id"], "")}


def _back():
    """Where a form returns: `next` if it is a path on this site (the example page's "Bevaka"), else this page."""
    return redirect(local_path(request.form.get("next")) or url_for("pages.my_subscriptions"))


def _done(position: int | None, message: str):
    if position is not None:
        session["last_position"] = position
    flash(message, "ok")
    return _back()


def _refused(error: DomainError):
    flash(translate(error.message), "error")
    return _back()


@bp.post("/konto/prenumerationer/installningar")
def change_mail_settings():
    if (denied := _signed_in()) is not None:
        return denied
    data = {"email": request.form.get("email", ""), "language": request.form.get("language", "sv"),
            "newsletter": request.form.get("newsletter") == "ja"}
    try:
        position = services().wiki.change_mail_settings(g.actor, data)
    except DomainError as error:
        return _refused(error)
    return _done(position, gettext("Inställningarna är sparade."))


@bp.post("/konto/prenumerationer")
def subscribe():
    if (denied := _signed_in()) is not None:
        return denied
    kind = request.form.get("kind", "")
    data = {"kind": kind, "frequency": request.form.get("frequency", "immediate")}
    if kind == "search":
        data["query"] = request.form.get("query", "")
        data["filters"] = {k: v for k, v in request.form.items()
                           if k in ("violence_form", "goal", "organisation", "municipality", "target_group", "year")
                           and v}
    elif kind == "example":
        data["example"] = request.form.get("example", "")
    try:
        _, position = services().wiki.subscribe(g.actor, data)
    except DomainError as error:
        return _refused(error)
    return _done(position, gettext("Prenumerationen är sparad."))


@bp.post("/konto/prenumerationer/<subscription_id>/avsluta")
def unsubscribe_own(subscription_id):
    if (denied := _signed_in()) is not None:
        return denied
    try:
        position = services().wiki.unsubscribe(g.actor, subscription_id[:40])
    except NotFound:
        abort(404)
    except DomainError as error:
        return _refused(error)
    return _done(position, gettext("Prenumerationen är avslutad."))


def _target(target: str) -> tuple[str, str | None] | None:
    """(username, subscription id or None for all mail) of a link's target, if it still exists."""
    kind, _, value = target.partition(":")
    if kind == "s":
        found = services().pages.subscription(value[:40])
        return (found["username"], value) if found else None
    if kind == "a" and value:
        return (value, None) if services().pages.account(value[:40]) else None
    return None


@csrf.exempt
@bp.route("/avprenumerera", methods=["GET", "POST"])
def unsubscribe():
    """One click (RFC 8058): a mail program POSTs `List-Unsubscribe=One-Click`; a person who opens
    the link gets a page with a button (GET changes nothing, so link scanners unsubscribe no one).
    The link is signed: without the server's secret nobody can make one for someone else."""
    target, signature = request.values.get("t", ""), request.values.get("s", "")
    if not valid_unsubscribe(current_app.config["SECRET_KEY"], target, signature):
        return render_template("unsubscribe.html", state="invalid"), 400
    found = _target(target)
    if request.method == "GET":
        return render_template("unsubscribe.html", state="ask" if found else "gone", target=target,
                               signature=signature)
    if found is not None:
        try:
            services().wiki.unsubscribe_by_link(*found)
        except NotFound:
            pass
    return render_template("unsubscribe.html", state="done")
