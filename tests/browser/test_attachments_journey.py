"""Attachments in a real browser (issue 15): a member adds a PDF and an image to her draft with the
keyboard, sees the progress bar fill, the list with types and sizes and the image's preview; the
report's words are found by search and the hit names the file; axe-core passes on the page."""

import re

from playwright.sync_api import expect

from tests import file_samples as samples

from .helpers import sign_in
from .test_main_pages import assert_accessible


def test_a_member_attaches_a_report_and_an_image_and_finds_the_report_by_its_words(site, page, tmp_path):
    slug = site.world.example("maja", title="Stödsamtal för våldsutsatta äldre")
    site.settle()
    report = tmp_path / "utvardering.pdf"
    report.write_bytes(samples.pdf_with_text("Äldrestödsmodellen minskade återfallen", pages=3,
                                             author="Testa Författarsson"))
    poster = tmp_path / "affisch.jpg"
    poster.write_bytes(samples.jpeg_with_exif(gps=True, owner="Kamera Ägarsson"))

    sign_in(page, "maja")
    page.goto(f"/exempel/{slug}")
    section = page.get_by_role("region", name="Bilagor")
    chooser = section.get_by_label(re.compile("Lägg till en bilaga"))
    chooser.set_input_files(str(report))
    chooser.focus()
    page.keyboard.press("Tab")
    expect(section.get_by_role("button", name="Ladda upp")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main .flash.ok")).to_have_text("Bilagan utvardering.pdf är tillagd.")

    section = page.get_by_role("region", name="Bilagor")
    expect(section.get_by_role("link", name="utvardering.pdf")).to_be_visible()
    expect(section.get_by_text(re.compile(r"\(PDF, \d+ kB\)"))).to_be_visible()

    section.get_by_label(re.compile("Lägg till en bilaga")).set_input_files(str(poster))
    section.get_by_role("button", name="Ladda upp").click()
    expect(page.locator("main .flash.ok")).to_have_text("Bilagan affisch.jpg är tillagd.")
    preview = page.get_by_role("img", name="Förhandsvisning av affisch.jpg")
    expect(preview).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth", preview.element_handle()) > 0

    site.settle()
    page.reload()
    section = page.get_by_role("region", name="Bilagor")
    expect(section.get_by_text("Testa Författarsson")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("search").get_by_label("Sök bland exemplen").fill("äldrestödsmodellen")
    page.get_by_role("search").get_by_role("button", name="Sök").click()
    hit = page.locator(".hits li").first
    expect(hit).to_contain_text("Stödsamtal för våldsutsatta äldre")
    expect(hit).to_contain_text("i bilagan utvardering.pdf")
    assert_accessible(page)
