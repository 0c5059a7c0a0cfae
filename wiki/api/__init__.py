"""The JSON API under /api/v1, as in the contract."""

from flask import Blueprint, g, request

from events.errors import ValidationError

from ..auth import api_actor
from ..services import services

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def int_arg(name: str, default: int | None = None, minimum: int = 1, maximum: int | None = None,
            cap: int | None = None) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isascii() or not raw.isdigit():
        raise ValidationError(f"{name}: måste vara ett heltal.", name)
    if len(raw) > 12:
        raise ValidationError(f"{name}: utanför tillåtet intervall.", name)
    value = int(raw)
    if value < minimum or (maximum is not None and value > maximum):
        raise ValidationError(f"{name}: utanför tillåtet intervall.", name)
    if cap is not None:
        value = min(value, cap)
    return value


def json_body(required: bool = True) -> dict:
    if not request.get_data(cache=True):
        if required:
            raise ValidationError("Skicka ett JSON-objekt i begäran.")
        return {}
    data = request.get_json(force=True, silent=True)
    if not isinstance(data, dict):
        raise ValidationError("Begäran är inte ett giltigt JSON-objekt.")
    return data


@bp.before_request
def identify_and_catch_up():
    pages = services().pages
    min_position = int_arg("min_position", minimum=0)
    if min_position is not None:
        pages.wait_for(min_position, timeout=5.0)
    else:
        pages.catch_up()
    g.actor = api_actor()


from . import examples, meta, organisations, tokens  # noqa: E402,F401
