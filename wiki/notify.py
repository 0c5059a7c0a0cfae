"""Sending what the outbox owes: each message made in its reader's language, with a one-click
unsubscribe link, and handed to the transport; marked sent only after the transport took it.

The notifier (`events/outbox.py`) decides who is owed what; this module composes and sends. A
message is composed when it is sent, from the read model as it is then, and dropped if its
reader may no longer read what it is about or has no address.
"""

import hashlib
import hmac
import threading
import time
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

from flask import render_template, url_for
from flask_babel import force_locale, get_locale

from events.outbox import Notifier, Outbox
from events.permissions import Actor, can_read_example
from search_index.projection import FollowerLock
from search_index.search import SearchRequest

from .mail import PermanentFailure, TemporaryFailure, transport as make_transport
from .search_params import visibility_of

SEND_BATCH = 50


def unsubscribe_signature(secret: str, target: str) -> str:
    """The signature of an unsubscribe link: `target` is `s:<subscription id>` (one subscription) or
    `a:<username>` (all of an account's mail); nobody without the secret can make one."""
    return hmac.new(secret.encode(), f"unsubscribe:{target}".encode(), hashlib.sha256).hexdigest()[:32]


def valid_unsubscribe(secret: str, target: str, signature: str) -> bool:
    return isinstance(signature, str) and hmac.compare_digest(unsubscribe_signature(secret, target), signature)


def search_matcher(searcher):
    """`matching(doc_id, [(query, filters, reader)])` for the notifier, with each reader's rights."""
    def matching(doc_id, searches):
        requests = [SearchRequest(q=q, filters=filters, visibility=visibility_of(who)) for q, filters, who in searches]
        return searcher.matching(doc_id, requests)
    return matching


class Mailer:
    """Composes and sends the outbox's due messages inside the Flask app (templates, translations)."""

    def __init__(self, app, outbox: Outbox, transport):
        self.app = app
        self.outbox = outbox
        self.transport = transport

    @property
    def services(self):
        return self.app.extensions["lansgrupp"]

    def send_due(self, now: str | None = None) -> int:
        """Sends what is due (at `now`, by default the present); returns how many messages were
        handled (sent, dropped or postponed)."""
        due = self.outbox.due(SEND_BATCH, now)
        for message in due:
            self.send(message)
        return len(due)

    def send(self, message: dict) -> None:
        with self.app.test_request_context(base_url=self.app.config["PUBLIC_URL"]):
            mail, reason = self.compose(message)
        if mail is None:
            self.outbox.dropped(message["key"], reason)
            return
        try:
            self.transport.send(mail, message["key"])
        except TemporaryFailure as error:
            self.outbox.retry(message["key"], message["attempts"] + 1, str(error)[:500])
            return
        except PermanentFailure as error:
            self.outbox.failed(message["key"], str(error)[:500])
            return
        self.outbox.sent(message["key"])

    # ---- composing ---------------------------------------------------------------------

    def compose(self, message: dict) -> tuple[EmailMessage | None, str]:
        pages = self.services.pages
        account = pages.account(message["recipient"])
        if account is None or account["disabled"]:
            return None, "account disabled"
        address = self.services.wiki.email_of(message["recipient"])
        if not address:
            return None, "no address"
        who = Actor(account["username"], account["role"], account["organisation"], account["id"])
        settings = pages.mail_settings(who.username)
        with force_locale(settings["language"]):
            items = self._items(message, who)
            if not items:
                return None, "nothing the reader may read"
            subject, text, html = self._render(message, items, who)
        mail = EmailMessage()
        mail["From"] = self.app.config["MAIL_FROM"]
        mail["To"] = address
        mail["Subject"] = subject
        mail["Date"] = format_datetime(datetime.now(timezone.utc))
        mail["Message-ID"] = f"<{message['key']}@{self._host()}>"
        mail["Auto-Submitted"] = "auto-generated"
        target = f"s:{message['subscription']}" if message.get("subscription") else f"a:{who.username}"
        link = url_for("pages.unsubscribe", t=target, s=unsubscribe_signature(self.app.config["SECRET_KEY"], target),
                       _external=True)
        mail["List-Unsubscribe"] = f"<{link}>"
        mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        mail.set_content(text)
        mail.add_alternative(html, subtype="html")
        mail["Content-Language"] = settings["language"]  # after the body: set_content clears Content-*
        return mail, ""

    def _host(self) -> str:
        return urlsplit(self.app.config["PUBLIC_URL"]).hostname or "localhost"

    def _items(self, message: dict, who: Actor) -> list[dict]:
        if message["kind"] == "newsletter":
            issue = self.services.pages.newsletter(newsletter_id=message["subject_id"])
            if issue is None:
                return []
            for example in issue["examples"]:
                example["url"] = url_for("pages.example", slug=example["slug"], _external=True)
            for decision in issue["decisions"]:
                decision["url"] = url_for("pages.meeting", meeting_id=decision["meeting_id"], _external=True)
            return [{"kind": "newsletter", "title": "", "newsletter": issue,
                     "url": url_for("pages.newsletter", number=issue["number"], _external=True)}]
        if message["kind"] == "digest":
            parts = self.outbox.digest_of(message["key"])
        else:
            parts = [message]
        items = []
        for part in parts:
            item = self._item(part["kind"], part["subject_id"], who)
            if item is not None and item not in items:
                items.append(item)
        return items

    def _item(self, kind: str, subject_id: str, who: Actor) -> dict | None:
        """What one message part is about, if the reader may still read it."""
        pages = self.services.pages
        if kind.startswith("example_"):
            example = pages.example_brief(subject_id)
            if example is None or not can_read_example(who, example["status"], example["organisations"]):
                return None
            return {"kind": kind, "title": example["title"], "summary": example["summary"],
                    "url": url_for("pages.example", slug=example["slug"], _external=True)}
        meeting = pages.meeting_brief(subject_id)
        if meeting is None or not who.signed_in:
            return None
        return {"kind": kind, "title": meeting["title"], "summary": "", "date": meeting["date"],
                "starts_at": meeting["starts_at"], "place": meeting["place"], "number": meeting["number"],
                "url": url_for("pages.meeting", meeting_id=subject_id, _external=True)}

    def _render(self, message: dict, items: list[dict], who: Actor) -> tuple[str, str, str]:
        context = {"message": message, "items": items, "reader": who, "language": str(get_locale()),
                   "settings_url": url_for("pages.my_subscriptions", _external=True)}
        subject = render_template("mail/subject.txt", **context).strip()
        return subject, render_template("mail/message.txt", **context), render_template("mail/message.html", **context)


