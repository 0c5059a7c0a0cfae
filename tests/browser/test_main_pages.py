"""Every main page (helpers.MAIN_PAGES), as the person who uses it sees it: no serious or critical
WCAG 2.1 A/AA violation found by axe-core, and at 320 CSS pixels (WCAG 1.4.10 reflow) nothing
scrolls sideways but a wide table inside its own labelled, focusable box. Each page is opened
once and checked at both widths."""

import pytest

from .helpers import AXE, MAIN_PAGES, open_main_page

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
SMALL = {"width": 320, "height": 640}
_axe_source = []


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as it is now. axe is evaluated through the DevTools
    protocol, which the pages' CSP (no script but the site's own) does not govern."""
    if not _axe_source:
        _axe_source.append(AXE.read_text(encoding="utf-8"))
    page.evaluate(_axe_source[0])
    return page.evaluate("""async (tags) => {
        const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
        return result.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + ": " + n.failureSummary.replace(/\\s+/g, " ")),
        }));
    }""", TAGS)


def describe(violations) -> str:
    return "\n".join(f"[{v['impact']}] {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in violations)


WIDEST = """() => {
    // what sticks out on the right: elements and runs of text not inside a box of their own that scrolls
    const limit = document.documentElement.clientWidth + 0.5, found = [];
    const inScrollBox = (el) => {
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement)
            if (/(auto|scroll|hidden)/.test(getComputedStyle(p).overflowX)) return true;
        return false;
    };
    const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
        (typeof el.className === "string" && el.className.trim() ? "." + el.className.trim().split(/\\s+/).join(".") : "");
    for (const el of document.querySelectorAll("body *")) {
        const box = el.getBoundingClientRect();
        if (box.width > 0 && box.right > limit && !inScrollBox(el)) found.push(name(el) + " right=" + Math.round(box.right));
    }
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node; (node = walker.nextNode());) {
        const range = document.createRange();
        range.selectNodeContents(node);
        const box = range.getBoundingClientRect();
        if (box.width > 0 && box.right > limit && !inScrollBox(node.parentElement))
            found.push("text in " + name(node.parentElement) + " right=" + Math.round(box.right) + ": " + node.textContent.trim().slice(0, 40));
    }
    return found.slice(0, 10);
}"""


SCROLL_BOXES = """() => {
    // boxes that scroll sideways must be reachable by keyboard and say what they hold
    const bad = [];
    for (const el of document.querySelectorAll("body *")) {
        if (!/(auto|scroll)/.test(getComputedStyle(el).overflowX) || el.scrollWidth <= el.clientWidth + 1) continue;
        const role = el.getAttribute("role") || (el.tagName === "FIGURE" ? "figure" : "");
        const named = el.getAttribute("aria-label") || el.getAttribute("aria-labelledby") ||
                      (el.tagName === "FIGURE" && el.querySelector(":scope > figcaption"));
        if (el.tabIndex < 0 || !role || !named) bad.push(el.outerHTML.slice(0, 120));
    }
    return bad;
}"""


@pytest.mark.parametrize("spec", MAIN_PAGES, ids=[p.name for p in MAIN_PAGES])
def test_main_page_is_accessible_and_fits_320_pixels(demo_site, demo_context, spec):
    page = demo_context(spec.username).new_page()
    open_main_page(page, demo_site, spec)
    problems = []

    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
    if blocking:
        problems.append(f"axe at 1280 px:\n{describe(blocking)}")

    page.set_viewport_size(SMALL)
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > SMALL["width"]:
        problems.append(f"{width} px wide at 320 px; sticking out: {page.evaluate(WIDEST)}")
    unreachable = page.evaluate(SCROLL_BOXES)
    if unreachable:
        problems.append(f"boxes that scroll at 320 px without tabindex, role and name: {unreachable}")
    assert not problems, f"{page.url}\n" + "\n".join(problems)


def test_axe_finds_violations_at_all(demo_site, demo_context):
    """The check above would pass on anything if axe were not running: it must flag a broken page."""
    page = demo_context(None).new_page()
    page.goto("/")
    page.evaluate("""() => {
        document.querySelector("main").append(document.createElement("input"));
        document.querySelector("main h1").style.color = "#eee";
    }""")
    ids = {v["id"] for v in axe_violations(page) if v["impact"] in BLOCKING}
    assert {"label", "color-contrast"} <= ids


def test_wide_tables_scroll_in_their_own_box(demo_site, demo_context):
    """The register's table is wider than 320 pixels: its box scrolls, by keyboard too, and the
    checks above see that box (and would see a page that scrolls)."""
    page = demo_context("eva.strand", viewport=SMALL).new_page()
    page.goto("/register")
    box = page.get_by_role("region", name="Representanter per organisation")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")
    assert page.evaluate(SCROLL_BOXES) == []
    box.evaluate("el => el.removeAttribute('tabindex')")
    assert len(page.evaluate(SCROLL_BOXES)) == 1
    box.evaluate("el => el.setAttribute('tabindex', '0')")
    box.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("box => box.scrollLeft > 0", arg=box.element_handle())   # scrolls smoothly
    box.evaluate("el => el.style.overflowX = 'visible'")
    assert page.evaluate("document.documentElement.scrollWidth") > SMALL["width"]
    assert page.evaluate(WIDEST)


def assert_accessible(page):
    """No serious or critical axe-core violation, and at 320 CSS pixels nothing scrolls sideways but
    a table in its own labelled, focusable box (as test_main_pages checks the main pages)."""
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
    assert not blocking, describe(blocking)
    wide = page.viewport_size
    page.set_viewport_size(SMALL)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= SMALL["width"], f"{page.url}: {width} px wide at 320 px: {page.evaluate(WIDEST)}"
    assert page.evaluate(SCROLL_BOXES) == []
    page.set_viewport_size(wide)
