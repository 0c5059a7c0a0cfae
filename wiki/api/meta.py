"""/api/v1/health"""

from flask import jsonify

from ..services import services
from . import bp


@bp.get("/health")
def health():
    pages, index = services().pages, services().index
    return jsonify({"status": "ok", "position": services().wiki.position(), "index_position": index.position(),
                    "projections": {"pages": pages.position(), "search": index.position()}})
