"""Meetings in a real browser (issue 13): a coordinator plans a meeting, records attendance from the
roster and writes minutes with a decision and a task for Falu kommun; a second coordinator approves
them; a member of Falu kommun then sees the task. axe-core passes on the meeting pages."""

import re

from playwright.sync_api import expect

from events.meeting_commands import today
from events.permissions import Actor

from .helpers import sign_in
from .test_main_pages import assert_accessible

EVA = Actor("eva", "coordinator", None)
TITLE = "Länsgruppsmöte om spridning"
TASK = "Sprida exemplet om skyddat boende i kommunen"


def appoint(site, organisation, role, name):
    request_id, _ = site.wiki.submit_membership_request(EVA, {
        "organisation": organisation, "changes": [{"action": "appoint", "role": role, "from": "2020-01-01",
                                                   "person": {"name": name, "email": "", "phone": "", "title": ""}}]})
    site.wiki.approve_membership_request(EVA, request_id)


def flash(page, kind="ok"):
    return page.locator(f"main .flash.{kind}")


def test_a_meeting_from_plan_to_approved_minutes_and_the_members_task(site, page, open_page):
    appoint(site, "falu-kommun", "representative", "Anna Ankdal")
    appoint(site, "falu-kommun", "substitute", "Siv Svandal")
    appoint(site, "mora-kommun", "representative", "Mats Mossberg")
    site.world.account("ulla", "coordinator")
    site.settle()
    day = today()

    sign_in(page, "eva")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Möten").click()
    expect(page).to_have_url(re.compile(r"/moten$"))
    assert_accessible(page)
    page.get_by_role("link", name="Planera möte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Planera möte")
    assert_accessible(page)
    page.locator("#title").fill(TITLE)
    page.get_by_label("länsgruppsmöte").check()
    page.get_by_label("Datum").fill(day)
    page.get_by_label("Börjar").fill("09:00")
    page.get_by_label("Slutar").fill("08:00")
    page.get_by_label("Plats eller länk").fill("Länsstyrelsen, Falun")
    page.locator("#agenda-0-title").fill("Inledning")
    page.locator("#agenda-0-text").fill("Ordföranden hälsar **välkommen**.")
    page.locator("#agenda-1-title").fill("Spridning av exempel")
    page.get_by_role("button", name="Planera mötet").click()
    expect(page.locator("main [role=alert]")).to_contain_text("Slutar: mötet måste sluta efter att det börjar.")
    assert_accessible(page)
    page.get_by_label("Slutar").fill("15:00")
    page.get_by_role("button", name="Planera mötet").click()
    expect(flash(page)).to_have_text("Mötet är planerat.")
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(page.locator(".agenda strong")).to_have_text("välkommen")
    meeting_url = page.url

    falun = page.get_by_label("Närvaro för Falu kommun")
    expect(falun.locator("option", has_text="ordinarie ombud (Anna Ankdal)")).to_have_count(1)
    falun.select_option("representative")
    page.get_by_label("Närvaro för Mora kommun").select_option("absent_notified")
    page.get_by_role("button", name="Spara närvaron").click()
    expect(flash(page)).to_have_text("Närvaron är sparad.")
    attendance = page.get_by_role("region", name="Närvaro per organisation")
    expect(attendance.get_by_role("row", name=re.compile("^Falu kommun"))).to_contain_text("Anna Ankdal")
    expect(page.get_by_role("heading", level=1)).to_contain_text("genomfört")

    page.locator("#text-0").fill("Mötet öppnades.")
    page.locator("#text-1").fill("Falun berättade om sitt exempel.")
    page.locator("#decisions-1").fill("Falu kommun sprider exemplet i länet.")
    page.locator("#task-1-0-title").fill(TASK)
    page.locator("#task-1-0-organisation").select_option("falu-kommun")
    page.locator("#task-1-0-due").fill("2099-06-30")
    page.get_by_role("button", name="Spara protokollet").click()
    expect(flash(page)).to_have_text("Protokollet är sparat (version 1).")
    number = f"{day[:4]}:1 §1"
    expect(page.locator(".decisions").first).to_contain_text(f"{number} Falu kommun sprider exemplet i länet.")
    expect(page.get_by_role("button", name="Justera protokollet")).to_have_count(0)
    assert_accessible(page)

    coordinator = open_page()
    sign_in(coordinator, "ulla")
    coordinator.goto(meeting_url)
    coordinator.get_by_role("button", name="Justera protokollet").click()
    expect(flash(coordinator)).to_have_text("Protokollet är justerat och låst.")
    expect(coordinator.locator(".approved")).to_contain_text("Justerat av ulla den")
    expect(coordinator.get_by_role("button", name="Spara protokollet")).to_have_count(0)
    expect(coordinator.get_by_role("button", name="Spara rättelsen")).to_be_hidden()
    coordinator.get_by_text("Formuläret för rättelse").click()
    expect(coordinator.get_by_role("button", name="Spara rättelsen")).to_be_visible()
    assert_accessible(coordinator)

    member = open_page()
    sign_in(member, "maja")
    member.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Möten").click()
    member.get_by_role("link", name=TITLE).click()
    expect(member).to_have_url(meeting_url)
    task = member.get_by_role("row", name=re.compile(TASK))
    expect(task).to_contain_text("Falu kommun (er organisation)")
    expect(task).to_contain_text("2099-06-30")
    expect(task).to_contain_text("öppet")
    expect(member.get_by_role("button", name="Spara närvaron")).to_have_count(0)
    assert_accessible(member)
    if "pages.tasks" in site.app.view_functions:
        member.goto("/uppdrag")
        expect(member.get_by_text(TASK)).to_be_visible()
