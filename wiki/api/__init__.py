"""The JSON API under /api/v1, as in the contract."""

from flask import Blueprint, g, request

from events.errors import ValidationError
from events.messages import msg
from events.validation import is_valid_text

from ..auth import api_actor
from ..services import services
from ..waiting import check_position

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def int_arg(name: str, default: int | None = None, minimum: int = 1, maximum: int | None = None,
            cap: int | None = None) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isascii() or not raw.isdigit():
        raise ValidationError(msg("%(field)s: måste vara ett heltal.", field=name), name)
    if len(raw) > 12:
        raise ValidationError(msg("%(field)s: utanför tillåtet intervall.", field=name), name)
    value = int(raw)
    if value < minimum or (maximum is not None and value > maximum):
        raise ValidationError(msg("%(field)s: utanför tillåtet intervall.", field=name), name)
    if cap is not None:
        value = min(value, cap)
    return value


def json_body(required: bool = True) -> dict:
    if not request.get_data(cache=True):
        if required:
            raise ValidationError(msg("Skicka ett JSON-objekt i begäran."))
        return {}
    try:
        data = request.get_json(force=True, silent=True)
    except RecursionError:
        data = None
    if not isinstance(data, dict):
        raise ValidationError(msg("Begäran är inte ett giltigt JSON-objekt."))
    _check_json(data)
    return data


MAX_JSON_DEPTH = 12


def _check_json(value, depth: int = 0) -> None:
    """Refuses nesting deeper than any field needs and text that is not valid Unicode."""
    if depth > MAX_JSON_DEPTH:
        raise ValidationError(msg("Begäran är för djupt nästlad."))
    if isinstance(value, str):
        if not is_valid_text(value):
            raise ValidationError(msg("Begäran innehåller ogiltiga Unicode-tecken."))
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_json(key, depth + 1)
            _check_json(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_json(item, depth + 1)


@bp.before_request
def identify_and_catch_up():
    pages = services().pages
    min_position = int_arg("min_position", minimum=0)
    services().catch_up()
    if min_position is not None and pages.position() < min_position:
        check_position(min_position, services().wiki.position())
        with services().waits.slot():
            pages.wait_for(min_position, timeout=5.0)
    g.actor = api_actor()


from . import attachments, audit, examples, meetings, meta, openapi, organisations, register, search, subscriptions, tokens  # noqa: E402,F401,E501
