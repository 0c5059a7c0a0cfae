"""/api/v1/health"""

from flask import jsonify

from ..services import services
from . import bp


@bp.get("/health")
def health():
    pages = services().pages
    return jsonify({"status": "ok", "position": services().wiki.position(), "index_position": pages.position(),
                    "projections": {"pages": pages.position()}})
