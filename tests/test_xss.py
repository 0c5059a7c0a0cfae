"""An XSS corpus through every text field of a learning example and through Markdown: none
survives in the API's `html`, in search snippets, in the pages or in the Atom feed.

Every vector goes into the title, summary, body (as a paragraph, a block, a list item, a
quote, a table cell and a link text), contact, tags and target groups of one example, next to
a marker word to search for. The output is inspected with the standard library's HTML parser
(and ElementTree for the feed): what matters is which elements and attributes a browser would
build, not whether some text looks suspicious.
"""

import re
import string
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from events.permissions import Actor

from tests.conftest import World
from stores import make_app

VECTORS = [
    # script elements in many spellings
    "<script>alert(1)</script>",
    "<SCRIPT>alert(1)</SCRIPT>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<script src=//evil.example/x.js></script>",
    "<script/src=data:,alert(1)></script>",
    "<<script>alert(1)//<</script>",
    "<script >alert(1)</script >",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script\n>alert(1)</script>",
    "<scrİpt>alert(1)</scrİpt>",
    "+ADw-script+AD4-alert(1)+ADw-/script+AD4-",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    # event handlers
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=x OnErRoR=alert(1)>",
    '<img src="x" onerror="alert(1)"/>',
    "<img/src/onerror=alert(1)>",
    "<img src=`x` onerror=`alert(1)`>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<x onclick=alert(1)>klick</x>",
    '<div style="background:url(javascript:alert(1))">',
    # javascript:, vbscript: and data: URLs, plain, entity-encoded and obfuscated
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="&#0000106&#0000097vascript:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
    '<img src="jav&#x09;ascript:alert(1)">',
    # svg, math, iframe, object, embed, style, link, meta, base, form
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a>',
    "<math><mtext><script>alert(1)</script></mtext></math>",
    '<math href="javascript:alert(1)">x</math>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>">',
    '<object data="javascript:alert(1)">',
    '<embed src="javascript:alert(1)">',
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    "<meta http-equiv=refresh content=0;url=javascript:alert(1)>",
    '<base href="javascript:alert(1)//">',
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<noscript><p title=\"</noscript><img src onerror=alert(1)>\">",
    # breaking out of attributes and elements
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)',
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</style><script>alert(1)</script>",
    # Markdown links and images
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x]( javascript:alert(1) )",
    "[x](&#106;avascript:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](java\nscript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    "![x](javascript:alert(1))",
    '![x](x" onerror="alert(1))',
    '[x](x" onmouseover="alert(1))',
    "[y][r]\n\n[r]: javascript:alert(1)",
    "<javascript:alert(1)>",
    '<http://x.se/" onclick="alert(1)>',
    "[[x|<img src=x onerror=alert(1)>]]",
    '[[x" onmouseover="alert(1)]]',
    "[[javascript:alert(1)|klick]]",
    # comments, CDATA, code and template tricks
    "<!--<script>alert(1)</script>-->",
    "<!--><script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "`<script>alert(1)</script>`",
    "```\n<script>alert(1)</script>\n```",
    "${alert(1)}`${alert(1)}`",
    "{{constructor.constructor('alert(1)')()}}",
    # wikilinks whose target is markup (Python-Markdown's placeholders must not leak)
    '[["><script>alert(3)</script>]]',
    "[[<b>x</b>|y]] [[a\\*b]] [[`kod`]]",
    # images from other sites (they would track readers): every form
    "![p](https://t.example/p.png)",
    '<img src="https://t.example/p.png">',
    '<img src="http://t.example/p.png" alt="p">',
    '<img src="//t.example/p.png">',
    '<img src="/\\t.example/p.png">',
    '<img src=" https://t.example/p.png">',
    '<IMG SRC="HTTPS://T.EXAMPLE/P.PNG">',
    "![p][r]\n\n[r]: https://t.example/p.png",
    "[![p](https://t.example/p.png)](https://t.example/)",
    '<img src=/a.png srcset="https://t.example/p.png 2x">',
    '<p style="background:url(https://t.example/p.png)">s</p>',
    '<svg><image href="https://t.example/p.png"/></svg>',
    '<svg><image xlink:href="//t.example/p.png"/></svg>',
    "<picture><source srcset=//t.example/p><img src=/a></picture>",
    "![s](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)",
    '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
    "<video poster=https://t.example/p.png>",
    "<input type=image src=https://t.example/p.png>",
    "<a href=/x ping=https://t.example/p>x</a>",
    "<table background=https://t.example/p.png>",
]
# The vectors whose only image is an outside one (a marker stands in its place).
OUTSIDE_IMAGES = [v for v in VECTORS if ("t.example/p" in v.lower() or "data:image/svg" in v)
                  and ("<img" in v.lower() or "![" in v) and "src=/a" not in v]

