"""Markdown rendering: sanitised HTML, tables, code, heading ids and [[wikilinks]]."""

import re
from html.parser import HTMLParser

import pytest

from events.rendering import render_markdown

FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "style", "svg", "math", "form", "input", "base",
                  "link", "meta", "frame", "frameset", "applet", "textarea", "button"}

ATTACKS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    '<p onclick="alert(1)" onmouseover=alert(2)>klicka</p>',
    '<div style="background:url(javascript:alert(1))">stil</div>',
    '<a href="javascript:alert(1)">länk</a>',
    '<a href="JaVaScRiPt:alert(1)">länk</a>',
    '<a href="jav&#x09;ascript:alert(1)">länk</a>',
    '<a href="jav&#x0A;ascript:alert(1)">länk</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">länk</a>',
    '<a href=" javascript:alert(1)">länk</a>',
    '<a href="vbscript:msgbox(1)">länk</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">länk</a>',
    "[markdown](javascript:alert(1))",
    "[markdown](JaVaScRiPt:alert(1))",
    "[markdown](jav&#x09;ascript:alert(1))",
    "![bild](javascript:alert(1))",
    "<javascript:alert(1)>",
    "[ref][x]\n\n[x]: javascript:alert(1)",
    '<iframe src="https://evil.example"></iframe>',
    '<object data="https://evil.example/x.swf"></object>',
    '<embed src="https://evil.example/x.swf">',
    "<style>body { display: none }</style>",
    "<svg onload=alert(1)><circle r=1 /></svg>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<form action="https://evil.example"><input name=a><button>Skicka</button></form>',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<link rel=stylesheet href="https://evil.example/x.css">',
    "<details open ontoggle=alert(1)>",
    "```\n</code></pre><script>alert(1)</script>\n```",
    "`<script>alert(1)</script>`",
    "[[<script>alert(1)</script>]]",
    '[[x" onmouseover="alert(1)]]',
    "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
]


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def elements(html: str) -> list[tuple[str, dict]]:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.tags


def assert_safe(html: str) -> None:
    lowered = html.lower()
    assert "<script" not in lowered
    for tag, attrs in elements(html):
        assert tag not in FORBIDDEN_TAGS, (tag, html)
        for name, value in attrs.items():
            assert not name.startswith("on"), (name, html)
            assert name != "style", html
            if name in ("href", "src", "action", "formaction", "xlink:href", "background"):
                squeezed = re.sub(r"[\x00-\x20]+", "", value or "").lower()
                assert not squeezed.startswith(("javascript:", "vbscript:", "data:")), (value, html)


@pytest.mark.parametrize("source", ATTACKS)
def test_render_markdown_sanitises(source):
    html = render_markdown(source).html
    assert_safe(html)


def test_sanitising_keeps_safe_links_and_text():
    html = render_markdown('Läs [mer](https://www.lansstyrelsen.se/dalarna) eller <a href="mailto:a@b.se">skriv</a>.').html
    anchors = [attrs for tag, attrs in elements(html) if tag == "a"]
    assert [a["href"] for a in anchors] == ["https://www.lansstyrelsen.se/dalarna", "mailto:a@b.se"]
    assert all("noopener" in a.get("rel", "") for a in anchors)
    assert "Läs" in html and "skriv" in html
    html = render_markdown('<a href="javascript:alert(1)">länktext</a>').html
    assert "länktext" in html


def test_tables():
    html = render_markdown("| Kommun | Antal |\n|:-------|------:|\n| Falun | 12 |\n| Mora | 3 |\n").html
    assert "<table>" in html and "<thead>" in html and "<tbody>" in html
    assert "<th>Kommun</th>" in html.replace(' align="left"', "")
    assert re.search(r'<td align="right">12</td>', html)
    assert [t for t, _ in elements(html)].count("tr") == 3


def test_fenced_code_is_escaped():
    html = render_markdown('```python\nprint("<b>hej</b>")\n```\n').html
    assert '<pre><code class="language-python">' in html
    assert "&lt;b&gt;hej&lt;/b&gt;" in html
    assert "<b>" not in html


def test_heading_ids():
    html = render_markdown("# Bakgrund\n\n## Vad gjordes?\n\n## Lärdomar och framgångsfaktorer\n\n## Bakgrund\n").html
    ids = [attrs.get("id") for tag, attrs in elements(html) if tag in ("h1", "h2")]
    assert ids == ["bakgrund", "vad-gjordes", "lardomar-och-framgangsfaktorer", "bakgrund_1"]


