"""Markdown to safe HTML: Python-Markdown for the syntax, nh3 for the sanitising.

`[[slug]]` (or `[[slug|text]]`) links to another learning example. The links a body
makes are returned with the HTML, so the read model can keep backlinks. A `[[...]]`
whose target is not plain title text stays plain text.

Images come from the wiki itself (a path beginning with one `/`) or are small `data:`
PNG, JPEG, GIF or WebP images; any other image is replaced by a marker that tells the
reader an outside image was left out, so no reader's browser fetches from other sites.
Links to other sites get `rel="noopener noreferrer nofollow"`.
"""

import re
import threading
from html import escape, unescape
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from functools import lru_cache

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension
from markdown.inlinepatterns import InlineProcessor
from markdown.util import ETX, HTML_PLACEHOLDER_RE, STX

from .messages import N_

from .slugs import slugify

EXAMPLE_URL_PREFIX = "/exempel/"
WIKILINK_PATTERN = r"\[\[([^\[\]|\n]{1,120})(?:\|([^\[\]\n]{1,120}))?\]\]"
# What a wikilink's target may hold: title text, never markup, entities or escapes.
WIKILINK_TARGET = re.compile(r"[\w\s\-\u2013\u2014.,:;!?()'\u2019\u201c\u201d%&+/]+")
EXTERNAL_IMAGE_REMOVED = N_("Extern bild borttagen")
DATA_IMAGE_MAX = 64 * 1024
LINK_REL = "noopener noreferrer nofollow"
# Python-Markdown's placeholder for a backslash-escaped character.
_ESCAPED_CHARACTER = re.compile(f"{STX}([0-9]+){ETX}")

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p",
    "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
    "code": {"class"},
    "div": {"class"},
    "span": {"class"},
    "abbr": {"title"},
    **{f"h{n}": {"id"} for n in range(1, 7)},
}


@dataclass(frozen=True)
class Rendered:
    html: str
    links: tuple[str, ...]


class _WikiLinkProcessor(InlineProcessor):
    def __init__(self, pattern, md, links: list[str]):
        super().__init__(pattern, md)
        self.links = links

    def handleMatch(self, m, data):
        written = m.group(1).strip()
        target = slugify(written, fallback="")
        if not WIKILINK_TARGET.fullmatch(written) or not target:
            return self._original(m.group(0)), m.start(0), m.end(0)
        element = etree.Element("a")
        element.set("href", EXAMPLE_URL_PREFIX + target)
        element.set("class", "wikilink")
        element.text = (m.group(2) or m.group(1)).strip()
        if target not in self.links:
            self.links.append(target)
        return element, m.start(0), m.end(0)

    def _original(self, text: str) -> str:
        """`text` as written: the placeholders of earlier inline patterns (code, escapes, HTML,
        entities) replaced by what they stand for, to be shown as plain text."""
        stash = self.md.htmlStash.rawHtmlBlocks

        def raw_html(match: re.Match) -> str:
            index = int(match.group(1))
            return stash[index] if index < len(stash) and isinstance(stash[index], str) else ""

        for _ in range(10):
            if STX not in text:
                break
            text = self.unescape(text)
            text = HTML_PLACEHOLDER_RE.sub(raw_html, text)
            text = _ESCAPED_CHARACTER.sub(lambda match: chr(int(match.group(1))), text)
        return text.replace(STX, "").replace(ETX, "")


class _WikiLinkExtension(Extension):
    def __init__(self, links: list[str]):
        super().__init__()
        self.links = links

    def extendMarkdown(self, md):
        md.inlinePatterns.register(_WikiLinkProcessor(WIKILINK_PATTERN, md, self.links), "lansgrupp_wikilink", 75)


_converters = threading.local()


def _converter() -> tuple[markdown.Markdown, list[str]]:
    """This thread's Markdown converter and the list its wiki-link pattern fills (made once: making
    one costs more than converting a page)."""
    made = getattr(_converters, "made", None)
    if made is None:
        links: list[str] = []
        converter = markdown.Markdown(
            extensions=[
                TableExtension(use_align_attribute=True),
                "fenced_code",
                "sane_lists",
                TocExtension(permalink=False, slugify=lambda value, separator: slugify(value, fallback="rubrik")),
                _WikiLinkExtension(links),
            ],
            output_format="html",
        )
        made = _converters.made = (converter, links)
    return made


