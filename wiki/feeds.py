"""The Atom 1.0 feed of changes to published examples."""

import re
from uuid import NAMESPACE_URL, uuid5
from xml.sax.saxutils import escape as escape_markup

from flask import Blueprint, Response, request, url_for
from flask_babel import gettext

from events.errors import ValidationError
from events.messages import N_
from events.permissions import ANONYMOUS
from search_index import IndexUnavailable

from .i18n import current_language, translate
from .search_params import search_request
from .services import services

bp = Blueprint("feeds", __name__)

FEED_ID = uuid5(NAMESPACE_URL, "/lansgrupp-wiki/feeds/changes")
CHANGE_LABELS = {"created": N_("skapades"), "edited": N_("ändrades"), "reverted": N_("återställdes"),
                 "published": N_("publicerades"), "archived": N_("arkiverades"),
                 "suppressed": N_("fick en versions text dold"), "attachment_added": N_("fick en bilaga"),
                 "attachment_removed": N_("fick en bilaga borttagen"),
                 "attachment_destroyed": N_("fick en bilaga förstörd")}
# Characters XML 1.0 cannot carry: events stored before validation refused them must not break the feed.
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape(text: str) -> str:
    """`text` for the feed's XML: escaped, without characters XML 1.0 forbids."""
    return escape_markup(NOT_XML.sub("", text))


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
        change = gettext(CHANGE_LABELS[item["change"]]) if item["change"] in CHANGE_LABELS else item["change"]
        title = gettext("%(title)s %(change)s (version %(version)s)", title=item["title"], change=change,
                        version=item["version"])
        summary = item["comment"] or ", ".join(item["fields"]) or change
        entries.append(
            "<entry>"
            f"<id>urn:uuid:{entry_id}</id>"
            f"<title>{escape(title)}</title>"
            f"<updated>{item['at']}</updated>"
            f"<author><name>{escape(item['by'])}</name></author>"
            f'<link rel="alternate" type="text/html" href="{escape(link)}"/>'
            f'<summary type="text">{escape(summary)}</summary>'
            "</entry>")
    feed_title = gettext("Lärande exempel – senaste ändringar")
    author = gettext("Länsgruppen mot mäns våld mot kvinnor")
    xml = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{current_language()}">'
        f"<id>urn:uuid:{FEED_ID}</id>"
        f"<title>{escape(feed_title)}</title>"
        f"<updated>{updated}</updated>"
        f'<link rel="self" type="application/atom+xml" href="{escape(self_url)}"/>'
        f'<link rel="alternate" type="text/html" href="{escape(url_for("pages.recent_changes", _external=True))}"/>'
        f"<author><name>{escape(author)}</name></author>"
        + "".join(entries) + "</feed>\n")
    return Response(xml, mimetype="application/atom+xml")


SEARCH_FEED_SIZE = 50


@bp.get("/feeds/search.atom")
def search():
    """The published examples that match a search (`q` and the facets of `/sok`), newest first:
    a saved search anyone can follow in a feed reader."""
    args = {**request.args.to_dict(), "sort": "updated"}
    pages = {"page": 1, "per_page": SEARCH_FEED_SIZE}
    try:
        search_request_ = search_request(args, ANONYMOUS, lambda name, *_, **__: pages[name])
    except ValidationError as error:
        return Response(translate(error.message) + "\n", status=400, mimetype="text/plain")
    try:
        result = services().searcher.search(search_request_)
    except IndexUnavailable:
        return Response(gettext("Sökindexet byggs om; försök igen om en stund.") + "\n", status=503,
                        mimetype="text/plain", headers={"Retry-After": "5"})
    query = {k: v for k, v in request.args.items() if k in ("q", *search_request_.filters)}
    self_url = url_for("feeds.search", _external=True, **query)
    feed_id = uuid5(NAMESPACE_URL, "/lansgrupp-wiki/feeds/search?" + "&".join(f"{k}={v}" for k, v in sorted(query.items())))
    entries = []
    for hit in result["hits"]:
        link = url_for("pages.example", slug=hit["slug"], _external=True)
        entry_id = uuid5(NAMESPACE_URL, f"/lansgrupp-wiki/examples/{hit['slug']}")
        entries.append(
            "<entry>"
            f"<id>urn:uuid:{entry_id}</id>"
            f"<title>{escape(hit['title'])}</title>"
            f"<updated>{hit['updated_at']}</updated>"
            f'<link rel="alternate" type="text/html" href="{escape(link)}"/>'
            f'<summary type="text">{escape(hit["summary"])}</summary>'
            "</entry>")
    updated = max((hit["updated_at"] for hit in result["hits"]), default="2010-01-01T00:00:00Z")
    words = request.args.get("q", "").strip()
    feed_title = (gettext("Lärande exempel som matchar ”%(q)s”", q=words) if words
                  else gettext("Lärande exempel som matchar sökningen"))
    author = gettext("Länsgruppen mot mäns våld mot kvinnor")
    xml = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{current_language()}">'
        f"<id>urn:uuid:{feed_id}</id>"
        f"<title>{escape(feed_title)}</title>"
        f"<updated>{updated}</updated>"
        f'<link rel="self" type="application/atom+xml" href="{escape(self_url)}"/>'
        f'<link rel="alternate" type="text/html" href="{escape(url_for("pages.search", _external=True, **query))}"/>'
        f"<author><name>{escape(author)}</name></author>"
        + "".join(entries) + "</feed>\n")
    return Response(xml, mimetype="application/atom+xml")


@bp.get("/feeds/checkpoints.atom")
def checkpoints():
    """The latest signed checkpoints of the audit log, newest first, each whole in its entry, so that
    anyone outside can keep copies (witnessing) and later prove the log was not rewritten."""
    tree = services().audit_tree
    tree.update()
    items = tree.checkpoints(limit=50)
    updated = items[0]["at"] if items else "2010-01-01T00:00:00Z"
    entries = []
    for item in items:
        entry_id = uuid5(NAMESPACE_URL, f"/lansgrupp-wiki/checkpoints/{tree.origin}/{item['size']}")
        title = gettext("Kontrollpunkt: %(size)s händelser", size=item["size"])
        entries.append(
            "<entry>"
            f"<id>urn:uuid:{entry_id}</id>"
            f"<title>{escape(title)}</title>"
            f"<updated>{item['at']}</updated>"
            f'<content type="text">{escape(item["note"])}</content>'
            "</entry>")
    xml = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{current_language()}">'
        f"<id>urn:uuid:{uuid5(NAMESPACE_URL, '/lansgrupp-wiki/feeds/checkpoints/' + tree.origin)}</id>"
        f"<title>{escape(gettext('Granskningsloggens kontrollpunkter'))}</title>"
        f"<updated>{updated}</updated>"
        f'<link rel="self" type="application/atom+xml" href="{escape(url_for("feeds.checkpoints", _external=True))}"/>'
        f"<author><name>{escape(gettext('Länsgruppen mot mäns våld mot kvinnor'))}</name></author>"
        + "".join(entries) + "</feed>\n")
    return Response(xml, mimetype="application/atom+xml")
