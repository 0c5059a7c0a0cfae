"""Languages of the pages: Swedish first, English on request (a cookie set by /sprak/<code>).

The msgids are Swedish. Domain messages (`events.messages.Message`) and vocabulary labels are
translated here, at the edge; the JSON API never translates.
"""

from collections.abc import Mapping
from datetime import date, datetime
from urllib.parse import urlsplit

from flask import current_app, g, has_request_context, request
from flask_babel import format_date, format_datetime, get_locale, get_translations, gettext

from events.messages import Message

LANGUAGES = {"sv": "Svenska", "en": "English"}
DEFAULT_LANGUAGE = "sv"
COOKIE = "lansgrupp_lang"
COOKIE_MAX_AGE = 400 * 24 * 3600    # the longest lifetime browsers keep


def select_locale() -> str:
    """The reader's choice from the cookie; Swedish otherwise (never Accept-Language)."""
    code = request.cookies.get(COOKIE) if has_request_context() else None
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def _translations():
    """This request's catalogue, found once per locale (a page asks for it some thirty times;
    `force_locale`, as the mail uses, changes the locale and so the catalogue)."""
    babel = g.get("_flask_babel")
    locale = getattr(babel, "babel_locale", None)
    kept = g.get("_page_translations")
    if kept is not None and locale is not None and kept[0] is locale:
        return kept[1]
    translations = get_translations()
    g._page_translations = (getattr(g.get("_flask_babel"), "babel_locale", None), translations)
    return translations


def install_template_gettext(app) -> None:
    """Jinja's `_`, `gettext` and `ngettext` through `_translations` (after Flask-Babel's init)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True)


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else DEFAULT_LANGUAGE


def translate(text) -> str:
    """A message in the reader's language: a `Message` by its msgid and parameters (parameters
    that are messages themselves translated too), a plain string by itself as msgid."""
    if isinstance(text, Message):
        params = {name: translate(value) if isinstance(value, Message) else value
                  for name, value in text.params.items()}
        return gettext(text.template, **params)
    if isinstance(text, str) and text:
        return gettext(text)
    return text


class Labels(Mapping):
    """A vocabulary (id → Swedish label) whose labels are translated when they are read."""

    def __init__(self, labels: Mapping):
        self._labels = labels

    def __getitem__(self, key):
        return gettext(self._labels[key])

    def __iter__(self):
        return iter(self._labels)

    def __len__(self) -> int:
        return len(self._labels)


def local_path(target) -> str | None:
    """`target` if it is a path on this site (for `next=`), else None: no scheme, no host, no
    `//` or backslash that a browser would read as another host, no control characters."""
    if not isinstance(target, str) or not target.startswith("/") or len(target) > 2000:
        return None
    if target.startswith(("//", "/\\")) or "\\" in target:
        return None
    if any(ord(c) < 0x21 or ord(c) == 0x7f for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _moment(value) -> datetime | None:
    if not value:
        return None
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def localised_datetime(value, format: str = "d MMM y HH:mm") -> str:
    """A time from the log (ISO 8601, UTC) in the reader's language, in Europe/Stockholm time:
    "29 nov. 2026 14:05" in Swedish, "29 Nov 2026 14:05" in English."""
    moment = _moment(value)
    return format_datetime(moment, format) if moment is not None else ""


# Swedish writes calendar dates the ISO way (CLDR's short Swedish date); English by month name.
DATE_FORMATS = {"sv": "yyyy-MM-dd", "en": "d MMM y"}


def localised_date(value) -> str:
    """A calendar date (YYYY-MM-DD) in the reader's language: "2010-01-01", "1 Jan 2010"."""
    if not value:
        return ""
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return format_date(day, DATE_FORMATS.get(current_language(), DATE_FORMATS[DEFAULT_LANGUAGE]))


def language_cookie(response, code: str):
    response.set_cookie(COOKIE, code, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True,
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
    return response
