"""/api/v1/health"""

from flask import jsonify

from search_index import IndexUnavailable

from ..services import services
from . import bp


@bp.get("/health")
def health():
    pages = services().pages
    try:
        index_position, index = services().index.position(), "ok"
    except IndexUnavailable:
        index_position, index = 0, "rebuilding"
    return jsonify({"status": "ok", "position": services().wiki.position(), "index_position": index_position,
                    "projections": {"pages": pages.position(), "search": index_position}, "index": index})
