"""What people do with the wiki, through the Swedish pages only, in a real browser.

Setup that is not the journey itself (examples to search, earlier forms) is written with the
application's commands; everything the test checks is done by clicking and typing."""

import json
import re

from playwright.sync_api import expect

from events.permissions import Actor
from tests.conftest import PASSWORD

from .helpers import sign_in

MAJA = Actor("maja", "member", "falu-kommun")
EVA = Actor("eva", "coordinator", None)


def flash(page):
    return page.locator("main .flash.ok")


def error(page):
    return page.locator("main [role=alert]")


def create_example(site, actor=MAJA, publish=False, **fields):
    data = {"title": "Ett lärande exempel", "summary": "Kort sammanfattning.", "body": "## Bakgrund\n\nText.",
            "organisations": [actor.organisation or "falu-kommun"], "comment": "", **fields}
    written = site.wiki.create_example(actor, data)
    if publish:
        written = site.wiki.publish_example(EVA, written.slug)
    site.settle()
    return written.slug


# ---- signing in ----------------------------------------------------------------------------

def test_sign_in_with_feedback_and_sign_out(page):
    page.goto("/")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Logga in").click()
    expect(page).to_have_url(re.compile(r"/logga-in\?next=/$"))

    page.get_by_label("Användarnamn").fill("maja")
    page.get_by_label("Lösenord").fill("fel-losenord")
    page.get_by_role("button", name="Logga in").click()
    expect(error(page)).to_have_text("Fel användarnamn eller lösenord.")
    expect(page.get_by_label("Användarnamn")).to_have_value("maja")
    expect(page.get_by_label("Lösenord")).to_have_value("")

    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(flash(page)).to_have_text("Du är inloggad som maja.")
    expect(page).to_have_url(re.compile(r"/$"))
    menu = page.get_by_role("navigation", name="Huvudmeny")
    expect(menu.get_by_role("link", name="Skriv exempel")).to_be_visible()
    expect(menu.get_by_role("link", name="maja")).to_be_visible()

    menu.get_by_role("button", name="Logga ut").click()
    expect(flash(page)).to_have_text("Du är utloggad.")
    expect(menu.get_by_role("link", name="Logga in")).to_be_visible()
    expect(menu.get_by_role("link", name="Skriv exempel")).to_have_count(0)


