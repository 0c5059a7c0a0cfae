"""Lost work (issue 20, items 9 and 11) in a real browser: two editors of different fields both
keep their changes, an ended session gives the text back after signing in, and the form keeps
a draft in the browser and warns before leaving it unsaved."""

import re

from playwright.sync_api import expect

from tests.conftest import PASSWORD

from .helpers import sign_in
from .test_journeys import create_example, flash


def test_two_editors_of_different_fields_both_keep_their_changes(site, page, open_page):
    slug = create_example(site, title="Samverkan i skolan", summary="Från början.", tags=["skola"])
    eva = open_page()
    sign_in(page, "maja")
    sign_in(eva, "eva")
    page.goto(f"/exempel/{slug}/redigera")
    eva.goto(f"/exempel/{slug}/redigera")

    page.get_by_label("Sammanfattning").fill("Majas sammanfattning.")
    page.get_by_role("button", name="Spara").click()
    expect(flash(page)).to_have_text("Ändringen sparades.")

    eva.get_by_label("Taggar").fill("skola, fritids")
    with eva.expect_response(lambda r: r.request.method == "POST") as answer:
        eva.get_by_role("button", name="Spara").click()
    assert answer.value.status == 302, "different fields merge: no conflict page"
    expect(flash(eva)).to_have_text("Ändringen sparades.")
    expect(eva.get_by_role("heading", name="Redigeringskonflikt")).to_have_count(0)
    expect(eva.locator("article")).to_contain_text("Majas sammanfattning.")
    example = site.wiki.get_example(slug)
    assert (site.wiki.content_of(example)["summary"], site.wiki.content_of(example)["tags"], example.revision) == (
        "Majas sammanfattning.", ["skola", "fritids"], 3)


def test_a_conflict_on_another_field_than_the_body_shows_that_field(site, page, open_page):
    slug = create_example(site, title="Samverkan i skolan", summary="Från början.", tags=["skola"])
    eva = open_page()
    sign_in(page, "maja")
    sign_in(eva, "eva")
    page.goto(f"/exempel/{slug}/redigera")
    eva.goto(f"/exempel/{slug}/redigera")

    page.get_by_label("Titel").fill("Majas titel")
    page.get_by_label("Sammanfattning").fill("Majas sammanfattning.")
    page.get_by_role("button", name="Spara").click()
    expect(flash(page)).to_have_text("Ändringen sparades.")

    eva.get_by_label("Sammanfattning").fill("Evas sammanfattning.")
    eva.get_by_label("Taggar").fill("skola, fritids")
    with eva.expect_response(lambda r: r.request.method == "POST") as answer:
        eva.get_by_role("button", name="Spara").click()
    assert answer.value.status == 409
    conflict = eva.get_by_role("alert").filter(has=eva.get_by_role("heading", name="Redigeringskonflikt"))
    expect(conflict).to_contain_text("Ni har båda ändrat: Sammanfattning.")
    rows = conflict.locator("table.field-diff tbody tr")
    expect(rows.locator("th")).to_have_text([re.compile(r"^Sammanfattning.*ändrat av båda"), "Taggar"])
    expect(rows.nth(0).locator("del")).to_have_text("Majas sammanfattning.")
    expect(rows.nth(0).locator("ins")).to_have_text("Evas sammanfattning.")
    expect(eva.get_by_label("Titel")).to_have_value("Majas titel")
    expect(eva.get_by_label("Sammanfattning")).to_have_value("Evas sammanfattning.")
    expect(eva.get_by_label("Taggar")).to_have_value("skola, fritids")

    eva.get_by_label("Sammanfattning").fill("Majas sammanfattning.")
    eva.get_by_role("button", name="Spara").click()
    expect(flash(eva)).to_have_text("Ändringen sparades.")
    example = site.wiki.get_example(slug)
    assert (site.wiki.content_of(example)["title"], site.wiki.content_of(example)["summary"], site.wiki.content_of(example)["tags"]) == (
        "Majas titel", "Majas sammanfattning.", ["skola", "fritids"])


def test_signing_in_again_in_the_middle_of_an_edit_keeps_the_text(site, page):
    slug = create_example(site, title="Ett exempel att skriva länge på", body="Kort.\n")
    sign_in(page, "maja")
    page.goto(f"/exempel/{slug}/redigera")
    text = "En lång text\nsom tog en timme att skriva.\n"
    page.get_by_label("Beskrivning (Markdown)").fill(text)
    page.get_by_label("Kommentar till ändringen").fill("Efter en lång stund")
    page.context.clear_cookies()

    page.get_by_role("button", name="Spara").click()
    expect(page).to_have_url(re.compile(r"/logga-in\?next="))
    expect(page.locator("main .flash.error")).to_contain_text("Du hade blivit utloggad, så inget är sparat än.")
    page.get_by_label("Användarnamn").fill("maja")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()

    expect(page).to_have_url(re.compile(rf"/exempel/{slug}/redigera$"))
    expect(page.get_by_text("Det du skrev innan du behövde logga in igen finns kvar nedan.")).to_be_visible()
    expect(page.get_by_label("Beskrivning (Markdown)")).to_have_value(text)
    expect(page.get_by_label("Kommentar till ändringen")).to_have_value("Efter en lång stund")
    page.get_by_role("button", name="Spara").click()
    expect(flash(page)).to_have_text("Ändringen sparades.")
    assert site.wiki.content_of(site.wiki.get_example(slug))["body"] == text


def test_the_form_keeps_a_draft_in_the_browser_and_warns_before_leaving(site, page):
    slug = create_example(site, title="Utkast i webbläsaren", summary="Sparad sammanfattning.")
    sign_in(page, "maja")
    page.goto(f"/exempel/{slug}/redigera")
    page.get_by_label("Sammanfattning").fill("Osparad sammanfattning.")
    page.get_by_label("Taggar").fill("osparad")

    dialogs = []

    def accept(dialog):
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", accept)
    page.goto(f"/exempel/{slug}")
    assert dialogs == ["beforeunload"], "leaving unsaved changes asks first"
    page.remove_listener("dialog", accept)

    page.goto(f"/exempel/{slug}/redigera")
    notice = page.locator("#draft-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("osparat utkast")
    expect(page.get_by_label("Sammanfattning")).to_have_value("Osparad sammanfattning.")
    expect(page.get_by_label("Taggar")).to_have_value("osparad")
    notice.get_by_role("button", name="Släng utkastet").click()
    expect(notice).to_be_hidden()
    expect(page.get_by_label("Sammanfattning")).to_have_value("Sparad sammanfattning.")
    page.goto(f"/exempel/{slug}/redigera")
    expect(page.locator("#draft-notice")).to_be_hidden()

    page.get_by_label("Sammanfattning").fill("Sparad nu.")
    page.get_by_role("button", name="Spara").click()
    expect(flash(page)).to_have_text("Ändringen sparades.")
    # the next page's script removes it once it runs (the flash may show before it has)
    drafts = "Object.keys(localStorage).filter(k => k.startsWith('lansgrupp-draft:'))"
    for _ in range(50):  # polled here: the page's CSP forbids the evaluated strings wait_for_function uses
        if page.evaluate(drafts) == []:
            break
        page.wait_for_timeout(100)
    assert page.evaluate(drafts) == [], "a successful save removes the draft"
    page.goto(f"/exempel/{slug}/redigera")
    expect(page.locator("#draft-notice")).to_be_hidden()
    expect(page.get_by_label("Sammanfattning")).to_have_value("Sparad nu.")
