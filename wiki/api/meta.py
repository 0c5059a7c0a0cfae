"""/api/v1/health: what an operator alerts on."""

import shutil
from datetime import datetime, timezone
from pathlib import Path

from flask import current_app, jsonify

from search_index import IndexUnavailable

from ..services import services
from . import bp


@bp.get("/health")
def health():
    """The log's head, each projection's position and lag behind it, the latest checkpoint's age,
    the notifier's outbox (where this node keeps one) and the disk space left in the data folder."""
    s = services()
    head = s.wiki.position()
    pages = s.pages.position()
    try:
        index_position, index = s.index.position(), "ok"
    except IndexUnavailable:
        index_position, index = 0, "rebuilding"
    tree_position = s.audit_tree.last_position()
    latest = s.audit_tree.latest()
    lags = {"pages": head - pages, "search": head - index_position, "audit_tree": head - tree_position}
    outbox = Path(current_app.config["DATA_DIR"]) / "outbox.sqlite"
    if outbox.exists():
        from wiki.notify import notify_services
        lags["notifier"] = head - notify_services(current_app).outbox.position()
    disk = shutil.disk_usage(current_app.config["DATA_DIR"])
    checkpoint = None
    if latest is not None:
        at = datetime.fromisoformat(latest["at"].replace("Z", "+00:00"))
        checkpoint = {"size": latest["size"], "age_seconds": int((datetime.now(timezone.utc) - at).total_seconds())}
    return jsonify({"status": "ok", "position": head, "index_position": index_position,
                    "projections": {"pages": pages, "search": index_position, "audit_tree": tree_position},
                    "lag": lags, "index": index, "checkpoint": checkpoint,
                    "disk": {"free_bytes": disk.free, "total_bytes": disk.total}})
