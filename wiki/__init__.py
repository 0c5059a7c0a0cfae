"""The Flask application: views, API and CLI around the event-sourced wiki."""

import os
import secrets
from pathlib import Path
from urllib.parse import urlparse

import click
from flask import Flask, request
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

import templates as templates_package

from .auth import SessionCookies
from .i18n import install_template_gettext, select_locale
from .services import Services

csrf = CSRFProtect()
babel = Babel()


def _secret_key(data_dir: Path) -> str:
    configured = os.environ.get("WIKI_SECRET_KEY")
    if configured:
        return configured
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return key_file.read_text().strip()


UPLOAD_ENDPOINTS = frozenset({"pages.upload_attachment", "api.upload_attachment", "pages.upload_meeting_attachment",
                              "api.upload_meeting_attachment"})


def _megabytes(value) -> int:
    """`WIKI_ATTACHMENT_MAX_MB` in bytes (a positive number of megabytes, fractions allowed)."""
    try:
        megabytes = float(value)
    except (TypeError, ValueError):
        megabytes = -1
    if not 0 < megabytes <= 2048:
        raise ValueError(f"WIKI_ATTACHMENT_MAX_MB: megabytes between 0 and 2048 (got {value!r})")
    return int(megabytes * 1024 * 1024)


def _positive(value, name: str) -> int:
    text = str(value).strip()
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"{name}: a whole number from 1 (got {value!r})")
    return int(text)


def _flag(value) -> bool | None:
    """A yes/no setting; None when unset."""
    if value is None or value == "":
        return None
    return str(value).lower() in ("1", "y", "yes", "true")


def _proxy_hops(value) -> int:
    """`WIKI_TRUSTED_PROXIES`: how many reverse proxies in front of the app set X-Forwarded-*."""
    text = str(value if value is not None else 0).strip()
    if not text.isascii() or not text.isdigit():
        raise ValueError(f"WIKI_TRUSTED_PROXIES: the number of proxies, 0 or more (got {value!r})")
    return int(text)


def _serving_with_flask_run() -> bool:
    context = click.get_current_context(silent=True)
    return context is not None and context.info_name == "run"


READ_MODEL_CHECKED = "WIKI_READ_MODEL_CHECKED"  # set by gunicorn's master to the data folder it checked


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(Path(templates_package.__file__).parent),
        static_folder="static",
    )
    config = dict(test_config or {})
    data_dir = Path(config.get("DATA_DIR") or os.environ.get("WIKI_DATA_DIR") or "instance").resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        DATA_DIR=str(data_dir),
        EVENT_STORE=os.environ.get("WIKI_EVENT_STORE", "sqlite"),
        CREATE_TABLES=os.environ.get("WIKI_CREATE_TABLES"),
        SECRET_KEY=_secret_key(data_dir),
        MAX_CONTENT_LENGTH=1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="lansgrupp_session",
        PERMANENT_SESSION_LIFETIME=8 * 3600,
        SESSION_COOKIE_SECURE=os.environ.get("WIKI_SECURE_COOKIES", "n").lower() in ("1", "y", "yes", "true"),
        WTF_CSRF_TIME_LIMIT=None,
        TRUSTED_PROXIES=os.environ.get("WIKI_TRUSTED_PROXIES", "0"),
        BABEL_DEFAULT_LOCALE="sv",
        BABEL_DEFAULT_TIMEZONE="Europe/Stockholm",
    )
    app.config.update(config)
    app.config["TRUSTED_PROXIES"] = hops = _proxy_hops(app.config["TRUSTED_PROXIES"])
    if hops:  # the client's address, scheme and host come from the proxies' X-Forwarded-* headers
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    app.config.setdefault("INDEX_FOLLOWER", os.environ.get("WIKI_INDEX_FOLLOWER", "thread"))
    app.config.setdefault("SMTP_URL", os.environ.get("WIKI_SMTP_URL") or None)
    app.config.setdefault("MAIL_FROM", os.environ.get("WIKI_MAIL_FROM", "Länsgruppens wiki <wiki@localhost>"))
    app.config.setdefault("ATTACHMENT_MAX_MB", os.environ.get("WIKI_ATTACHMENT_MAX_MB", "20"))
    app.config.setdefault("SIGNING_KEY", os.environ.get("WIKI_SIGNING_KEY") or None)
    app.config.setdefault("ERASURE_LEDGER", os.environ.get("WIKI_ERASURE_LEDGER") or None)
    app.config.setdefault("CHECKPOINT_EVERY", os.environ.get("WIKI_CHECKPOINT_EVERY", "1000"))
    app.config.setdefault("PUBLIC_URL", os.environ.get("WIKI_PUBLIC_URL", "http://127.0.0.1:5000"))
    app.config.setdefault("AUDIT_ORIGIN", os.environ.get("WIKI_AUDIT_ORIGIN") or
                          f"{urlparse(app.config['PUBLIC_URL']).netloc or 'localhost'}/lansgrupp-wiki")
    # The notifier is one per installation: a thread on the embedded store; with PostgreSQL (several
    # nodes) it runs as `flask --app wiki notify follow` on one machine.
    # Tests drive it themselves unless they ask for the thread.
    app.config.setdefault("NOTIFIER", os.environ.get(
        "WIKI_NOTIFIER", "thread" if app.config["EVENT_STORE"] in ("", "sqlite") and not app.testing else "off"))
    app.extensions["lansgrupp"] = Services.open(
        app.config["DATA_DIR"], app.config["EVENT_STORE"],
        create_tables=_flag(app.config["CREATE_TABLES"]),
        run_follower=app.config["INDEX_FOLLOWER"] == "thread", log=app.logger.warning,
        settings={"ATTACHMENT_MAX_BYTES": str(_megabytes(app.config["ATTACHMENT_MAX_MB"])),
                  **({"ERASURE_LEDGER": app.config["ERASURE_LEDGER"]} if app.config["ERASURE_LEDGER"] else {})},
        audit={"origin": app.config["AUDIT_ORIGIN"], "signing_key": app.config["SIGNING_KEY"],
               "every": _positive(app.config["CHECKPOINT_EVERY"], "WIKI_CHECKPOINT_EVERY")},
        check_read_model=os.environ.get(READ_MODEL_CHECKED) != app.config["DATA_DIR"])

    from .notify import ensure_notifier

    if _serving_with_flask_run():
        app.extensions["lansgrupp"].ensure_follower()
        ensure_notifier(app)

    @app.before_request
    def start_index_follower():
        app.extensions["lansgrupp"].ensure_ready()
        app.extensions["lansgrupp"].ensure_follower()
        ensure_notifier(app)

    @app.after_request
    def wake_index_follower(response):
        if request.method in ("POST", "PUT", "DELETE") and response.status_code < 400:
            app.extensions["lansgrupp"].background.wake.set()
        return response

    @app.before_request
    def allow_file_uploads():
        """Upload routes take a file up to the attachment limit (before the CSRF check reads the form)."""
        if request.endpoint in UPLOAD_ENDPOINTS and request.method == "POST":
            request.max_content_length = app.extensions["lansgrupp"].wiki.attachment_max_bytes + 64 * 1024

    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    install_template_gettext(app)
    app.session_interface = SessionCookies()

    from . import api, calendar, cli, errors, feeds, headers, pages
    app.register_blueprint(api.bp)
    csrf.exempt(api.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(calendar.bp)
    errors.register(app)
    headers.register(app)
    cli.register(app)
    pages.register_filters(app)
    return app

