"""/api/v1/search"""

from flask import g, jsonify, request

from search_index import IndexUnavailable

from ..errors import error_json
from ..search_params import search_request
from ..services import services
from ..waiting import check_position
from . import bp, int_arg

REBUILDING = "Sökindexet byggs om från händelseloggen; försök igen om en stund."


@bp.get("/search")
def search():
    search = search_request(request.args, g.actor, int_arg)
    min_position = int_arg("min_position", minimum=0)
    try:
        if min_position is not None and services().index.position() < min_position:
            check_position(min_position, services().wiki.position())
            with services().waits.slot():
                services().wait_for_index(min_position)
        return jsonify(services().searcher.search(search))
    except IndexUnavailable:
        response = error_json(503, "index_rebuilding", REBUILDING)
        response.headers["Retry-After"] = "5"
        return response