def test_wikilinks():
    rendered = render_markdown("Se [[Våld i nära relation]] och [[annat-exempel|det andra exemplet]].")
    anchors = [attrs for tag, attrs in elements(rendered.html) if tag == "a"]
    assert [(a["href"], a["class"]) for a in anchors] == [
        ("/exempel/vald-i-nara-relation", "wikilink"), ("/exempel/annat-exempel", "wikilink")]
    assert ">Våld i nära relation</a>" in rendered.html
    assert ">det andra exemplet</a>" in rendered.html
    assert rendered.links == ["vald-i-nara-relation", "annat-exempel"]


def test_wikilink_inside_code_is_not_a_link():
    rendered = render_markdown("`[[inte-en-lank]]`\n\n```\n[[inte heller]]\n```\n")
    assert rendered.links == []
    assert "wikilink" not in rendered.html


# ---- through the API ---------------------------------------------------------------------

def test_api_html_is_sanitised(world):
    body = "\n\n".join(ATTACKS)
    slug = world.example("maja", body=body)
    slug = world.api("POST", f"/examples/{slug}/publish", "maja").json["slug"]
    for username in (None, "maja"):
        response = world.api("GET", f"/examples/{slug}", username)
        assert response.status_code == 200
        assert response.json["body"] == body  # the source is kept as written
        assert_safe(response.json["html"])
    assert_safe(world.api("GET", f"/examples/{slug}?version=1", "maja").json["html"])


def test_api_html_renders_markdown(world):
    slug = world.example("maja", body="## Resultat\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\nkod\n```\n")
    html = world.api("GET", f"/examples/{slug}", "maja").json["html"]
    assert '<h2 id="resultat">Resultat</h2>' in html
    assert "<table>" in html and "<td>1</td>" in html
    assert "<pre><code>kod\n</code></pre>" in html


def wikilinks(html: str) -> dict[str, str]:
    return {attrs["href"]: attrs["class"] for tag, attrs in elements(html)
            if tag == "a" and "wikilink" in attrs.get("class", "")}


def test_api_wikilinks_mark_missing_examples(world):
    target = world.example("maja", title="Målet")
    target = world.api("POST", f"/examples/{target}/publish", "maja").json["slug"]
    source = world.example("maja", title="Källan", body="[[Målet]], [[finns-inte]] och [[Målet|igen]].")
    links = wikilinks(world.api("GET", f"/examples/{source}", "maja").json["html"])
    assert links == {f"/exempel/{target}": "wikilink", "/exempel/finns-inte": "wikilink missing"}


def test_api_wikilink_to_an_example_the_reader_cannot_open_is_missing(world):
    draft = world.example("maja", title="Hemligt utkast")
    source = world.example("maja", title="Publik", body=f"Se [[{draft}]].")
    source = world.api("POST", f"/examples/{source}/publish", "maja").json["slug"]
    assert wikilinks(world.api("GET", f"/examples/{source}", "maja").json["html"]) == {
        f"/exempel/{draft}": "wikilink"}
    assert wikilinks(world.api("GET", f"/examples/{source}").json["html"]) == {
        f"/exempel/{draft}": "wikilink missing"}
    # once the target exists and is published, the link is no longer missing
    public = world.api("POST", f"/examples/{draft}/publish", "maja").json["slug"]
    assert wikilinks(world.api("GET", f"/examples/{source}").json["html"]) == {f"/exempel/{public}": "wikilink"}, \
        "a link written to the draft's address leads to its public slug"


def test_api_link_to_an_example_created_later_stops_being_missing(world):
    source = world.example("maja", title="Tidig", body="[[Senare exempel]]")
    assert wikilinks(world.api("GET", f"/examples/{source}", "maja").json["html"]) == {
        "/exempel/senare-exempel": "wikilink missing"}
    later = world.example("maja", title="Senare exempel")
    assert wikilinks(world.api("GET", f"/examples/{source}", "maja").json["html"]) == {
        "/exempel/senare-exempel": "wikilink missing"}, "a draft holds no public slug"
    assert world.api("POST", f"/examples/{later}/publish", "maja").json["slug"] == "senare-exempel"
    assert wikilinks(world.api("GET", f"/examples/{source}", "maja").json["html"]) == {
        "/exempel/senare-exempel": "wikilink"}
