"""Keyboard only: Tab, Shift+Tab, Enter, Space and typing, never the mouse. Every element that
Tab reaches must show where focus is."""

import re

from playwright.sync_api import expect

from tests.conftest import PASSWORD

FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    return {
        tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute("name") || "", value: el.value || "",
        text: (el.innerText || el.value || "").trim(), classes: el.className || "",
        visible: el.matches(":focus-visible") && (outline || style.boxShadow !== "none"),
        inMain: !!el.closest("main"), html: el.outerHTML.slice(0, 120),
    };
}"""


def focused(page) -> dict | None:
    return page.evaluate(FOCUSED)


def tab_to(page, wanted, backwards=False, limit=150) -> dict:
    """Presses Tab (Shift+Tab) until `wanted(focused element)`; every element passed on the way
    must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        element = focused(page)
        if element is None:
            continue
        assert element["visible"], f"focus is not visible on {element['html']}"
        if wanted(element):
            return element
    raise AssertionError(f"Tab never reached the element on {page.url}")


def link(text):
    return lambda e: e["tag"] == "a" and e["text"] == text


def button(text):
    return lambda e: e["tag"] == "button" and e["text"] == text


def field(id_):
    return lambda e: e["id"] == id_


def sign_in_by_keyboard(page, username):
    page.goto("/")
    tab_to(page, link("Logga in"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/logga-in"))
    expect(page.get_by_label("Användarnamn")).to_be_focused()    # the page starts in its first field
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Lösenord")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("main .flash.ok")).to_have_text(f"Du är inloggad som {username}.")


def test_skip_link_comes_first_and_leads_to_the_content(site, page):
    draft = site.world.example("maja", title="Första länken i innehållet")
    site.world.api("POST", f"/examples/{draft}/publish", "eva")
    site.settle()
    page.goto("/")
    page.keyboard.press("Tab")
    first = focused(page)
    assert first["tag"] == "a" and "skip" in first["classes"] and first["text"] == "Hoppa till innehållet", first
    assert first["visible"], "the skip link shows its focus"
    box = page.locator("a.skip").bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0 and box["width"] > 0, "the focused skip link is on screen"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.keyboard.press("Tab")
    after = focused(page)
    assert after["inMain"] and after["text"] == "Första länken i innehållet", \
        f"Tab after the skip link goes into the content, not to {after['html']}"


def test_focus_is_visible_on_every_element_of_the_start_and_edit_pages(site, page):
    draft = site.world.example("maja", title="Exempel att tabba förbi")
    site.world.api("POST", f"/examples/{draft}/publish", "eva")
    site.settle()
    page.goto("/")
    seen = set()
    for _ in range(60):
        page.keyboard.press("Tab")
        element = focused(page)
        if element is None or element["html"] in seen:
            break
        seen.add(element["html"])
        assert element["visible"], f"focus is not visible on {element['html']}"
    assert len(seen) >= 10, seen
    assert any("Exempel att tabba förbi" in html for html in seen)

    sign_in_by_keyboard(page, "maja")
    page.goto("/nytt-exempel")
    tab_to(page, button("Spara"))     # passes every field, checkbox and the summary of the details


def test_sign_in_by_keyboard(page):
    sign_in_by_keyboard(page, "maja")
    assert page.url.endswith("/")
    tab_to(page, link("maja"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mitt konto")


def test_write_an_example_and_send_it_for_review_by_keyboard(site, page):
    sign_in_by_keyboard(page, "maja")
    tab_to(page, link("Skriv exempel"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Skriv ett nytt lärande exempel")

    tab_to(page, field("title"))
    page.keyboard.type("Tangentbordets exempel")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "summary"
    page.keyboard.type("Skrivet utan mus.")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "body"
    page.keyboard.type("## Bakgrund\n\nAllt gjordes med tangentbordet.\n\n- Tab\n- Enter")
    tab_to(page, lambda e: e["name"] == "violence_forms" and e["value"] == "nara-relation")
    page.keyboard.press("Space")
    tab_to(page, button("Förhandsvisa"))
    page.keyboard.press("Enter")

    preview = page.get_by_role("region", name="Förhandsvisning")
    expect(preview.get_by_role("heading", name="Bakgrund")).to_be_visible()
    expect(preview.get_by_role("listitem")).to_have_text(["Tab", "Enter"])
    expect(page.get_by_label("Våld i nära relation")).to_be_checked()

    # from the end of the page backwards: footer links, then the form's last button
    tab_to(page, button("Spara"), backwards=True)
    page.keyboard.press("Enter")
    expect(page.locator("main .flash.ok")).to_have_text("Exemplet sparades som utkast.")
    expect(page).to_have_url(re.compile(r"/exempel/tangentbordets-exempel-[0-9a-f]{6}$"))

    tab_to(page, button("Skicka till granskning"))  # members send for review; coordinators publish
    page.keyboard.press("Enter")
    expect(page.locator("main .flash.ok")).to_contain_text("Exemplet är skickat till granskning.")
    expect(page.get_by_role("complementary", name="Fakta om exemplet")).to_contain_text("Våld i nära relation")
    expect(page.locator("article .body li")).to_have_text(["Tab", "Enter"])