MARKERS = ["zqx" + a + b for a in string.ascii_lowercase for b in string.ascii_lowercase][:len(VECTORS)]

# Elements a page or rendered Markdown may contain whatever the input (structure and text).
TEXT_TAGS = {
    "html", "head", "body", "title", "header", "footer", "nav", "main", "article", "section", "aside",
    "div", "span", "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
    "a", "em", "strong", "b", "i", "s", "del", "ins", "sub", "sup", "small", "mark", "abbr", "code", "kbd",
    "pre", "blockquote", "time", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "label",
    "img", "figure", "figcaption", "fieldset", "legend",
}
# Elements that must never come from input into a page (the page's own are listed in `legit`).
DANGEROUS_TAGS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "style", "base", "meta",
    "link", "form", "noscript", "template", "xmp", "plaintext", "portal", "video", "audio", "source", "details",
    "animate", "set", "foreignobject", "param", "isindex", "marquee", "bgsound", "x",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
                  "srcset", "codebase", "dynsrc", "lowsrc", "ping", "cite", "longdesc", "usemap", "manifest"}
# Attributes whose URL a browser fetches by itself, without the reader following a link; those
# that hold lists of URLs or only serve to notify a site count wherever they point.
LOADING_ATTRIBUTES = {"src", "poster", "background", "data", "lowsrc", "dynsrc", "codebase", "manifest"}
ALWAYS_LOADING = {"srcset", "imagesrcset", "ping"}
SVG_LOADING = {"image", "use", "feimage"}
LOADED_LINKS = {"stylesheet", "icon", "preload", "prefetch", "modulepreload", "manifest", "apple-touch-icon"}
ATOM = "{http://www.w3.org/2005/Atom}"
ATOM_ELEMENTS = {"feed", "id", "title", "updated", "link", "author", "name", "entry", "summary", "subtitle",
                 "uri", "email", "published", "category", "generator", "rights", "contributor", "icon", "logo"}


class Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, attrs))


def elements(html: str) -> list:
    parser = Elements()
    parser.feed(html)
    parser.close()
    return parser.elements


def signature(tag, attrs, slug=None) -> tuple:
    def normal(value):
        value = value or ""
        return value.replace(slug, "SLUG") if slug else value
    return tag, tuple(sorted((name, normal(value)) for name, value in attrs if name != "value"))


def dangerous_url(tag, name, value) -> bool:
    """As a browser's URL parser reads it: C0 controls and spaces around it are dropped, and
    tabs and newlines anywhere; then the scheme decides."""
    squeezed = re.sub(r"[\t\n\r]", "", (value or "").strip("".join(map(chr, range(0x21))))).lower()
    if squeezed.startswith(("javascript:", "vbscript:", "livescript:")):
        return True
    if squeezed.startswith("data:"):
        return not (tag == "img" and name == "src" and re.match(r"data:image/(png|gif|jpeg|webp)[;,]", squeezed))
    return False


# The pages' own scripts: files of the site (the CSP allows script-src 'self' only).
SITE_SCRIPT = re.compile(r'<script src="/static/[\w-]+\.js" defer></script>')


def executable_markup(html: str, *, allowed_tags=None, legit=frozenset(), slug=None) -> list[str]:
    """What in `html` a browser would run or that lets input take over the page.

    With `allowed_tags` (for fragments made from input: rendered Markdown, snippets) every other
    element is a finding; without it (whole pages) the DANGEROUS_TAGS are, unless the page
    itself has them (`legit`: signatures of the page's own elements)."""
    found = []
    if re.search(r"<\s*script", html if allowed_tags is not None else SITE_SCRIPT.sub("", html), re.IGNORECASE):
        found.append("a <script")
    for tag, attrs in elements(html):
        for name, value in attrs:
            if name.startswith("on"):
                found.append(f"<{tag} {name}={value!r}>")
            elif name == "srcdoc":
                found.append(f"<{tag} srcdoc>")
            elif name in URL_ATTRIBUTES and dangerous_url(tag, name, value):
                found.append(f"<{tag} {name}={value!r}>")
            elif name == "style" and re.search(r"url\s*\(|expression|javascript|behavior", value or "", re.I):
                found.append(f"<{tag} style={value!r}>")
        if allowed_tags is not None:
            if tag not in allowed_tags:
                found.append(f"<{tag} {attrs}>")
        elif tag in DANGEROUS_TAGS and signature(tag, attrs, slug) not in legit:
            found.append(f"<{tag} {attrs}>")
    return found


