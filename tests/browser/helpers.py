"""Helpers for the browser tests: signing in, and the catalogue of main pages."""

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from playwright.sync_api import expect

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    """Signs in through the sign-in page, from wherever the page is."""
    page.goto("/logga-in")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    expect(page.locator(".flash.ok")).to_have_text(f"Du är inloggad som {username}.")


# ---- the main pages, for the accessibility and layout checks on the demo site ---------------

# Demo examples: a published one with two versions, and Falu kommun's draft (whose address has
# a provisional suffix until it is published).
PUBLISHED = "gemensam-riskbedomning-med-sara-och-patriark-mellan-polis-och-socialtjanst"
DRAFT_BASE = "grannkampanj-for-civilkurage-mot-vald-i-hyreshus-i-falun"


def draft_slug(site) -> str:
    row = site.services.pages._db().execute(
        "SELECT slug FROM examples WHERE slug LIKE ? AND status='draft'", (DRAFT_BASE + "-%",)).fetchone()
    return row[0]


@dataclass(frozen=True)
class MainPage:
    name: str
    path: str | Callable       # a path, or a function of the site that gives one
    username: str | None = None
    then: Callable | None = None   # what to do on the page before checking it: then(page, site)
    status: int = 200


def _preview(page, site):
    page.get_by_label("Beskrivning (Markdown)").fill(
        "## Bakgrund\n\nText med [[saknas]] och en tabell:\n\n| år | antal |\n|---|---|\n| 2024 | 12 |\n\n"
        "```\nett långt kodblock som inte får bryta sidans bredd på en liten skärm, inte alls\n```")
    page.get_by_role("button", name="Förhandsvisa").click()
    expect(page.get_by_role("region", name="Förhandsvisning")).to_be_visible()


def _empty_title(page, site):
    page.get_by_label("Titel").fill("")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator("main [role=alert]")).to_be_visible()


def _conflict(page, site):
    from events.permissions import Actor
    draft = draft_slug(site)
    current = site.wiki.repository.get(site.wiki.example_id(draft)).revision
    site.wiki.edit_example(Actor("eva.strand", "coordinator", None), draft, {
        "base_version": current, "body": f"Samordnarens version {current + 1} av texten.\n",
        "comment": "Samtidig ändring"})
    page.get_by_label("Beskrivning (Markdown)").fill("Min egen version av texten.\n")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("heading", name="Redigeringskonflikt")).to_be_visible()


def _wrong_password(page, site):
    page.get_by_label("Användarnamn").fill("ingen.alls")
    page.get_by_label("Lösenord").fill("fel-losenord")
    page.get_by_role("button", name="Logga in").click()
    expect(page.locator("main [role=alert]")).to_be_visible()


def _empty_form(page, site):
    page.get_by_role("button", name="Skicka blanketten").click()
    expect(page.locator("main [role=alert]")).to_be_visible()


def _verify(page, site):
    page.get_by_role("button", name="Verifiera").click()
    expect(page.locator("main .flash.ok")).to_be_visible()


def _suggestion(page, site):
    expect(page.locator("p.suggestion a")).to_be_visible()


def _a_person(site):
    return f"/personer/{site.services.pages.organisation_terms('falu-kommun')[0]['person_id']}"


MAIN_PAGES = [
    MainPage("start", "/"),
    MainPage("exempel", "/exempel"),
    MainPage("ett-exempel", f"/exempel/{PUBLISHED}"),
    MainPage("sok-med-facett", "/sok?q=v%C3%A5ld&violence_form=nara-relation"),
    MainPage("menade-du", "/sok?q=hedersrelatrat", then=_suggestion),
    MainPage("logga-in", "/logga-in"),
    MainPage("logga-in-fel", "/logga-in", then=_wrong_password),
    MainPage("nytt-exempel", "/nytt-exempel", "maja.lind"),
    MainPage("forhandsvisning", "/nytt-exempel", "maja.lind", then=_preview),
    MainPage("redigera", f"/exempel/{PUBLISHED}/redigera", "eva.strand"),
    MainPage("redigera-med-fel", f"/exempel/{PUBLISHED}/redigera", "eva.strand", then=_empty_title),
    MainPage("redigeringskonflikt", lambda site: f"/exempel/{draft_slug(site)}/redigera", "maja.lind",
             then=_conflict),
    MainPage("historik", f"/exempel/{PUBLISHED}/historik", "eva.strand"),
    MainPage("jamforelse", f"/exempel/{PUBLISHED}/jamfor?from=1&to=2"),
    MainPage("andringar", "/andringar"),
    MainPage("organisationer", "/organisationer"),
    MainPage("organisation", "/organisationer/falu-kommun", "eva.strand"),
    MainPage("person", _a_person, "eva.strand"),
    MainPage("register", "/register", "eva.strand"),
    MainPage("blankett", "/blankett", "maja.lind"),
    MainPage("blankett-med-fel", "/blankett", "maja.lind", then=_empty_form),
    MainPage("blanketter-samordnare", "/blanketter", "eva.strand"),
    MainPage("granskning", "/granskning", "ingrid.alm"),
    MainPage("verifiera", "/granskning/verifiera", "ingrid.alm", then=_verify),
    MainPage("konto", "/konto", "maja.lind"),
    MainPage("losenord", "/konto/losenord", "maja.lind"),
    MainPage("konton", "/konton", "admin"),
    MainPage("api-dokumentation", "/api-dokumentation"),
    MainPage("sidan-finns-inte", "/exempel/finns-inte", status=404),
]


def open_main_page(page, site, spec: MainPage):
    path = spec.path(site) if callable(spec.path) else spec.path
    response = page.goto(path)
    assert response is not None and response.status == spec.status, (path, response and response.status)
    if spec.then is not None:
        spec.then(page, site)
        page.wait_for_load_state("load")    # the stylesheet too, before anything is measured
