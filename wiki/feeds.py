"""The Atom 1.0 feed of changes to published examples."""

from uuid import NAMESPACE_URL, uuid5
from xml.sax.saxutils import escape

from flask import Blueprint, Response, url_for

from events.permissions import ANONYMOUS

from .services import services

bp = Blueprint("feeds", __name__)

FEED_ID = uuid5(NAMESPACE_URL, "/lansgrupp-wiki/feeds/changes")
CHANGE_LABELS = {"created": "skapades", "edited": "ändrades", "reverted": "återställdes",
                 "published": "publicerades", "archived": "arkiverades"}


@bp.get("/feeds/changes.atom")
def changes():
    pages = services().pages
    pages.catch_up()
    items = pages.recent_changes(ANONYMOUS, limit=50, public_only=True)
    updated = items[0]["at"] if items else "2010-01-01T00:00:00Z"
    self_url = url_for("feeds.changes", _external=True)
    entries = []
    for item in items:
        link = url_for("pages.example", slug=item["slug"], _external=True)
        entry_id = uuid5(NAMESPACE_URL, f"/lansgrupp-wiki/changes/{item['example_id']}/{item['position']}")
        title = f"{item['title']} {CHANGE_LABELS.get(item['change'], item['change'])} (version {item['version']})"
        summary = item["comment"] or ", ".join(item["fields"]) or CHANGE_LABELS.get(item["change"], "")
        entries.append(
            "<entry>"
            f"<id>urn:uuid:{entry_id}</id>"
            f"<title>{escape(title)}</title>"
            f"<updated>{item['at']}</updated>"
            f"<author><name>{escape(item['by'])}</name></author>"
            f'<link rel="alternate" type="text/html" href="{escape(link)}"/>'
            f'<summary type="text">{escape(summary)}</summary>'
            "</entry>")
    xml = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="sv">'
        f"<id>urn:uuid:{FEED_ID}</id>"
        "<title>Lärande exempel – senaste ändringar</title>"
        f"<updated>{updated}</updated>"
        f'<link rel="self" type="application/atom+xml" href="{escape(self_url)}"/>'
        f'<link rel="alternate" type="text/html" href="{escape(url_for("pages.recent_changes", _external=True))}"/>'
        "<author><name>Länsgruppen mot mäns våld mot kvinnor</name></author>"
        + "".join(entries) + "</feed>\n")
    return Response(xml, mimetype="application/atom+xml")