def off_site(url: str | None) -> bool:
    """Whether a browser would fetch `url` from another site: the same squeezing as
    `dangerous_url`, then anything with a scheme (but small raster data: images) or two leading
    slashes, backslashes counting as slashes."""
    squeezed = re.sub(r"[\t\n\r]", "", (url or "").strip("".join(map(chr, range(0x21))))).lower()
    if re.match(r"data:image/(png|gif|jpeg|webp)[;,]", squeezed):
        return False
    return bool(re.match(r"[a-z][a-z0-9+.\-]*:", squeezed) or re.match(r"[/\\]{2}", squeezed))


def outside_loads(html: str) -> list[str]:
    """What in `html` makes a browser fetch from another site (images that track readers), and
    Python-Markdown placeholders that leaked. Links the reader may follow are not fetches."""
    found = []
    if re.search(r"klzzwxh|wzxhzdk|[\x02\x03]", html):
        found.append("a Markdown placeholder")
    for tag, attrs in elements(html):
        for name, value in attrs:
            if (name in ALWAYS_LOADING or (name in LOADING_ATTRIBUTES and off_site(value))
                    or (tag in SVG_LOADING and name in ("href", "xlink:href") and off_site(value))
                    or (name == "style" and re.search(r"url\s*\(|image-set|@import", value or "", re.I))):
                found.append(f"<{tag} {name}={value!r}>")
        rel = set((dict(attrs).get("rel") or "").lower().split())
        if tag == "link" and rel & LOADED_LINKS and off_site(dict(attrs).get("href")):
            found.append(f"<link {attrs}>")
    return found


def test_the_outside_checker_finds_every_fetch_from_another_site():
    for html in ('<img src="https://t.example/p.png">', '<img src="http://t/p">', '<img src="//t/p">',
                 '<img src="/\\t/p">', '<img src=" HTTPS://t/p">', '<img src="/a" srcset="https://t/p 2x">',
                 '<img src="/a" srcset="/b 2x">', '<picture><source srcset="https://t/p"></picture>',
                 '<svg><image href="https://t/p"/></svg>', '<svg><image xlink:href="//t/p"/></svg>',
                 '<video poster="https://t/p">', '<input type="image" src="https://t/p">',
                 '<table background="https://t/p">', '<a href="/x" ping="https://t/p">x</a>',
                 '<p style="background:url(https://t/p)">', '<link rel="stylesheet" href="https://t/p.css">',
                 '<img src="data:image/svg+xml;base64,PHN2Zz4=">', '<a href="/exempel/klzzwxh-0013">x</a>'):
        assert outside_loads(html), html
    assert outside_loads('<img src="/bilagor/a.png" alt="a"> <img src="data:image/png;base64,AAAA"> '
                         '<a href="https://example.se/">x</a> <link rel="alternate" href="https://x/feed">'
                         '<link rel="stylesheet" href="/static/site.css"><script src="/static/x.js"></script>') == []


def test_the_checker_finds_executable_markup():
    """The checks below can fail: each of these is found."""
    for html in ("<script>x</script>", "<img src=x onerror=alert(1)>", '<a href="&#106;avascript:x">x</a>',
                 '<a href="java\tscript:x">x</a>', "<iframe src=x></iframe>", "<svg></svg>", "<math></math>",
                 "<style>x</style>", "<base href=/>", "<meta http-equiv=refresh>", "<link rel=x>",
                 "<form></form>", '<a href="data:text/html,x">x</a>', "<object></object>", "<embed>"):
        assert executable_markup(html), html
    for html in ("<x onclick=y>", "<details open>", "<video>"):
        assert executable_markup(html), html
    for html in ("<svg></svg>", "<iframe></iframe>", "<input>"):
        assert executable_markup(html, allowed_tags=TEXT_TAGS), html
    assert executable_markup('<p>&lt;script&gt;alert(1)&lt;/script&gt; <a href="/exempel/x">x</a></p>') == []
    assert executable_markup('<a href="java   script:alert(1)">x</a>') == [], "not a javascript: URL to a browser"
    assert executable_markup('<meta charset="utf-8">', legit={("meta", (("charset", "utf-8"),))}) == []


