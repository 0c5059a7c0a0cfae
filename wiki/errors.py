"""Errors in the contract's shape: JSON for the API (Swedish messages), a readable page in the
reader's language elsewhere."""

import errno
import sqlite3

from flask import jsonify, render_template, request
from eventsourcing.persistence import InterfaceError, InternalError, OperationalError
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from events.errors import (
    DomainError, EditConflict, IdentifyingDetails, NotAllowed, NotFound, NotSignedIn, RevisionSuppressed,
    ValidationError,
)
from events.attachments import TooLarge
from events.messages import N_
from events.readmodel import Behind

from .i18n import translate
from .services import StoreNotReady
from .signin import Throttled

STATUS = {ValidationError: 400, NotSignedIn: 401, NotAllowed: 403, NotFound: 404, EditConflict: 409,
          RevisionSuppressed: 410, TooLarge: 413, IdentifyingDetails: 422}

HTTP_CODES = {
    400: ("bad_request", N_("Felaktig begäran.")),
    401: ("unauthorized", N_("Du måste logga in.")),
    403: ("forbidden", N_("Du har inte behörighet.")),
    404: ("not_found", N_("Finns inte.")),
    405: ("method_not_allowed", N_("Metoden är inte tillåten här.")),
    409: ("conflict", N_("Konflikt.")),
    410: ("gone", N_("Finns inte längre.")),
    413: ("too_large", N_("Begäran är för stor (högst 1 MB).")),
    415: ("unsupported_media_type", N_("Skicka JSON.")),
    429: ("too_many_requests", N_("För många försök.")),
    503: ("unavailable", N_("Tjänsten är tillfälligt otillgänglig.")),
}


def _out_of_space(error: Exception) -> bool:
    """SQLite's "database or disk is full" and "attempt to write a readonly database", PostgreSQL's
    disk-full and read-only errors."""
    text = str(error).lower()
    return any(sign in text for sign in ("disk is full", "readonly database", "read-only", "no space left",
                                          "could not extend file"))


def status_of(error: DomainError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 409


def is_api() -> bool:
    return request.path.startswith("/api/")


def error_json(status: int, code: str, message: str, **extra):
    body = {"error": {"code": code, "message": message, **extra}}
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="wiki"'
    return response


def domain_error_response(error: DomainError):
    status = status_of(error)
    extra = dict(error.details)
    if isinstance(error, ValidationError) and error.field:
        extra["field"] = error.field
    return error_json(status, error.code, error.message, **extra)


def error_page(status: int, message: str):
    """The error page, with the message (a Swedish msgid or a domain `Message`) translated."""
    return render_template("error.html", status=status, message=translate(message))


def register(app) -> None:
    @app.errorhandler(DomainError)
    def on_domain_error(error: DomainError):
        if is_api():
            return domain_error_response(error)
        status = status_of(error)
        return error_page(status, error.message), status

    @app.errorhandler(Throttled)
    def on_throttled(error: Throttled):
        message = N_("För många misslyckade inloggningar. Försök igen om en stund.")
        if is_api():
            response = error_json(429, "too_many_attempts", message, retry_after=error.retry_after)
        else:
            response = app.make_response((error_page(429, message), 429))
        response.headers["Retry-After"] = str(error.retry_after)
        return response

    def unavailable(code: str, api_message: str, page_message: str, retry_after: int):
        """503 with Retry-After: the contract's JSON for the API, a readable page elsewhere."""
        if is_api():
            response = error_json(503, code, api_message)
        else:
            response = app.make_response((error_page(503, page_message), 503))
        response.headers["Retry-After"] = str(retry_after)
        return response

    @app.errorhandler(Behind)
    def on_behind(error: Behind):
        return unavailable("behind", "Projektionerna har inte hunnit ikapp; försök igen.",
                           N_("Sidan har inte hunnit uppdateras; försök igen."), 1)

    @app.errorhandler(StoreNotReady)
    def on_store_not_ready(error: StoreNotReady):
        app.logger.error("%s", error)
        message = N_("Händelselagret saknar tabeller: kör flask --app wiki db init.")
        return unavailable("not_ready", message, message, 5)

    def storage_full(error: Exception):
        app.logger.error("event store cannot write: %s", error)
        message = N_("Lagringen är full eller skrivskyddad: ändringen sparades inte. Försök igen när driften "
                     "har frigjort utrymme.")
        return unavailable("storage_full", message, message, 60)

    @app.errorhandler(InternalError)
    @app.errorhandler(sqlite3.OperationalError)
    def on_store_internal_error(error: Exception):
        """PostgreSQL's read-only transaction (SQLSTATE 25006) arrives as an InternalError; the
        data folder's own SQLite files (keys, read model, throttle) raise sqlite3's errors."""
        if _out_of_space(error):
            return storage_full(error)
        raise error

    @app.errorhandler(OSError)
    def on_file_error(error: OSError):
        """Files written beside the log (uploads, blobs, the index) on a full or read-only disk."""
        if error.errno in (errno.ENOSPC, errno.EROFS, errno.EDQUOT):
            return storage_full(error)
        raise error

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def on_store_busy(error: OperationalError):
        if _out_of_space(error):
            return storage_full(error)
        app.logger.warning("event store busy: %s", error)
        return unavailable("unavailable", "Händelseloggen är upptagen; försök igen.",
                           N_("Tjänsten är upptagen; försök igen."), 1)

    @app.errorhandler(CSRFError)
    def on_csrf_error(error: CSRFError):
        from .pages.examples import keep_expired_form
        kept = keep_expired_form()
        if kept is not None:
            return kept
        message = N_("Formuläret har gått ut eller saknar säkerhetstoken. Ladda om sidan och försök igen.")
        return error_page(400, message), 400

    @app.errorhandler(HTTPException)
    def on_http_error(error: HTTPException):
        status = error.code or 500
        code, message = HTTP_CODES.get(status, ("error", error.description or N_("Fel.")))
        if is_api():
            response = error_json(status, code, message)
        else:
            response = app.make_response((error_page(status, message), status))
        if status == 405 and getattr(error, "valid_methods", None):
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response
