"""Markdown to safe HTML: Python-Markdown for the syntax, nh3 for the sanitising.

`[[slug]]` (or `[[slug|text]]`) links to another learning example. The links a body
makes are returned with the HTML, so the read model can keep backlinks.
"""

import re
from html import escape
import xml.etree.ElementTree as etree
from dataclasses import dataclass

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension
from markdown.inlinepatterns import InlineProcessor

from .messages import N_

from .slugs import slugify

EXAMPLE_URL_PREFIX = "/exempel/"
WIKILINK_PATTERN = r"\[\[([^\[\]|\n]{1,120})(?:\|([^\[\]\n]{1,120}))?\]\]"

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
    links: list[str]


class _WikiLinkProcessor(InlineProcessor):
    def __init__(self, pattern, md, links: list[str]):
        super().__init__(pattern, md)
        self.links = links

    def handleMatch(self, m, data):
        target = slugify(m.group(1).strip(), fallback="")
        if not target:
            return None, None, None
        element = etree.Element("a")
        element.set("href", EXAMPLE_URL_PREFIX + target)
        element.set("class", "wikilink")
        element.text = (m.group(2) or m.group(1)).strip()
        if target not in self.links:
            self.links.append(target)
        return element, m.start(0), m.end(0)


class _WikiLinkExtension(Extension):
    def __init__(self, links: list[str]):
        super().__init__()
        self.links = links

    def extendMarkdown(self, md):
        md.inlinePatterns.register(_WikiLinkProcessor(WIKILINK_PATTERN, md, self.links), "lansgrupp_wikilink", 75)


def render_markdown(source: str) -> Rendered:
    links: list[str] = []
    html = markdown.markdown(
        source,
        extensions=[
            TableExtension(use_align_attribute=True),
            "fenced_code",
            "sane_lists",
            TocExtension(permalink=False, slugify=lambda value, separator: slugify(value, fallback="rubrik")),
            _WikiLinkExtension(links),
        ],
        output_format="html",
    )
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Rendered(html=clean, links=links)


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