@lru_cache(maxsize=256)
def render_markdown(source: str) -> Rendered:
    """Sanitised HTML and the `[[slug]]` targets of a Markdown text; the same text is rendered once
    (an edit of other fields, publishing, a rebuild of an example with many versions)."""
    converter, links = _converter()
    links.clear()
    try:
        html = converter.convert(source)
    finally:
        converter.reset()
    links = tuple(links)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "data"},
        attribute_filter=_filter_attribute,
        link_rel=None,
    )
    return Rendered(html=_finish_tags(clean), links=links)


_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
_LINK_SCHEMES = {"http", "https", "mailto"}
_LOCAL_URL = re.compile(r"/(?![/\\])[^\x00-\x20\x7f\\]*")
_DATA_IMAGE = re.compile(r"data:image/(?:png|jpeg|gif|webp)(?:;base64)?,[a-z0-9+/=%._~\-]*", re.IGNORECASE)
# nh3 writes every attribute as name="value" with `"`, `<` and `>` escaped, so a tag ends at the first `>`.
_TAG = re.compile(r"<(a|img)(\s[^>]*)?>")
_ATTRIBUTE = re.compile(r'([^\s=]+)="([^"]*)"')


def _is_wiki_image(url: str) -> bool:
    """An image source the wiki shows: a path on the wiki itself or a small raster data: image."""
    return bool(_LOCAL_URL.fullmatch(url)) or (len(url) <= DATA_IMAGE_MAX and bool(_DATA_IMAGE.fullmatch(url)))


def _is_local_url(url: str) -> bool:
    return bool(_LOCAL_URL.fullmatch(url)) or url.startswith("#")


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Keeps image sources of the wiki itself and links with a safe scheme; nh3 has already
    refused every scheme but http, https, mailto and data."""
    if tag == "img" and attribute == "src":
        return value if _is_wiki_image(value) else None
    if attribute == "href":
        squeezed = re.sub(r"[\t\n\r]", "", value.strip("".join(map(chr, range(0x21)))))
        scheme = _SCHEME.match(squeezed)
        if scheme and scheme.group(1).lower() not in _LINK_SCHEMES:
            return None
    return value


def _finish_tags(html: str) -> str:
    """Replaces images without a source left by `_filter_attribute` with the marker, and gives
    links to other sites their `rel`."""

    def replace(match: re.Match) -> str:
        tag, attributes = match.group(1), match.group(2) or ""
        values = {name: unescape(value) for name, value in _ATTRIBUTE.findall(attributes)}
        if tag == "img":
            if "src" in values:
                return match.group(0)
            return external_image_marker(values.get("alt", ""))
        href = values.get("href")
        if href is None or _is_local_url(href):
            return match.group(0)
        return f'<a{attributes} rel="{LINK_REL}">'

    return _TAG.sub(replace, html)


def external_image_marker(alt: str) -> str:
    """What the reader sees where an outside image was: Swedish here, translated by the pages."""
    label = f"{EXTERNAL_IMAGE_REMOVED}: {alt.strip()}" if alt.strip() else EXTERNAL_IMAGE_REMOVED
    return f'<span class="external-image-removed">[{escape(label)}]</span>'


MISSING_LINK_TITLE = N_("Exemplet finns inte")
_WIKILINK_ELEMENT = re.compile(r'<a class="wikilink" href="/exempel/([a-z0-9-]+)"([^>]*)>(.*?)</a>', re.DOTALL)


def mark_missing_links(html: str, existing: set[str] | dict[str, str]) -> str:
    """Marks `[[slug]]` links whose target the reader cannot open; a link written as a bare
    slug shows the target's title when `existing` maps slugs to titles."""
    titles = existing if isinstance(existing, dict) else {}

    def replace(match: re.Match) -> str:
        slug, attributes, text = match.groups()
        if slug not in existing:
            return (f'<a class="wikilink missing" title="{MISSING_LINK_TITLE}" href="/exempel/{slug}"{attributes}>'
                    f"{text}</a>")
        if text == slug and slug in titles:
            text = escape(titles[slug])
        return f'<a class="wikilink" href="/exempel/{slug}"{attributes}>{text}</a>'

    return _WIKILINK_ELEMENT.sub(replace, html)