# ---- the corpus in a wiki ------------------------------------------------------------------------


class Corpus:
    pass


def _example_fields(marker: str, vector: str, link_to: str | None) -> dict:
    one_line = " ".join(vector.split())
    body = "\n\n".join([
        f"{marker} {vector} {marker}",
        vector,
        f"* {one_line}\n* {marker}",
        f"> {one_line}",
        f"| kolumn |\n| --- |\n| {one_line.replace('|', '/')} |",
        f"[{one_line}](https://example.se/{marker})",
        f"[[{link_to}]]" if link_to else marker,
    ])
    return {"title": f"{marker} {vector}", "summary": f"{marker} {vector} {marker}", "body": body,
            "contact": vector, "tags": [vector, marker], "target_groups": [vector],
            "violence_forms": ["nara-relation"], "goals": ["forebyggande"]}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    app = make_app({"DATA_DIR": str(tmp_path_factory.mktemp("xss") / "data"), "TESTING": True})
    world = World(app)
    world.falun = world.organisation("Falu kommun", "kommun", "Falun")
    world.account("maja", "member", world.falun)
    world.account("adam", "admin")
    c = Corpus()
    c.world = world

    # a harmless example: what the pages legitimately contain
    c.harmless = world.example("maja", title="Harmlöst exempel", summary="Harmlös sammanfattning.",
                               body="harmlos text", contact="kontakt@falun.se", tags=["harmlos"],
                               target_groups=["yrkesverksamma"])
    published = world.api("POST", f"/examples/{c.harmless}/publish", "adam")
    assert published.status_code == 200
    c.harmless = published.json["slug"]
    assert world.api("PUT", f"/examples/{c.harmless}", "maja",
                     json={"base_version": 1, "body": "harmlos text igen"}).status_code == 200
    c.legit = set()
    admin = _client(world, "adam")
    for client in (world.client, admin):
        extra = [f"/exempel/{c.harmless}/redigera"] if client is admin else []
        for url in _page_urls(c.harmless, "harmlos") + ["/exempel?page=1"] + extra:
            response = client.get(url)
            assert response.status_code == 200, url
            c.legit |= {signature(tag, attrs, c.harmless) for tag, attrs in elements(response.get_data(as_text=True))
                        if tag in DANGEROUS_TAGS}

    # one example per vector, each linking to the one before ([[slug]] shows that example's title)
    c.slugs, c.feed_checks, c.change_pages = [], [], []
    previous = None
    for marker, vector in zip(MARKERS, VECTORS):
        response = world.api("POST", "/examples", "maja", json=_example_fields(marker, vector, previous))
        assert response.status_code == 201, (vector, response.json)
        previous = response.json["slug"]
        c.slugs.append(previous)
    # and one example whose second version holds every vector at once
    everything = "\n\n".join(f"{m} {v}" for m, v in zip(MARKERS, VECTORS))
    c.all_in_one = world.example("maja", title="Alla vektorer", body="Inget ännu.")
    assert world.api("PUT", f"/examples/{c.all_in_one}", "maja",
                     json={"base_version": 1, "body": everything, "comment": VECTORS[0]}).status_code == 200

    # publish in two halves, reading the feed and the changes page after each (they show the latest only)
    half = len(c.slugs) // 2
    public = {}
    for batch in (c.slugs[:half], c.slugs[half:] + [c.all_in_one]):
        for slug in batch:
            response = world.api("POST", f"/examples/{slug}/publish", "adam")
            assert response.status_code == 200, (slug, response.json)
            c.position = response.json["position"]
            public[slug] = response.json["slug"]
        c.feed_checks.append(world.client.get("/feeds/changes.atom"))
        c.change_pages.append(world.client.get("/andringar"))
    c.drafts, c.slugs, c.all_in_one = c.slugs, [public[s] for s in c.slugs], public[c.all_in_one]
    c.admin = admin
    yield c
    app.extensions["lansgrupp"].close()