class NotifyServices:
    """The notifier's follower and mailer for one app (a thread under `flask run`, or `notify follow`)."""

    def __init__(self, app):
        services = app.extensions["lansgrupp"]
        data_dir = Path(app.config["DATA_DIR"])
        self.outbox = Outbox(str(data_dir / "outbox.sqlite"))
        self.transport = make_transport(app.config.get("SMTP_URL"), str(data_dir))
        self.notifier = Notifier(services.wiki, services.pages, self.outbox, search_matcher(services.searcher),
                                 services.index.position, forget=self.transport.forget)
        self.mailer = Mailer(app, self.outbox, self.transport)
        self.lock = FollowerLock(data_dir / "notify.lock")

    def step(self) -> bool:
        """One step: new events into the outbox, then due messages out. False when idle."""
        made = self.notifier.run_once()
        sent = self.mailer.send_due()
        return bool(made or sent)

    def close(self) -> None:
        self.lock.release()
        self.outbox.close()


def run(notify: NotifyServices, stop: threading.Event, poll: float = 0.2, log=None) -> None:
    """Follows and sends until `stop`; waits for the data folder's notifier lock first."""
    while not notify.lock.acquire():
        if stop.wait(1.0):
            return
    try:
        while not stop.is_set():
            try:
                busy = notify.step()
            except Exception as error:  # noqa: BLE001 - keep following; log and back off
                if log:
                    log(f"notifier: {error!r}")
                stop.wait(2.0)
                continue
            if not busy:
                stop.wait(poll)
    finally:
        notify.lock.release()


LOCK_RETRY_SECONDS = 5.0


def notify_services(app) -> NotifyServices:
    """The app's notifier and mailer, made on first use."""
    app = getattr(app, "_get_current_object", lambda: app)()  # the app itself, not `current_app`
    if "notify" not in app.extensions:
        app.extensions["notify"] = NotifyServices(app)
        app.extensions["lansgrupp"].closers.append(lambda: stop_notifier(app))
    return app.extensions["notify"]


def ensure_notifier(app) -> None:
    """Starts this process's notifier thread (`NOTIFIER=thread`) if no other process on the data
    folder runs one; tries the lock again at most every few seconds."""
    if app.config.get("NOTIFIER") != "thread":
        return
    state = app.extensions.setdefault("notify_thread", {"thread": None, "tried": 0.0, "stop": threading.Event()})
    if state["thread"] is not None and state["thread"].is_alive():
        return
    now = time.monotonic()
    if now - state["tried"] < LOCK_RETRY_SECONDS:
        return
    state["tried"] = now
    notify = notify_services(app)
    if not notify.lock.acquire():
        return
    state["thread"] = threading.Thread(target=run, args=(notify, state["stop"]),
                                       kwargs={"log": app.logger.warning}, name="notifier", daemon=True)
    state["thread"].start()


def stop_notifier(app) -> None:
    state = app.extensions.get("notify_thread")
    if state and state["thread"] is not None:
        state["stop"].set()
        state["thread"].join(timeout=10)
    if "notify" in app.extensions:
        app.extensions.pop("notify").close()
