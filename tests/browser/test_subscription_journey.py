"""Subscriptions in a real browser (issue 14): a member gives an e-mail address and subscribes to a
search from the search page; a coordinator publishes a matching example from the review queue; the
notifier (a thread of the live server, as under `flask run`) writes the message into the outbox; the
member follows its List-Unsubscribe link, confirms, and the subscription is gone. axe-core passes on
the pages the member uses."""

import re
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from playwright.sync_api import expect

from events.permissions import Actor
from wiki.notify import notify_services

from .helpers import sign_in
from .test_main_pages import assert_accessible

TITLE = "Hedersrelaterat våld i skolan"
SUMMARY = "Skolan och socialtjänsten samverkar när elever berättar om kontroll."
ADDRESS = "olle@mora.example"


@pytest.fixture
def mail_site(site):
    """The test's site with the notifier running as a thread of the server (it starts on the next
    request), and links in the messages pointing at the live server."""
    site.app.config["NOTIFIER"] = "thread"
    site.app.config["PUBLIC_URL"] = site.url
    return site


def flash(page, kind="ok"):
    return page.locator(f"main .flash.{kind}")


def notifier_reached(site, position: int, timeout: float = 20.0) -> None:
    """Waits until the notifier thread has followed the log to `position`."""
    outbox = notify_services(site.app).outbox
    deadline = time.monotonic() + timeout
    while outbox.position() < position:
        assert time.monotonic() < deadline, f"the notifier is at {outbox.position()}, not {position}"
        time.sleep(0.1)


def messages_in_outbox(site, timeout: float = 30.0) -> list[EmailMessage]:
    """The outbox's .eml files, parsed, once there is at least one (the notifier thread waits for the
    search index, then writes)."""
    folder = Path(site.app.config["DATA_DIR"]) / "outbox"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = sorted(folder.glob("*.eml"))
        if files:
            return [message_from_bytes(p.read_bytes(), policy=policy.default) for p in files]
        time.sleep(0.1)
    raise AssertionError(f"no message in {folder} after {timeout} s")


def test_a_member_subscribes_to_a_search_and_gets_the_published_example_by_mail(mail_site, page, open_page):
    site = mail_site
    sign_in(page, "olle")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="olle").click()
    page.get_by_role("link", name="E-post, prenumerationer och kalender").click()
    expect(page).to_have_url(re.compile(r"/konto/prenumerationer$"))
    expect(page.get_by_text("Utan e-postadress skickas inga brev.")).to_be_visible()
    page.get_by_label("E-postadress", exact=True).fill(ADDRESS)
    page.get_by_role("button", name="Spara").click()
    expect(flash(page)).to_have_text("Inställningarna är sparade.")
    expect(page.get_by_label("E-postadress", exact=True)).to_have_value(ADDRESS)

    page.get_by_role("search").get_by_label("Sök bland exemplen").fill("hedersrelaterat")
    page.get_by_role("search").get_by_role("button", name="Sök").click()
    expect(page).to_have_url(re.compile(r"/sok\?q=hedersrelaterat$"))
    subscribe = page.get_by_role("form", name="Prenumerera på den här sökningen")
    expect(subscribe.get_by_label("Skicka e-post om nya exempel som matchar")).to_have_value("immediate")
    assert_accessible(page)
    subscribe.get_by_role("button", name="Prenumerera").click()
    expect(page).to_have_url(re.compile(r"/konto/prenumerationer$"))
    expect(flash(page)).to_have_text("Prenumerationen är sparad.")
    mine = page.get_by_role("region", name="Mina prenumerationer")
    expect(mine.locator("li")).to_have_count(1)
    expect(mine.locator("li")).to_contain_text("Sökning: ”hedersrelaterat” (direkt)")
    assert_accessible(page)

    # setup outside the pages: Falu kommun's member writes the example and sends it for review
    maja = Actor("maja", "member", site.world.falun)
    draft = site.wiki.create_example(maja, {
        "title": TITLE, "summary": SUMMARY, "body": "## Bakgrund\n\nEleverna visste inte vart de kunde vända sig.",
        "violence_forms": ["hedersrelaterat"]}).slug
    submitted = site.wiki.submit_for_review(maja, draft).position
    site.settle()
    notifier_reached(site, submitted)
    assert not list((Path(site.app.config["DATA_DIR"]) / "outbox").glob("*.eml")), "a draft makes no mail"

    coordinator = open_page()
    sign_in(coordinator, "eva")
    coordinator.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Att granska").click()
    coordinator.get_by_role("link", name=TITLE).click()
    coordinator.get_by_role("button", name="Publicera").click()
    expect(flash(coordinator)).to_have_text("Exemplet är publicerat.")
    expect(coordinator).to_have_url(re.compile(r"/exempel/hedersrelaterat-vald-i-skolan$"))

    [message] = messages_in_outbox(site)
    assert message["To"] == ADDRESS
    assert TITLE in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    assert TITLE in text and SUMMARY in text and "/exempel/hedersrelaterat-vald-i-skolan" in text
    assert TITLE in message.get_body(("html",)).get_content()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message["List-Unsubscribe"].strip("<>")
    assert link.startswith(site.url + "/avprenumerera?")

    reader = open_page()   # the mail program opens the link without the session
    assert reader.goto(link).status == 200
    expect(reader.get_by_role("heading", level=1)).to_have_text("Avsluta prenumeration")
    assert site.world.api("GET", "/subscriptions", "olle").json["items"], "opening the link changes nothing"
    assert_accessible(reader)
    reader.get_by_role("button", name="Avsluta prenumerationen").click()
    expect(reader.locator("main")).to_contain_text("Klart: du får inga fler brev från den här prenumerationen.")
    assert site.world.api("GET", "/subscriptions", "olle").json["items"] == []
    page.reload()
    expect(page.get_by_role("region", name="Mina prenumerationer")).to_contain_text("Du har inga prenumerationer.")

    # the example page offers to watch it, and says so once watched
    page.goto("/exempel/hedersrelaterat-vald-i-skolan")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert_accessible(page)
    page.get_by_role("button", name="Bevaka").click()
    expect(flash(page)).to_have_text("Prenumerationen är sparad.")
    expect(page.get_by_text("Du bevakar exemplet och får e-post när det ändras.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sluta bevaka").click()
    expect(flash(page)).to_have_text("Prenumerationen är avslutad.")
    expect(page.get_by_role("button", name="Bevaka")).to_be_visible()
    assert site.world.api("GET", "/subscriptions", "olle").json["items"] == []