def _client(world, username):
    return world.browser(username)


def _page_urls(slug, marker):
    return ["/", "/exempel", f"/exempel/{slug}", f"/exempel/{slug}/historik", f"/exempel/{slug}/jamfor?from=1&to=2",
            f"/sok?q={marker}", "/andringar", "/organisationer/falu-kommun"]


def test_the_corpus_is_large_and_fits_every_field():
    assert len(VECTORS) >= 50
    assert len(set(VECTORS)) == len(VECTORS)
    for vector in VECTORS:
        assert len(" ".join(vector.split())) <= 60, f"too long for a tag: {vector!r}"


def norm(text: str) -> str:
    return " ".join(text.split())


def test_every_field_keeps_the_vector_as_text(corpus):
    """The API stores what was typed: sanitising is for output, not a silent change of input."""
    world = corpus.world
    for slug, marker, vector in zip(corpus.slugs, MARKERS, VECTORS):
        example = world.api("GET", f"/examples/{slug}").json
        assert example["status"] == "published"
        assert norm(example["contact"]) == norm(vector)
        assert norm(example["summary"]) == norm(f"{marker} {vector} {marker}")
        assert norm(example["title"]) == norm(f"{marker} {vector}")
        assert example["tags"] == [norm(vector), marker]
        assert example["target_groups"] == [norm(vector)]


def test_api_html_has_no_executable_markup(corpus):
    world = corpus.world
    problems = []
    for slug, vector in zip(corpus.slugs + [corpus.all_in_one], VECTORS + ["(all)"]):
        for username in (None, "maja"):
            example = world.api("GET", f"/examples/{slug}", username).json
            found = executable_markup(example["html"], allowed_tags=TEXT_TAGS) + outside_loads(example["html"])
            if found:
                problems.append(f"{vector!r}: API html of {slug}: {found}")
    assert not problems, "\n".join(problems)


def test_search_snippets_have_no_markup_but_mark(corpus):
    world = corpus.world
    problems = []
    for slug, marker, vector in zip(corpus.slugs, MARKERS, VECTORS):
        response = world.api("GET", f"/search?q={marker}&min_position={corpus.position}")
        assert response.status_code == 200, response.json
        hits = {hit["slug"]: hit for hit in response.json["hits"]}
        assert slug in hits, f"{marker} did not find {slug}: {list(hits)}"
        snippet = hits[slug]["snippet"]
        assert "<mark>" in snippet, snippet
        for hit in hits.values():
            found = executable_markup(hit["snippet"], allowed_tags={"mark"}) + outside_loads(hit["snippet"])
            if found:
                problems.append(f"{vector!r}: snippet {hit['snippet']!r}: {found}")
    # and every snippet of a broad search, as an admin who sees everything
    for page in (1, 2):
        response = world.api("GET", f"/search?q=zqx*&per_page=50&page={page}", "adam")
        assert response.status_code == 200, response.json
        for hit in response.json["hits"]:
            found = executable_markup(hit["snippet"], allowed_tags={"mark"}) + outside_loads(hit["snippet"])
            if found:
                problems.append(f"snippet {hit['snippet']!r}: {found}")
    assert not problems, "\n".join(problems)


def _page_problems(corpus, client, url, slug=None) -> list[str]:
    response = client.get(url)
    if response.status_code != 200:
        return [f"{url}: status {response.status_code}"]
    html = response.get_data(as_text=True)
    return [f"{url}: {f}" for f in executable_markup(html, legit=corpus.legit, slug=slug) + outside_loads(html)]


def test_example_pages_have_no_executable_markup(corpus):
    problems = []
    anonymous = corpus.world.client
    for slug, vector in zip(corpus.slugs, VECTORS):
        for client, url in ((anonymous, f"/exempel/{slug}"), (anonymous, f"/exempel/{slug}/historik"),
                            (corpus.admin, f"/exempel/{slug}"), (corpus.admin, f"/exempel/{slug}/redigera")):
            problems += [f"{vector!r}: {p}" for p in _page_problems(corpus, client, url, slug)]
    slug = corpus.all_in_one
    for url in (f"/exempel/{slug}", f"/exempel/{slug}/historik", f"/exempel/{slug}/jamfor?from=1&to=2",
                f"/exempel/{slug}/redigera"):
        problems += _page_problems(corpus, corpus.admin, url, slug)
    assert not problems, "\n".join(problems)


