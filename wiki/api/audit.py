"""/api/v1/audit: the stored log, its hash chain and the membership export."""

import re

from flask import Response, g, jsonify, request

from events.errors import NotAllowed, NotFound, NotSignedIn, ValidationError

from ..audit_export import log_export_response, membership_rows, stored_events, to_csv, to_jsonl
from ..services import services
from . import bp, int_arg, json_body

EVENTS_CAP = 500


def _auditing() -> None:
    if not g.actor.signed_in:
        raise NotSignedIn("Logga in för att granska.")
    if not g.actor.reads_everything:
        raise NotAllowed("Bara granskare, samordnare och administratörer granskar loggen.")


@bp.get("/audit/events")
def audit_events():
    _auditing()
    after = int_arg("after", 0, minimum=0)
    limit = int_arg("limit", 100, cap=EVENTS_CAP)
    aggregate = request.args.get("aggregate") or None
    if aggregate is not None and not re.fullmatch(r"[0-9a-fA-F-]{32,36}", aggregate):
        raise ValidationError("aggregate: ett aggregats id (uuid).", "aggregate")
    items, following = stored_events(services().wiki, after, limit, request.args.get("type") or None,
                                     request.args.get("actor") or None, aggregate and aggregate.lower())
    return jsonify({"items": items, "next": following})


@bp.get("/audit/digest")
def audit_digest():
    _auditing()
    return jsonify(services().audit.digest())


@bp.post("/audit/verify")
def audit_verify():
    _auditing()
    data = json_body(required=False)
    digest = None
    if data:
        position, sha = data.get("position"), data.get("sha256")
        if isinstance(position, bool) or not isinstance(position, int) or position < 0:
            raise ValidationError("position: ett heltal.", "position")
        if not isinstance(sha, str) or not re.fullmatch(r"[0-9a-f]{64}", sha):
            raise ValidationError("sha256: 64 hexadecimala tecken.", "sha256")
        digest = {"position": position, "sha256": sha}
    return jsonify(services().audit.verify(digest))


@bp.get("/audit/export")
def audit_export():
    _auditing()
    what = request.args.get("what", "membership")
    fmt = request.args.get("format", "csv")
    if what == "log":
        return log_export_response()
    if what != "membership":
        raise ValidationError("what: membership eller log.", "what")
    if fmt not in ("csv", "jsonl"):
        raise ValidationError("format: csv eller jsonl.", "format")
    rows = membership_rows(services().pages.all_terms())
    if fmt == "csv":
        return Response(to_csv(rows), mimetype="text/csv",
                        headers={"Content-Disposition": "attachment; filename=medlemshistorik.csv"})
    return Response(to_jsonl(rows), mimetype="application/x-ndjson",
                    headers={"Content-Disposition": "attachment; filename=medlemshistorik.jsonl"})


# ---- proofs: the Merkle tree and its signed checkpoints (public: they show hashes only) ----------

def _tree():
    tree = services().audit_tree
    tree.update()
    return tree


@bp.get("/audit/checkpoint")
def audit_checkpoint():
    tree = _tree()
    latest = tree.latest() or tree.checkpoint()
    return Response(latest["note"], mimetype="text/plain", headers={"X-Tree-Size": str(latest["size"])})


@bp.get("/audit/public-key")
def audit_public_key():
    return jsonify(services().audit_tree.public_key())


@bp.get("/audit/events/<int:position>/leaf")
def audit_leaf(position):
    _auditing()
    leaf = _tree().leaf(position)
    if leaf is None:
        raise NotFound("Positionen finns inte i trädet.")
    return jsonify(leaf)


@bp.get("/audit/proof/inclusion")
def audit_inclusion_proof():
    tree = _tree()
    position = int_arg("position", minimum=1)
    tree_size = int_arg("tree_size", minimum=1)
    if position is None or tree_size is None:
        raise ValidationError("position och tree_size: ange båda.", "position" if position is None else "tree_size")
    if tree_size > tree.tree.size():
        raise ValidationError(f"tree_size: trädet har {tree.tree.size()} löv.", "tree_size")
    proof = tree.inclusion(position, tree_size)
    if proof is None:
        raise NotFound("Positionen finns inte i ett träd av den storleken.")
    return jsonify(proof)


@bp.get("/audit/proof/consistency")
def audit_consistency_proof():
    tree = _tree()
    old_size = int_arg("from", minimum=1)
    new_size = int_arg("to", minimum=1)
    if old_size is None or new_size is None:
        raise ValidationError("from och to: ange båda.", "from" if old_size is None else "to")
    if old_size > new_size:
        raise ValidationError("from: får inte vara större än to.", "from")
    if new_size > tree.tree.size():
        raise ValidationError(f"to: trädet har {tree.tree.size()} löv.", "to")
    return jsonify(tree.consistency(old_size, new_size))