def test_sign_in_returns_to_the_page_that_asked_for_it(page):
    page.goto("/nytt-exempel")
    expect(page).to_have_url(re.compile(r"/logga-in\?next=/nytt-exempel$"))
    page.get_by_label("Användarnamn").fill("maja")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(re.compile(r"/nytt-exempel$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Skriv ett nytt lärande exempel")


# ---- writing -------------------------------------------------------------------------------

def test_write_an_example_with_preview_and_publish_it(site, page, open_page):
    sign_in(page, "maja")
    page.get_by_role("link", name="Skriv exempel").click()
    expect(page.get_by_label("Ägare")).to_have_value("falu-kommun")
    signed_in = site.wiki.position()
    page.get_by_label("Titel").fill("Stödsamtal på vårdcentralen")
    page.get_by_label("Sammanfattning").fill("Kuratorer frågar om våld vid varje besök.")
    page.get_by_label("Beskrivning (Markdown)").fill(
        "## Bakgrund\n\nMånga berättade aldrig.\n\n## Vad gjordes\n\n- rutinfrågor\n- stödsamtal\n\nSe [[saknas]].")
    page.get_by_label("Våld i nära relation").check()
    page.get_by_label("Startår").fill("2023")

    page.get_by_role("button", name="Förhandsvisa").click()
    preview = page.get_by_role("region", name="Förhandsvisning")
    expect(preview.get_by_role("heading", name="Vad gjordes", level=2)).to_be_visible()
    expect(preview.get_by_role("listitem")).to_have_text(["rutinfrågor", "stödsamtal"])
    expect(preview.locator("a.wikilink.missing")).to_have_count(1)
    # the preview records nothing and keeps everything typed
    expect(page.get_by_label("Titel")).to_have_value("Stödsamtal på vårdcentralen")
    expect(page.get_by_label("Beskrivning (Markdown)")).to_have_value(re.compile(r"^## Bakgrund.*Se \[\[saknas\]\]\.$", re.S))
    expect(page.get_by_label("Våld i nära relation")).to_be_checked()
    expect(page.get_by_label("Startår")).to_have_value("2023")
    assert site.wiki.position() == signed_in, "a preview records nothing"

    page.get_by_role("button", name="Spara").click()
    expect(page).to_have_url(re.compile(r"/exempel/stodsamtal-pa-vardcentralen-[0-9a-f]{6}$"))
    expect(flash(page)).to_have_text("Exemplet sparades som utkast.")
    draft_url = page.url
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Stödsamtal på vårdcentralen")
    expect(heading.locator(".badge")).to_have_text("Utkast")
    expect(page.get_by_role("complementary", name="Fakta om exemplet")).to_contain_text("2023–pågår")

    anonymous = open_page()
    assert anonymous.goto(draft_url).status == 404, "a draft is not public"

    expect(page.get_by_role("button", name="Publicera")).to_have_count(0)  # members send for review
    page.get_by_role("button", name="Skicka till granskning").click()
    expect(flash(page)).to_contain_text("Exemplet är skickat till granskning.")
    coordinator = open_page()
    sign_in(coordinator, "eva")
    coordinator.goto(draft_url)
    coordinator.get_by_role("button", name="Publicera").click()
    expect(flash(coordinator)).to_have_text("Exemplet är publicerat.")
    expect(coordinator.get_by_role("heading", level=1).locator(".badge")).to_have_count(0)

    anonymous.goto("/")
    anonymous.get_by_role("link", name="Stödsamtal på vårdcentralen").click()
    expect(anonymous.locator("article .body h2").first).to_have_text("Bakgrund")


def test_invalid_input_is_reported_and_nothing_typed_is_lost(site, page):
    slug = create_example(site, title="Skyddat boende i Falun", body="Första texten.")
    sign_in(page, "maja")
    page.goto(f"/exempel/{slug}")
    page.get_by_role("link", name="Redigera").click()
    page.get_by_label("Titel").fill("")
    page.get_by_label("Beskrivning (Markdown)").fill("En lång ny text som inte får försvinna.")
    page.get_by_label("Kommentar till ändringen").fill("Skrev om allt")
    page.get_by_role("button", name="Spara").click()

    expect(error(page)).to_contain_text("Titel: får inte vara tomt.")
    expect(error(page)).to_contain_text("Inget sparades. Det du skrev finns kvar nedan.")
    expect(page.get_by_label("Titel")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Beskrivning (Markdown)")).to_have_value("En lång ny text som inte får försvinna.")
    expect(page.get_by_label("Kommentar till ändringen")).to_have_value("Skrev om allt")
    expect(page.get_by_label("Titel")).to_have_value("")

    page.get_by_label("Titel").fill("Skyddat boende i Falun")
    page.get_by_role("button", name="Spara").click()
    expect(flash(page)).to_have_text("Ändringen sparades.")
    expect(page.locator("article .body")).to_have_text("En lång ny text som inte får försvinna.")
    expect(page.locator("article .meta")).to_contain_text("Version 2")

    page.goto("/nytt-exempel")
    page.get_by_label("Titel").fill("Ett exempel med fel årtal")
    page.get_by_label("Beskrivning (Markdown)").fill("Text som ska finnas kvar.")
    page.get_by_label("Hedersrelaterat våld och förtryck").check()
    page.get_by_label("Startår").fill("20x4")
    page.get_by_role("button", name="Spara").click()
    expect(error(page)).to_contain_text("Startår: ange ett årtal med fyra siffror.")
    expect(page.get_by_label("Startår")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Titel")).not_to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Titel")).to_have_value("Ett exempel med fel årtal")
    expect(page.get_by_label("Beskrivning (Markdown)")).to_have_value("Text som ska finnas kvar.")
    expect(page.get_by_label("Hedersrelaterat våld och förtryck")).to_be_checked()
    expect(page.get_by_label("Startår")).to_have_value("20x4")


def test_edit_conflict_shows_both_versions_and_keeps_the_second_editors_text(site, page, open_page):
    slug = create_example(site, title="Konfliktexempel", summary="Från början.", body="Rad ett\nRad två\n")
    eva = open_page()
    sign_in(page, "maja")
    sign_in(eva, "eva")
    page.goto(f"/exempel/{slug}/redigera")
    eva.goto(f"/exempel/{slug}/redigera")

    page.get_by_label("Beskrivning (Markdown)").fill("Rad ett\nMajas rad\n")
    page.get_by_label("Kommentar till ändringen").fill("Majas ändring")
    page.get_by_role("button", name="Spara").click()
    expect(flash(page)).to_have_text("Ändringen sparades.")

    eva.get_by_label("Sammanfattning").fill("Samordnarens sammanfattning.")
    eva.get_by_label("Beskrivning (Markdown)").fill("Rad ett\nSamordnarens rad\n")
    eva.get_by_label("Kommentar till ändringen").fill("Evas ändring")
    with eva.expect_response(lambda r: r.request.method == "POST") as answer:
        eva.get_by_role("button", name="Spara").click()
    assert answer.value.status == 409
    conflict = eva.get_by_role("alert").filter(has=eva.get_by_role("heading", name="Redigeringskonflikt"))
    expect(conflict).to_be_visible()
    table = conflict.locator("table.diff")
    expect(table.locator("thead th")).to_have_text(["Sparad version 2", "Din text"])
    expect(table.locator("del")).to_have_text("Majas rad")
    expect(table.locator("ins")).to_have_text("Samordnarens rad")
    conflict.get_by_text("Den sparade versionen i sin helhet").click()
    expect(conflict.locator("pre.source")).to_have_text("Rad ett\nMajas rad\n")
    # nothing eva typed is lost
    expect(eva.get_by_label("Sammanfattning")).to_have_value("Samordnarens sammanfattning.")
    expect(eva.get_by_label("Beskrivning (Markdown)")).to_have_value("Rad ett\nSamordnarens rad\n")
    expect(eva.get_by_label("Kommentar till ändringen")).to_have_value("Evas ändring")
    expect(eva.get_by_label("Titel")).to_have_value("Konfliktexempel")

    eva.get_by_role("button", name="Spara").click()
    expect(flash(eva)).to_have_text("Ändringen sparades.")
    expect(eva.locator("article .body")).to_contain_text("Samordnarens rad")
    expect(eva.locator("article .meta")).to_contain_text("Version 3")
    eva.get_by_role("link", name="Historik", exact=True).click()
    expect(eva.locator("table.history tbody tr td:nth-child(7)")).to_have_text(["Evas ändring", "Majas ändring", ""])


# ---- searching -----------------------------------------------------------------------------

def test_search_with_facets_and_did_you_mean(site, page):
    create_example(site, publish=True, title="Samtal om våld i hemmet", body="Stöd till kvinnor som utsatts för våld.",
                   violence_forms=["nara-relation"])
    create_example(site, publish=True, title="Mottagning för våldsutsatta", body="Skyddat boende efter våld.",
                   violence_forms=["nara-relation"])
    create_example(site, publish=True, title="Förebygga hedersrelaterat förtryck",
                   body="Skolan samtalar med unga om våld och hedersrelaterat förtryck.",
                   violence_forms=["hedersrelaterat"])
    create_example(site, title="Ett utkast om våld", body="Syns inte för andra än Falun.")

    page.goto("/")
    search = page.get_by_role("search").first
    search.get_by_role("searchbox").fill("våld")
    search.get_by_role("searchbox").press("Enter")
    expect(page).to_have_url(re.compile(r"/sok\?q="))
    results = page.locator("section.results")
    expect(results.locator(".results-head p").first).to_have_text("3 träffar")
    facets = page.get_by_role("complementary", name="Filtrera resultatet")
    violence = facets.locator("section").filter(has=page.get_by_role("heading", name="Våldsform"))
    expect(violence.locator("li")).to_have_text(["Våld i nära relation (2)", "Hedersrelaterat våld och förtryck (1)"])

    violence.get_by_role("link", name="Våld i nära relation").click()
    expect(results.locator(".results-head p").first).to_have_text("2 träffar")
    expect(results.locator("ol.hits h3")).to_have_count(2)
    titles = sorted(results.locator("ol.hits h3").all_inner_texts())
    assert titles == ["Mottagning för våldsutsatta", "Samtal om våld i hemmet"]
    expect(violence.locator("[aria-current=true]")).to_have_text("Våld i nära relation (2)")
    expect(page.get_by_role("search").last.get_by_role("searchbox")).to_have_value("våld")

    violence.get_by_role("link", name="Visa alla").click()
    expect(results.locator(".results-head p").first).to_have_text("3 träffar")

    box = page.get_by_role("search").last.get_by_role("searchbox")
    box.fill("hedersrelatrat")
    box.press("Enter")
    expect(results.locator(".results-head p").first).to_have_text("0 träffar")
    suggestion = page.locator("p.suggestion")
    expect(suggestion).to_have_text("Menade du hedersrelaterat?")
    suggestion.get_by_role("link", name="hedersrelaterat").click()
    expect(results.locator(".results-head p").first).to_have_text("1 träff")
    expect(results.locator("ol.hits h3")).to_have_text("Förebygga hedersrelaterat förtryck")
    expect(results.locator("mark").first).to_be_visible()

    sign_in(page, "maja")
    page.goto("/sok?q=v%C3%A5ld")
    expect(results.locator(".results-head p").first).to_have_text("4 träffar")


# ---- history -------------------------------------------------------------------------------

def test_history_diff_and_revert(site, page):
    slug = create_example(site, title="Historikexempel", body="Första stycket.\n")
    sign_in(page, "maja")
    page.goto(f"/exempel/{slug}/redigera")
    page.get_by_label("Beskrivning (Markdown)").fill("Andra stycket.\n")
    page.get_by_label("Kommentar till ändringen").fill("Omskrivet")
    page.get_by_role("button", name="Spara").click()
    expect(flash(page)).to_have_text("Ändringen sparades.")

    page.get_by_role("link", name="Historik", exact=True).click()
    rows = page.locator("table.history tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Omskrivet")
    expect(page.get_by_label("Från version 1")).to_be_checked()
    expect(page.get_by_label("Till version 2")).to_be_checked()
    page.get_by_role("button", name="Jämför valda versioner").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Version 1 jämförd med version 2")
    expect(page.locator("table.diff del")).to_have_text("Första stycket.")
    expect(page.locator("table.diff ins")).to_have_text("Andra stycket.")

    page.get_by_role("link", name="Historik", exact=True).click()
    page.get_by_label("Kommentar när du återställer en version (valfri)").fill("Tillbaka till originalet")
    page.get_by_role("button", name="Återställ version 1").click()
    expect(flash(page)).to_have_text("Version 1 återställdes som version 3.")
    expect(page.locator("article .body")).to_have_text("Första stycket.")

    page.get_by_role("link", name="Historik", exact=True).click()
    expect(rows.first).to_contain_text("Återställd (till version 1)")
    expect(rows.first).to_contain_text("Tillbaka till originalet")
    page.get_by_label("Från version 1").check()
    page.get_by_label("Till version 3").check()
    page.get_by_role("button", name="Jämför valda versioner").click()
    expect(page.get_by_text("Versionerna är likadana.")).to_be_visible()


# ---- the register --------------------------------------------------------------------------

def test_member_submits_a_form_and_the_coordinator_approves_it(site, page, open_page):
    sign_in(page, "maja")
    page.get_by_role("link", name="Blanketter").click()
    expect(page.get_by_text("Inga blanketter.")).to_be_visible()
    page.get_by_role("link", name="Ny blankett").click()
    expect(page.get_by_label("Organisation").locator("option")).to_have_text(["Falu kommun"])

    page.get_by_label("Meddelande till samordnaren").fill("Vi har en ny representant.")
    page.get_by_role("button", name="Skicka blanketten").click()
    expect(error(page)).to_contain_text("Fyll i minst en ändring.")
    expect(page.get_by_label("Meddelande till samordnaren")).to_have_value("Vi har en ny representant.")

    first = page.get_by_role("group", name="Utnämning 1")
    first.get_by_label("Namn").fill("Anna Lindqvist")
    first.get_by_label("Från och med").fill("")
    page.get_by_role("button", name="Skicka blanketten").click()
    expect(error(page)).to_contain_text("Utnämning 1, Från och med (ÅÅÅÅ-MM-DD): ange ett datum som ÅÅÅÅ-MM-DD.")
    expect(first.get_by_label("Namn")).to_have_value("Anna Lindqvist")
    expect(page.get_by_label("Meddelande till samordnaren")).to_have_value("Vi har en ny representant.")

    first.get_by_label("Roll").select_option(label="Ordinarie representant")
    first.get_by_label("Titel").fill("Strateg")
    first.get_by_label("E-post").fill("anna.lindqvist@falun.example")
    first.get_by_label("Telefon").fill("023-123 45")
    first.get_by_label("Från och med").fill("2024-01-15")
    second = page.get_by_role("group", name="Utnämning 2")
    second.get_by_label("Roll").select_option(label="Ersättare")
    second.get_by_label("Namn").fill("Bertil Öberg")
    second.get_by_label("E-post").fill("bertil.oberg@falun.example")
    second.get_by_label("Från och med").fill("2024-02-01")
    page.get_by_role("button", name="Skicka blanketten").click()
    expect(flash(page)).to_have_text("Blanketten är inskickad till samordnaren.")
    form = page.locator("ul.forms > li")
    expect(form).to_have_count(1)
    expect(form.locator(".badge")).to_have_text("Inskickad")
    expect(form.locator("ul li")).to_have_text([
        "Utse Anna Lindqvist till ordinarie representant från 2024-01-15",
        "Utse Bertil Öberg till ersättare från 2024-02-01"])
    expect(form.get_by_role("button", name="Godkänn")).to_have_count(0)

    eva = open_page()
    sign_in(eva, "eva")
    eva.get_by_role("link", name="Blanketter").click()
    expect(eva.get_by_role("heading", level=1)).to_have_text("Inkorg: blanketter")
    inbox = eva.locator("ul.forms > li")
    expect(inbox).to_have_count(1)
    expect(inbox.locator("q")).to_have_text("Vi har en ny representant.")
    inbox.get_by_role("button", name="Godkänn").click()
    expect(flash(eva)).to_have_text("Blanketten är godkänd och registret uppdaterat.")
    expect(eva.get_by_text("Inga blanketter.")).to_be_visible()
    eva.get_by_role("link", name="Godkända").click()
    expect(eva.locator("ul.forms > li .badge")).to_have_text("Godkänd")

    eva.get_by_role("link", name="Register").click()
    falun = eva.locator("table tbody tr").filter(has=eva.get_by_role("rowheader", name="Falu kommun"))
    expect(falun.locator("td")).to_have_text([re.compile(r"^Anna Lindqvist, Strateg\s+sedan 2024-01-15$"),
                                              re.compile(r"^Bertil Öberg\s+sedan 2024-02-01$")],
                                             use_inner_text=True)

    page.reload()
    expect(page.locator("ul.forms > li .badge")).to_have_text("Godkänd")


def test_coordinator_rejects_a_form_with_a_reason(site, page, open_page):
    site.wiki.submit_membership_request(MAJA, {"organisation": "falu-kommun", "note": "Ny ersättare.", "changes": [
        {"action": "appoint", "role": "substitute", "from": "2024-03-01",
         "person": {"name": "Cecilia Holm", "email": "cecilia.holm@falun.example", "phone": "", "title": ""}}]})
    site.settle()
    sign_in(page, "eva")
    page.goto("/blanketter")
    item = page.locator("ul.forms > li")
    item.get_by_label("Skäl för avslag").fill("Fel datum på blanketten.")
    item.get_by_role("button", name="Avslå").click()
    expect(flash(page)).to_have_text("Blanketten är avslagen.")
    page.get_by_role("link", name="Avslagna").click()
    expect(page.locator("ul.forms > li")).to_contain_text("Skäl för avslag: Fel datum på blanketten.")
    page.goto("/register")
    expect(page.locator("table tbody tr").filter(has_text="Falu kommun").locator("td").last).to_have_text("vakant")


def _approved(site, changes):
    request_id, _ = site.wiki.submit_membership_request(
        MAJA, {"organisation": "falu-kommun", "note": "", "changes": changes})
    site.wiki.approve_membership_request(EVA, request_id)


def _someone(name):
    return {"name": name, "email": name.split()[0].lower() + "@falun.example", "phone": "", "title": ""}


def test_roster_on_a_past_date(site, page):
    _approved(site, [{"action": "appoint", "role": "representative", "from": "2019-02-01",
                      "person": _someone("Anna Lindqvist")}])
    _approved(site, [{"action": "appoint", "role": "representative", "from": "2023-05-01",
                      "person": _someone("Dragan Eklund")}])
    site.settle()
    sign_in(page, "gun")
    page.get_by_role("link", name="Register").click()
    falun = page.locator("table tbody tr").filter(has=page.get_by_role("rowheader", name="Falu kommun"))
    expect(falun.locator("td").first).to_contain_text("Dragan Eklund")

    page.get_by_label("Datum").fill("2021-06-01")
    page.get_by_role("button", name="Visa").click()
    expect(page).to_have_url(re.compile(r"/register\?at=2021-06-01$"))
    expect(page.get_by_text("Så här såg registret ut den 2021-06-01.")).to_be_visible()
    expect(page.get_by_label("Datum")).to_have_value("2021-06-01")
    expect(falun.locator("td").first).to_have_text(re.compile(r"^Anna Lindqvist\s+sedan 2019-02-01 till 2023-04-30$"),
                                                   use_inner_text=True)

    page.get_by_label("Datum").fill("2019-01-31")
    page.get_by_role("button", name="Visa").click()
    expect(falun.locator("td").first).to_have_text("vakant")

    falun.get_by_role("link", name="Falu kommun").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Falu kommun")
    expect(page.locator("figure.timeline svg title").first).to_have_text("Vem som haft vilken roll över tid")


# ---- auditing ------------------------------------------------------------------------------

def test_auditor_browses_the_audit_log_and_verifies_it(site, page, open_page):
    slug = create_example(site, title="Granskat exempel", body="Text.")
    member = open_page()
    sign_in(member, "maja")
    expect(member.get_by_role("link", name="Granskning")).to_have_count(0)
    assert member.goto("/granskning").status == 403

    sign_in(page, "gun")
    page.get_by_role("link", name="Granskning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Händelseloggen")
    head = json.loads(page.locator("main > p code").first.inner_text())
    assert head["position"] == site.wiki.position()

    page.get_by_label("Typ").fill("LearningExample.Created")
    page.get_by_role("button", name="Filtrera").click()
    rows = page.locator("table.auditlog tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.locator("td:nth-child(3)")).to_have_text("LearningExample.Created")
    expect(rows.locator("td:nth-child(4)")).to_have_text("maja")
    rows.get_by_text("visa").click()
    expect(rows.locator("pre")).to_contain_text('"title": "Granskat exempel"')

    rows.locator("td:nth-child(5) a").click()
    expect(page).to_have_url(re.compile(r"aggregate=[0-9a-f-]{36}"))
    expect(rows.locator("td:nth-child(3)")).to_have_text(["LearningExample.Created"])

    page.get_by_role("link", name="Verifiera loggen").click()
    page.get_by_role("button", name="Verifiera").click()
    expect(page.locator("main .flash.ok")).to_have_text("Loggen är oförändrad.")

    # a digest kept from before later events still verifies
    earlier = json.dumps(head)
    site.wiki.publish_example(EVA, slug)
    page.get_by_label("Tidigare digest (valfri)").fill(earlier)
    page.get_by_role("button", name="Verifiera").click()
    expect(page.locator("main .flash.ok")).to_have_text("Loggen är oförändrad.")

    wrong = json.dumps({**head, "sha256": ("0" if head["sha256"][0] != "0" else "1") + head["sha256"][1:]})
    page.get_by_label("Tidigare digest (valfri)").fill(wrong)
    page.get_by_role("button", name="Verifiera").click()
    expect(error(page)).to_have_text(re.compile(r"^\s*Loggen stämmer inte längre med digesten tagen vid "
                                                rf"position {head['position']}\."))

    page.get_by_label("Tidigare digest (valfri)").fill("inte en digest")
    page.get_by_role("button", name="Verifiera").click()
    expect(error(page)).to_have_text('Klistra in en digest som {"position": N, "sha256": "…"}.')
    expect(page.get_by_label("Tidigare digest (valfri)")).to_have_value("inte en digest")