def test_lists_search_and_changes_pages_have_no_executable_markup(corpus):
    problems = []
    anonymous = corpus.world.client
    pages = (len(corpus.slugs) + 19) // 20
    urls = ["/", "/organisationer/falu-kommun"] + [f"/exempel?page={n}" for n in range(1, pages + 2)]
    urls += [f"/sok?q={marker}" for marker in MARKERS]
    urls += ["/sok?q=zqx*", "/sok?q=zqx*&page=2", "/sok?q=alert", "/sok?q=script"]
    for client in (anonymous, corpus.admin):
        for url in urls:
            problems += _page_problems(corpus, client, url)
    # a facet value that is a vector, used as a filter
    problems += _page_problems(corpus, anonymous, "/sok?q=zqx*&target_group=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    for response in corpus.change_pages:
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        problems += [f"/andringar: {f}" for f in executable_markup(html, legit=corpus.legit) + outside_loads(html)]
    problems += _page_problems(corpus, anonymous, "/andringar")
    assert not problems, "\n".join(problems)


def test_search_page_shows_the_vectors_as_text(corpus):
    """Escaped, not dropped: the reader sees what was written."""
    html = corpus.world.client.get(f"/sok?q={MARKERS[0]}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_atom_feed_has_no_executable_markup(corpus):
    problems = []
    seen_titles = set()
    for response in corpus.feed_checks + [corpus.world.client.get("/feeds/changes.atom")]:
        assert response.status_code == 200
        xml = response.get_data(as_text=True)
        if re.search(r"<\s*script", xml, re.IGNORECASE):
            problems.append("a <script in the feed")
        if re.search(r"klzzwxh|wzxhzdk", xml):
            problems.append("a Markdown placeholder in the feed")
        root = ET.fromstring(xml)
        assert root.tag == ATOM + "feed"
        for element in root.iter():
            if not element.tag.startswith(ATOM) or element.tag[len(ATOM):] not in ATOM_ELEMENTS:
                problems.append(f"element {element.tag} in the feed")
                continue
            name = element.tag[len(ATOM):]
            if name in ("title", "summary", "subtitle", "rights"):
                kind = element.get("type", "text")
                if kind != "text":
                    found = executable_markup(element.text or "", allowed_tags=set()) + outside_loads(element.text or "")
                    if found or kind == "xhtml":
                        problems.append(f"<{name} type={kind}>: {found}")
                if name == "title":
                    seen_titles.add(element.text or "")
            if name == "link" and not (element.get("href") or "").startswith("http://localhost/"):
                problems.append(f"link {element.get('href')!r}")
            for attribute, value in element.attrib.items():
                if attribute.lower().startswith("on") or dangerous_url("a", "href", value):
                    problems.append(f"{name} {attribute}={value!r}")
    assert not problems, "\n".join(problems)
    assert any("<script>alert(1)</script>" in title for title in seen_titles), \
        "the feed's titles should carry the vectors as text"


def test_outside_images_are_replaced_by_a_marker(corpus):
    """The reader is told where an outside image was left out; the API keeps the source as written."""
    assert len(OUTSIDE_IMAGES) >= 10
    world = corpus.world
    for slug, vector in zip(corpus.slugs, VECTORS):
        if vector in OUTSIDE_IMAGES:
            example = world.api("GET", f"/examples/{slug}").json
            assert norm(vector) in norm(example["body"])
            assert '<span class="external-image-removed">[Extern bild borttagen' in example["html"], vector
            page = world.client.get(f"/exempel/{slug}").get_data(as_text=True)
            assert "[Extern bild borttagen" in page, vector


def test_a_wikilink_to_markup_is_plain_text(corpus):
    """Only the `[[slug]]` to the example before is a link; the `[[...]]` holding markup is text."""
    index = VECTORS.index('[["><script>alert(3)</script>]]')
    html = corpus.world.api("GET", f"/examples/{corpus.slugs[index]}").json["html"]
    assert '[["&gt;&lt;script&gt;alert(3)&lt;/script&gt;]]' in html
    links = [dict(attrs)["href"] for tag, attrs in elements(html) if tag == "a" and "href" in dict(attrs)]
    assert links == [f"https://example.se/{MARKERS[index]}", f"/exempel/{corpus.slugs[index - 1]}"], links


def test_a_wikilink_shows_the_linked_title_as_text(corpus):
    html = corpus.world.client.get(f"/exempel/{corpus.slugs[1]}").get_data(as_text=True)
    assert f'href="/exempel/{corpus.slugs[0]}"' in html
    assert f"{MARKERS[0]} &lt;script&gt;alert(1)&lt;/script&gt;" in html


# ---- the register's free text: organisation names, people, notes, reasons ------------------------------

REGISTER_VECTORS = [v for v in VECTORS if "\n" not in v][::6]
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _register_world(tmp_path, name, texts):
    app = make_app({"DATA_DIR": str(tmp_path / name), "TESTING": True})
    world = World(app)
    world.account("eva", "coordinator")
    slugs, people = [], []
    for n, text in enumerate(texts):
        org = world.api("POST", "/organisations", "eva", json={
            "name": f"Förening {n} {text}"[:120], "kind": "ideell", "joined_on": "2015-01-01"})
        assert org.status_code == 201, (text, org.json)
        slug = org.json["slug"]
        slugs.append(slug)
        person = {"name": f"Namn {text}"[:120], "email": f"person{n}@example.se", "phone": "070-1",
                  "title": f"Titel {text}"[:120]}
        submitted = world.api("POST", "/membership-requests", "eva", json={
            "organisation": slug, "note": f"Not {text}",
            "changes": [{"action": "appoint", "role": "representative", "person": person, "from": "2020-01-01"}]})
        assert submitted.status_code == 201, (text, submitted.json)
        assert world.api("POST", f"/membership-requests/{submitted.json['id']}/approve", "eva").status_code == 200
        people.append(world.api("GET", f"/organisations/{slug}", "eva").json["roster"]["representative"]["person_id"])
        rejected = world.api("POST", "/membership-requests", "eva", json={
            "organisation": slug, "note": f"Andra {text}",
            "changes": [{"action": "appoint", "role": "substitute", "person": {**person, "name": f"Ny {text}"[:120]},
                         "from": "2021-01-01"}]})
        assert rejected.status_code == 201, (text, rejected.json)
        assert world.api("POST", f"/membership-requests/{rejected.json['id']}/reject", "eva",
                         json={"reason": f"Skäl {text}"}).status_code == 200
    return world, slugs, people


def _dangerous_elements(world, slugs, people) -> tuple[dict, list]:
    """Each page's dangerous elements (ids and slugs normalised), and its other findings."""
    client = world.browser("eva")
    urls = ["/organisationer", "/blanketter?status=", "/blanketter?status=rejected", "/register?at=2021-06-01",
            "/granskning", "/granskning?after=0"]
    urls += [f"/organisationer/{s}" for s in slugs] + [f"/personer/{p}" for p in people]
    counts, findings = {}, []
    for index, url in enumerate(urls):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        findings += [f"{url}: {f}" for f in _attribute_findings(html)]
        found = []
        for tag, attrs in elements(html):
            if tag in DANGEROUS_TAGS:
                normal = tuple(sorted((k, _normal_value(v or "", slugs, people)) for k, v in attrs if k != "value"))
                found.append((tag, normal))
        counts[index] = sorted(found)
    return counts, findings


def _normal_value(value, slugs, people):
    value = UUID.sub("ID", value)
    for n, slug in enumerate(slugs):
        value = value.replace(slug, f"ORG{n}")
    return value


def _attribute_findings(html):
    found = []
    if re.search(r"<\s*script", html, re.IGNORECASE):
        found.append("a <script")
    for tag, attrs in elements(html):
        for name, value in attrs:
            if name.startswith("on") or name == "srcdoc" or (name in URL_ATTRIBUTES and dangerous_url(tag, name, value)):
                found.append(f"<{tag} {name}={value!r}>")
    return found


def test_register_and_audit_pages_show_free_text_as_text(tmp_path):
    """Organisation names, people's names and titles, notes and reasons: the pages built from
    them have exactly the elements the same pages have for harmless text."""
    assert len(REGISTER_VECTORS) >= 10
    harmless_world, harmless_slugs, harmless_people = _register_world(
        tmp_path, "harmless", [f"harmlös text {n}" for n in range(len(REGISTER_VECTORS))])
    vector_world, vector_slugs, vector_people = _register_world(tmp_path, "vectors", REGISTER_VECTORS)
    try:
        expected, _ = _dangerous_elements(harmless_world, harmless_slugs, harmless_people)
        got, findings = _dangerous_elements(vector_world, vector_slugs, vector_people)
        assert not findings, "\n".join(findings)
        assert got == expected
        html = vector_world.client.get("/organisationer").get_data(as_text=True)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    finally:
        harmless_world.app.extensions["lansgrupp"].close()
        vector_world.app.extensions["lansgrupp"].close()


# ---- characters XML 1.0 cannot carry (the Atom feed) -------------------------------------------------

NOT_XML = ["\uffff", "\ufffe", "\x01", "\x1b"]


def _refusals(world, slug, organisation, char):
    person = {"name": "Anna", "email": "anna@example.se", "phone": "070-1", "title": "Handläggare"}
    appoint = {"action": "appoint", "role": "representative", "from": "2020-01-01"}
    yield "title", world.api("POST", "/examples", "maja", json={"title": f"Titel{char}"})
    yield "summary", world.api("POST", "/examples", "maja", json={"title": "T", "summary": f"a{char}b"})
    yield "body", world.api("POST", "/examples", "maja", json={"title": "T", "body": f"# A\n\nb{char}"})
    yield "contact", world.api("POST", "/examples", "maja", json={"title": "T", "contact": f"c{char}"})
    yield "tags", world.api("POST", "/examples", "maja", json={"title": "T", "tags": [f"t{char}"]})
    yield "target_groups", world.api("POST", "/examples", "maja", json={"title": "T", "target_groups": [char]})
    yield "title", world.api("PUT", f"/examples/{slug}", "maja", json={"base_version": 1, "title": f"N{char}"})
    yield "comment", world.api("PUT", f"/examples/{slug}", "maja",
                               json={"base_version": 1, "body": "Ny", "comment": f"k{char}"})
    yield "name", world.api("POST", "/organisations", "eva",
                            json={"name": f"Förening{char}", "kind": "ideell", "joined_on": "2015-01-01"})
    yield "note", world.api("POST", "/membership-requests", "eva", json={
        "organisation": organisation, "note": f"n{char}", "changes": [{**appoint, "person": person}]})
    yield "changes[0].person.name", world.api("POST", "/membership-requests", "eva", json={
        "organisation": organisation, "changes": [{**appoint, "person": {**person, "name": f"A{char}"}}]})


@pytest.mark.parametrize("char", NOT_XML, ids=[f"U+{ord(c):04X}" for c in NOT_XML])
def test_text_xml_cannot_carry_is_refused_naming_the_field(world, char):
    slug = world.example("maja", title="Ett exempel")
    world.token("eva")  # signing in records a token: before the position is taken
    position = world.wiki.position()
    for field, response in _refusals(world, slug, world.falun, char):
        assert response.status_code == 400, (field, response.json)
        error = response.json["error"]
        assert error["code"] and error["message"], error
        if field.startswith("changes"):
            assert error.get("field", "").endswith("person.name"), error
        else:
            assert error.get("field") == field, error
            assert field in error["message"], error
    assert world.wiki.position() == position, "nothing is recorded"


def test_the_feed_leaves_out_characters_xml_cannot_carry_in_stored_events(world):
    """Events recorded before validation refused them (appended here past validation) do not
    break the feed."""
    slug = world.api("POST", f"/examples/{world.example('maja', title='Rent')}/publish", "eva").json["slug"]
    example = world.wiki.get_example(slug)
    content = {**world.wiki.content_of(example), "title": "Trasig\uffff\ufffe\x01\x1b titel",
               "summary": "S\x0b\x0c\x7f"}
    world.wiki._record_revision(example, Actor("maja", "member", world.falun), content, "Kom\uffffmentar\x00",
                                ["summary", "title"])
    assert world.api("GET", f"/examples/{slug}").json["title"] == "Trasig\uffff\ufffe\x01\x1b titel"
    response = world.client.get("/feeds/changes.atom")
    assert response.status_code == 200
    root = ET.fromstring(response.get_data())
    titles = [element.text for element in root.iter(ATOM + "title")]
    summaries = [element.text for element in root.iter(ATOM + "summary")]
    assert any(title.startswith("Trasig titel ") for title in titles), titles
    assert "Kommentar" in summaries, summaries
