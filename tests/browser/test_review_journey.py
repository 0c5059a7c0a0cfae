"""Safe publishing in a real browser (issue 12): a member's draft with a phone number, the
identification check marking it in the preview and after saving, the member removing it and
sending the draft for review, and a coordinator publishing it from the review queue."""

import re

from playwright.sync_api import expect

from .helpers import sign_in
from .test_main_pages import BLOCKING, axe_violations, describe

PHONE = "070-123 45 67"
TITLE = "Jourtelefon för våldsutsatta i Falun"


def flash(page, kind="ok"):
    return page.locator(f"main .flash.{kind}")


def findings(page):
    return page.get_by_role("region", name="Identifieringskontroll")


def test_a_member_removes_a_marked_phone_number_and_a_coordinator_publishes_after_review(page, open_page):
    sign_in(page, "maja")
    page.get_by_role("link", name="Skriv exempel").click()
    page.get_by_label("Titel").fill(TITLE)
    page.get_by_label("Sammanfattning").fill("Kvinnojouren svarar i telefon dygnet runt.")
    page.get_by_label("Beskrivning (Markdown)").fill(
        f"## Bakgrund\n\nMånga visste inte vart de kunde vända sig.\n\n## Vad gjordes\n\nRing jouren på {PHONE} "
        "dygnet runt.")
    page.get_by_label("Våld i nära relation").check()
    page.get_by_label("Startår").fill("2023")

    page.get_by_role("button", name="Förhandsvisa").click()
    expect(page.get_by_role("region", name="Förhandsvisning")).to_be_visible()
    expect(findings(page).locator("li")).to_have_text(["Varning: telefonnummer i Beskrivning"])
    expect(findings(page).locator("mark")).to_have_text([PHONE])
    expect(findings(page).locator("mark")).to_have_class("severity-warn")
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
    assert not blocking, describe(blocking)

    page.get_by_role("button", name="Spara").click()
    expect(page).to_have_url(re.compile(r"/exempel/jourtelefon-for-valdsutsatta-i-falun-[0-9a-f]{6}$"))
    expect(flash(page)).to_have_text("Exemplet sparades som utkast.")
    expect(flash(page, "warn")).to_contain_text("ta bort dem innan exemplet skickas till granskning")
    expect(findings(page).locator("mark")).to_have_text([PHONE])
    draft_url = page.url

    page.get_by_role("link", name="Redigera").click()
    page.get_by_label("Beskrivning (Markdown)").fill(
        "## Bakgrund\n\nMånga visste inte vart de kunde vända sig.\n\n## Vad gjordes\n\nJouren svarar dygnet runt.")
    page.get_by_label("Kommentar till ändringen").fill("Tog bort telefonnumret")
    page.get_by_role("button", name="Förhandsvisa").click()
    expect(findings(page)).to_contain_text("Kontrollen hittade inga personnummer")
    expect(findings(page).locator("mark")).to_have_count(0)
    page.get_by_role("button", name="Spara").click()
    expect(flash(page)).to_have_text("Ändringen sparades.")
    expect(flash(page, "warn")).to_have_count(0)
    expect(findings(page)).to_have_count(0)
    expect(page.locator("article .body")).not_to_contain_text(PHONE)
    # a member does not publish: they send the draft for review
    expect(page.get_by_role("button", name="Publicera")).to_have_count(0)

    page.get_by_role("button", name="Skicka till granskning").click()
    expect(flash(page)).to_contain_text("Exemplet är skickat till granskning.")
    expect(page.get_by_role("heading", level=1).locator(".badge")).to_be_visible()
    expect(page.get_by_role("button", name="Skicka till granskning")).to_have_count(0)

    anonymous = open_page()
    assert anonymous.goto(draft_url).status == 404, "an example in review is not public"

    coordinator = open_page()
    sign_in(coordinator, "eva")
    coordinator.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Att granska").click()
    expect(coordinator).to_have_url(re.compile(r"/granskningsko$"))
    coordinator.get_by_role("link", name=TITLE).click()
    expect(coordinator.get_by_role("heading", name="Granskarens checklista")).to_be_visible()
    expect(findings(coordinator)).to_have_count(0)
    coordinator.get_by_role("button", name="Publicera").click()
    expect(flash(coordinator)).to_have_text("Exemplet är publicerat.")
    expect(coordinator).to_have_url(re.compile(r"/exempel/jourtelefon-for-valdsutsatta-i-falun$"))
    coordinator.goto("/granskningsko")
    expect(coordinator.get_by_text("Inget väntar på granskning.")).to_be_visible()

    anonymous.goto("/exempel")
    anonymous.get_by_role("link", name=TITLE).click()
    expect(anonymous).to_have_url(re.compile(r"/exempel/jourtelefon-for-valdsutsatta-i-falun$"))
    expect(anonymous.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(anonymous.locator("article .body")).to_contain_text("Jouren svarar dygnet runt.")
    expect(anonymous.locator("article .body")).not_to_contain_text(PHONE)
