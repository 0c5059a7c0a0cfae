"""The pages for working groups, tasks and yearly attendance through Flask's test client, CSRF on:
anonymous readers are sent to sign in, a member sees and follows up their own organisation's tasks
only, coordinators create groups and change their members through the forms, bad input reads as a
message and records nothing, and the attendance table and picture agree with the API."""

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from events.permissions import Actor
from tests.test_meetings import appoint
from tests.test_pages import csrf_token

EVA = Actor("eva", "coordinator", None)
SVG = "{http://www.w3.org/2000/svg}"


def meeting(world, day, title="Länsgruppsmöte", **extra) -> str:
    body = {"title": title, "kind": "lansgruppsmote", "date": day, "starts_at": "09:00", "ends_at": "15:00",
            "place": "Falun", "agenda": [{"title": "Uppdrag", "text": ""}], **extra}
    return world.wiki.plan_meeting(EVA, body)[0]


def minutes(world, meeting_id, *tasks):
    """Minutes with a task per (title, organisation, due)."""
    world.wiki.write_minutes(EVA, meeting_id, {"base_version": 0, "items": [{
        "agenda_index": 0, "text": "Text.",
        "tasks": [{"title": title, "organisation": organisation, "due": due} for title, organisation, due in tasks]}]})
    read = world.api("GET", f"/meetings/{meeting_id}", "eva").json
    return [task["id"] for task in read["minutes"]["items"][0]["tasks"]]


@pytest.fixture
def tasks(world):
    """A meeting whose minutes give Falun two tasks (one overdue) and Mora one."""
    world.meeting = meeting(world, "2024-02-29", title="Länsgruppsmöte i februari")
    world.falun_task, world.late_task, world.mora_task = minutes(
        world, world.meeting, ("Sprida exemplet om skyddat boende", "falu-kommun", "2099-06-30"),
        ("Samla in rutiner för hedersrelaterat våld", "falu-kommun", "2020-01-31"),
        ("Bjuda in socialtjänsten i Mora", "mora-kommun", "2099-06-30"))
    return world


class Browser:
    """A signed-in test client that posts forms with the page's CSRF token."""

    def __init__(self, world, username):
        self.client = world.browser(username)
        self.token = csrf_token(self.client, "/uppdrag")

    def get(self, path):
        return self.client.get(path)

    def post(self, path, data):
        return self.client.post(path, data={"csrf_token": self.token, **data})

    def text(self, path):
        response = self.client.get(path)
        assert response.status_code == 200, response.status_code
        return text_of(response)


def text_of(response) -> str:
    """The page's text without tags, whitespace collapsed, entities kept."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


# ---- anonymous readers ----------------------------------------------------------------------------------

def test_anonymous_readers_are_sent_to_sign_in_and_record_nothing(tasks):
    slug, _ = tasks.wiki.create_working_group(EVA, {"name": "Arbetsgruppen", "convenor": "falu-kommun"})
    for path in ("/arbetsgrupper", "/arbetsgrupper/ny", f"/arbetsgrupper/{slug}", "/uppdrag",
                 "/uppdrag?status=open", "/motesnarvaro", "/motesnarvaro?ar=2024", "/motesnarvaro/2024.svg"):
        response = tasks.client.get(path)
        assert response.status_code == 302 and response.location.startswith("/logga-in"), path
    page = tasks.client.get("/").get_data(as_text=True)
    assert 'href="/uppdrag"' not in page and 'href="/arbetsgrupper"' not in page
    token = csrf_token(tasks.client, "/logga-in")
    before = tasks.wiki.position()
    for path, data in ((f"/uppdrag/{tasks.falun_task}", {"status": "done"}),
                       ("/arbetsgrupper/ny", {"name": "Ny grupp", "convenor": "falu-kommun"}),
                       (f"/arbetsgrupper/{slug}/medlemmar", {"members": ["mora-kommun"], "on": "2024-05-01"}),
                       (f"/arbetsgrupper/{slug}/avsluta", {"end": "2024-12-31"})):
        response = tasks.client.post(path, data={"csrf_token": token, **data})
        assert response.status_code == 302 and response.location.startswith("/logga-in"), path
    assert tasks.wiki.position() == before


def test_signed_in_readers_see_the_links(tasks):
    page = Browser(tasks, "maja").get("/").get_data(as_text=True)
    for path in ("/arbetsgrupper", "/uppdrag", "/motesnarvaro"):
        assert f'href="{path}"' in page


# ---- tasks ------------------------------------------------------------------------------------------------

def test_a_member_sees_their_own_organisations_tasks_open_first(tasks):
    maja = Browser(tasks, "maja")
    tasks.wiki.follow_up_task(EVA, tasks.meeting, tasks.falun_task, {"status": "done"})
    page = maja.text("/uppdrag")
    assert "Sprida exemplet om skyddat boende" in page and "Samla in rutiner" in page
    assert "Bjuda in socialtjänsten i Mora" not in page
    assert page.index("Samla in rutiner") < page.index("Sprida exemplet"), "open tasks come first"
    assert "2024:1" in page and "Länsgruppsmöte i februari" in page
    assert f'href="/moten/{tasks.meeting}"' in maja.get("/uppdrag").get_data(as_text=True)
    # a member cannot look at another organisation's tasks by asking for them
    assert "Bjuda in socialtjänsten" not in maja.text("/uppdrag?organisation=mora-kommun")
    assert "Bjuda in socialtjänsten" in Browser(tasks, "olle").text("/uppdrag")


def test_an_overdue_open_task_is_marked_in_words(tasks):
    page = Browser(tasks, "maja").get("/uppdrag").get_data(as_text=True)
    item = page[page.index(f'id="uppdrag-{tasks.late_task}"'):]
    item = item[:item.index("</li>")]
    assert "Försenat" in item
    other = page[page.index(f'id="uppdrag-{tasks.falun_task}"'):]
    assert "Försenat" not in other[:other.index("</li>")]


def test_a_member_marks_their_task_done_with_a_note(tasks):
    maja = Browser(tasks, "maja")
    before = tasks.wiki.position()
    response = maja.post(f"/uppdrag/{tasks.falun_task}", {"status": "done", "note": "Spritt i alla förvaltningar."})
    assert response.status_code == 302 and response.location.startswith("/uppdrag")
    assert tasks.wiki.position() > before
    done = tasks.api("GET", "/tasks?status=done", "gun").json["items"]
    assert [t["id"] for t in done] == [tasks.falun_task]
    page = maja.text("/uppdrag")
    assert "Spritt i alla förvaltningar." in page and "maja" in page
    # and open again
    assert maja.post(f"/uppdrag/{tasks.falun_task}", {"status": "open", "note": "Mer att göra."}).status_code == 302
    assert tasks.api("GET", "/tasks?status=done", "gun").json["items"] == []


def test_another_organisations_member_is_refused_and_nothing_is_recorded(tasks):
    olle = Browser(tasks, "olle")
    assert f"/uppdrag/{tasks.falun_task}" not in olle.get("/uppdrag").get_data(as_text=True)
    before = tasks.wiki.position()
    response = olle.post(f"/uppdrag/{tasks.falun_task}", {"status": "done", "note": "Inte vårt."})
    assert response.status_code == 403
    assert "Bara samordnaren och den ansvariga organisationen följer upp uppdraget." in text_of(response)
    assert tasks.wiki.position() == before
    gun = Browser(tasks, "gun")  # the auditor reads every task but follows none up
    assert "Sprida exemplet" in gun.text("/uppdrag") and f"/uppdrag/{tasks.falun_task}" not in gun.get(
        "/uppdrag").get_data(as_text=True)
    before = tasks.wiki.position()
    assert gun.post(f"/uppdrag/{tasks.falun_task}", {"status": "done"}).status_code == 403
    assert tasks.wiki.position() == before


def test_a_bad_follow_up_is_refused_readably(tasks):
    maja = Browser(tasks, "maja")
    before = tasks.wiki.position()
    response = maja.post(f"/uppdrag/{tasks.falun_task}", {"status": "finished"})
    assert response.status_code == 400 and "Status: open, done eller cancelled." in text_of(response)
    response = maja.post(f"/uppdrag/{tasks.falun_task}", {"status": "done", "note": "x" * 501})
    assert response.status_code == 400 and "Anteckning: högst 500 tecken" in text_of(response)
    assert maja.post("/uppdrag/okand-uppgift", {"status": "done"}).status_code == 404
    assert tasks.wiki.position() == before


def test_coordinators_filter_tasks_by_organisation_and_status(tasks):
    eva = Browser(tasks, "eva")
    page = eva.text("/uppdrag")
    assert "Sprida exemplet" in page and "Bjuda in socialtjänsten" in page
    page = eva.text("/uppdrag?organisation=mora-kommun")
    assert "Bjuda in socialtjänsten" in page and "Sprida exemplet" not in page
    assert "Inga uppdrag att visa." in eva.text("/uppdrag?organisation=mora-kommun&status=done")
    response = eva.post(f"/uppdrag/{tasks.mora_task}?organisation=mora-kommun&status=open",
                        {"status": "cancelled", "note": "Ersatt av annat uppdrag."})
    assert response.status_code == 302
    assert response.location == f"/uppdrag?organisation=mora-kommun&status=open#uppdrag-{tasks.mora_task}"
    assert "Inga uppdrag att visa." in eva.text("/uppdrag?organisation=mora-kommun&status=open")
    for query in ("status=finished", "organisation=okand"):
        response = eva.get(f"/uppdrag?{query}")
        assert response.status_code == 400, query
        assert "okänd organisation" in text_of(response) or "open, done eller cancelled" in text_of(response)


# ---- working groups ----------------------------------------------------------------------------------------

GROUP = {"name": "Arbetsgruppen för hedersrelaterat våld", "mandate": "## Mål\n\nTa fram en *rutin*.",
         "convenor": "mora-kommun", "members": ["falu-kommun"], "start": "2024-01-01", "end": ""}


def test_a_coordinator_creates_a_group_and_changes_its_members(tasks):
    tasks.organisation("Kvinnojouren Mora", "ideell", "Mora")
    eva = Browser(tasks, "eva")
    assert 'href="/arbetsgrupper/ny"' in eva.get("/arbetsgrupper").get_data(as_text=True)
    form = eva.text("/arbetsgrupper/ny")
    assert "Kvinnojouren Mora" in form
    response = eva.post("/arbetsgrupper/ny", GROUP)
    assert response.status_code == 302, text_of(response)
    slug = response.location.rsplit("/", 1)[1]
    group = tasks.api("GET", f"/working-groups/{slug}", "maja").json
    assert (group["name"], group["convenor"], group["members"], group["end"]) == (
        GROUP["name"], "mora-kommun", ["falu-kommun", "mora-kommun"], None)
    page = eva.get(f"/arbetsgrupper/{slug}").get_data(as_text=True)
    assert "<h2 id=\"mal\">Mål</h2>" in page or "Mål</h2>" in page
    assert "<em>rutin</em>" in page
    listing = Browser(tasks, "maja").text("/arbetsgrupper")
    assert GROUP["name"] in listing and "Mora kommun" in listing and "aktiv" in listing

    response = eva.post(f"/arbetsgrupper/{slug}/medlemmar",
                        {"members": ["mora-kommun", "kvinnojouren-mora"], "on": "2024-04-01"})
    assert response.status_code == 302, text_of(response)
    group = tasks.api("GET", f"/working-groups/{slug}", "maja").json
    assert group["members"] == ["kvinnojouren-mora", "mora-kommun"]
    assert [(m["organisation"]["slug"], m["from"], m["to"]) for m in group["members_over_time"]
            if m["organisation"]["slug"] != "mora-kommun"] == [
        ("falu-kommun", "2024-01-01", "2024-03-31"), ("kvinnojouren-mora", "2024-04-01", None)]
    group_meeting = meeting(tasks, "2024-05-15", title="Arbetsgruppsmöte i maj", kind="arbetsgruppsmote",
                            working_group=slug)
    minutes(tasks, group_meeting, ("Skriva rutinen", "kvinnojouren-mora", "2099-01-01"))
    page = Browser(tasks, "maja").get(f"/arbetsgrupper/{slug}")
    text = text_of(page)
    assert "Kvinnojouren Mora" in text and "Arbetsgruppsmöte i maj" in text and "Skriva rutinen" in text
    assert f'href="/moten/{group_meeting}"' in page.get_data(as_text=True)
    assert "Ändra medlemmar" not in text, "members see no write forms"

    response = eva.post(f"/arbetsgrupper/{slug}/avsluta", {"end": "2024-12-31"})
    assert response.status_code == 302
    group = tasks.api("GET", f"/working-groups/{slug}", "maja").json
    assert (group["status"], group["end"]) == ("closed", "2024-12-31")
    assert "avslutad" in Browser(tasks, "maja").text("/arbetsgrupper")


@pytest.mark.parametrize("change, words", [
    ({"end": "2023-12-31"}, "Slutar (frivilligt): kan inte komma före start."),
    ({"convenor": "okand"}, "Sammankallande organisation: okänd organisation."),
    ({"members": ["falu-kommun", "okand"]}, "Medlemmar (okand): okänd organisation."),
    ({"name": ""}, "Namn: får inte vara tomt."),
    ({"start": "2024-02-30"}, "Startar: 2024-02-30 är inget giltigt datum."),
])
def test_a_bad_group_is_refused_readably_and_records_nothing(tasks, change, words):
    eva = Browser(tasks, "eva")
    before = tasks.wiki.position()
    response = eva.post("/arbetsgrupper/ny", {**GROUP, **change})
    assert response.status_code == 400
    text = text_of(response)
    assert words in text
    assert GROUP["mandate"].split("\n")[0] in response.get_data(as_text=True), "what was typed stays in the form"
    assert tasks.wiki.position() == before


def test_bad_member_changes_are_refused_readably_and_record_nothing(tasks):
    slug, _ = tasks.wiki.create_working_group(EVA, {"name": "Gruppen", "convenor": "falu-kommun",
                                                    "start": "2024-01-01"})
    eva = Browser(tasks, "eva")
    before = tasks.wiki.position()
    response = eva.post(f"/arbetsgrupper/{slug}/medlemmar", {"members": ["okand"], "on": "2024-04-01"})
    assert response.status_code == 400 and "Medlemmar (okand): okänd organisation." in text_of(response)
    response = eva.post(f"/arbetsgrupper/{slug}/medlemmar", {"members": ["mora-kommun"], "on": "2023-04-01"})
    assert response.status_code == 400 and "Från och med: ange en dag efter gruppens start och inom dess period." in text_of(response)
    response = eva.post(f"/arbetsgrupper/{slug}/avsluta", {"end": "2023-01-01"})
    assert response.status_code == 400 and "Sista dag: kan inte komma före start." in text_of(response)
    assert eva.post("/arbetsgrupper/okand/avsluta", {"end": "2024-12-31"}).status_code == 404
    assert tasks.wiki.position() == before
    maja = Browser(tasks, "maja")
    before = tasks.wiki.position()
    assert maja.post(f"/arbetsgrupper/{slug}/medlemmar", {"members": ["mora-kommun"], "on": "2024-04-01"}
                     ).status_code == 403
    assert maja.post("/arbetsgrupper/ny", GROUP).status_code == 403
    assert tasks.wiki.position() == before


# ---- attendance -----------------------------------------------------------------------------------------------

class Table(HTMLParser):
    """The rows of the table with the given class: each a list of cell texts."""

    def __init__(self, cls):
        super().__init__()
        self.cls, self.depth, self.rows, self.cell = cls, 0, [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("class") == self.cls:
            self.depth = 1
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "table":
            self.depth = 0
        elif self.depth and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join(self.cell.split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def table_rows(html, cls):
    parser = Table(cls)
    parser.feed(html)
    return parser.rows[1:]


HOSTILE = '<script>&"x'


@pytest.fixture
def year(world):
    """2024: three held county meetings, one planned, and a member organisation with a hostile name."""
    world.organisation(HOSTILE, "ideell", "Falun")
    appoint(world, "falu-kommun", "representative", "Anna Ankdal", "2020-01-01")
    world.meetings = []
    for day, falun, mora in (("2024-02-29", "representative", "absent"), ("2024-05-20", "absent_notified", "absent"),
                             ("2024-09-10", "absent", "absent_notified")):
        meeting_id = meeting(world, day)
        world.wiki.record_attendance(EVA, meeting_id, {"items": [
            {"organisation": "falu-kommun", "status": falun}, {"organisation": "mora-kommun", "status": mora}]})
        world.meetings.append(meeting_id)
    meeting(world, "2024-11-11")
    return world


def test_the_attendance_table_matches_the_api(year):
    maja = Browser(year, "maja")
    response = maja.get("/motesnarvaro?ar=2024")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    rows = table_rows(html, "attendance-summary")
    api = year.api("GET", "/attendance?year=2024", "maja").json["items"]
    assert [(r[0], int(r[1]), int(r[2])) for r in rows] == [(i["name"], i["held"], i["attended"]) for i in api]
    shares = {r[0]: r[3] for r in rows}
    assert shares["Falu kommun"] == "33 %" and shares["Mora kommun"] == "0 %"
    assert "&lt;script&gt;" in html and HOSTILE not in html
    assert '<img src="/motesnarvaro/2024.svg" alt="' in html
    assert 'href="/motesnarvaro?ar=2023"' in html and 'href="/motesnarvaro?ar=2025"' in html
    grid = {r[0]: r[1:] for r in table_rows(html, "attendance-grid")}
    assert grid["Falu kommun"] == ["ordinarie ombud", "anmält förhinder", "frånvarande"]
    assert grid[HOSTILE] == ["inte registrerat"] * 3
    assert "Inga genomförda möten 2023." in maja.text("/motesnarvaro?ar=2023")


def test_the_attendance_picture_is_svg_with_a_row_per_organisation_and_a_cell_per_meeting(year):
    response = Browser(year, "olle").get("/motesnarvaro/2024.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    body = response.get_data(as_text=True)
    assert "<script>" not in body and "&lt;script&gt;&amp;" in body
    root = ET.fromstring(response.get_data())
    assert root.tag == f"{SVG}svg" and root.find(f"{SVG}title").text == "Närvaro vid länsgruppens möten 2024"
    api = year.api("GET", "/attendance?year=2024", "olle").json["items"]
    rows = [g for g in root.iter(f"{SVG}g") if g.get("class") == "organisation"]
    assert [row.get("data-organisation") for row in rows] == [item["organisation"] for item in api]
    for row in rows:
        cells = [g for g in row.iter(f"{SVG}g") if g.get("class", "").startswith("cell ")]
        assert [cell.get("data-meeting") for cell in cells] == year.meetings
        assert all(cell.find(f"{SVG}title").text for cell in cells)
    labels = [(text.find(f"{SVG}title").text, text.find(f"{SVG}title").tail) for row in rows
              for text in row.findall(f"{SVG}text")]
    assert (HOSTILE, HOSTILE) in labels, "the hostile name is in the picture as text, escaped in the document"
    falun = next(row for row in rows if row.get("data-organisation") == "falu-kommun")
    kinds = [g.get("class") for g in falun.iter(f"{SVG}g") if g.get("class", "").startswith("cell ")]
    assert kinds == ["cell attended", "cell absent_notified", "cell absent"]
    legend = [g.get("class") for g in root.iter(f"{SVG}g") if g.get("class", "").startswith("key ")]
    assert legend == ["key attended", "key absent_notified", "key absent", "key unrecorded", "key not_expected"]


@pytest.mark.parametrize("query", ["ar=1899", "ar=2101", "ar=abc", "ar=-5", "ar=２０２４",
                                   "ar=99999999999999999999"])
def test_a_year_outside_1900_to_2100_is_refused_readably(world, query):
    response = Browser(world, "maja").get(f"/motesnarvaro?{query}")
    assert response.status_code == 400
    assert "Ange året som fyra siffror mellan 1900 och 2100." in text_of(response)


@pytest.mark.parametrize("path", ["/motesnarvaro/1899.svg", "/motesnarvaro/2101.svg",
                                  "/motesnarvaro/99999999999999999999.svg", "/motesnarvaro/-1.svg"])
def test_a_picture_outside_1900_to_2100_is_not_found(world, path):
    assert Browser(world, "maja").get(path).status_code == 404


def test_the_picture_of_a_year_without_meetings_is_still_svg(world):
    response = Browser(world, "maja").get("/motesnarvaro/1900.svg")
    assert response.status_code == 200
    assert ET.fromstring(response.get_data()).tag == f"{SVG}svg"


# ---- English on request ------------------------------------------------------------------------------------------

def test_the_pages_and_the_picture_in_english(tasks):
    from tests.test_i18n import choose_english, swedish_fragments, visible_text
    slug, _ = tasks.wiki.create_working_group(EVA, {"name": "Arbetsgruppen", "mandate": "Text.",
                                                    "convenor": "falu-kommun", "start": "2024-01-01"})
    tasks.wiki.record_attendance(EVA, tasks.meeting, {"items": [{"organisation": "falu-kommun",
                                                                 "status": "absent_notified"}]})
    eva = Browser(tasks, "eva")
    choose_english(eva.client, "/uppdrag")
    content = ("Falu kommun", "Mora kommun", "Arbetsgruppen", "Länsgruppsmöte i februari",
               "Sprida exemplet om skyddat boende", "Samla in rutiner för hedersrelaterat våld",
               "Bjuda in socialtjänsten i Mora")
    fragments = swedish_fragments()
    pages = {"/arbetsgrupper": ["Working groups", "New working group", "Convenor", "active"],
             "/arbetsgrupper/ny": ["New working group", "Mandate (Markdown)", "Convening organisation",
                                   "Ends (optional)", "Create the working group"],
             f"/arbetsgrupper/{slug}": ["Members over time", "still a member", "Change members", "Close the group"],
             "/uppdrag": ["Our tasks", "Overdue", "From the meeting", "New status", "Follow up", "open"],
             "/motesnarvaro?ar=2024": ["Attendance at the county group's meetings 2024", "Meetings where expected",
                                       "Share", "Who attended which meeting", "sent apologies",
                                       "not a member at the meeting"]}
    failures = []
    for path, phrases in pages.items():
        response = eva.get(path)
        assert response.status_code == 200, path
        text = visible_text(response.get_data(as_text=True))
        failures += [f"{path}: no {phrase!r}" for phrase in phrases if phrase not in text]
        for written in content:
            text = text.replace(written, " ")
        failures += [f"{path}: Swedish {fragment!r}" for fragment in fragments if fragment in text]
        failures += [f"{path}: Swedish {word!r}" for word in ("Försenat", "Andel", "Deltog", "Medlemmar")
                     if word in text]
    assert not failures, "\n".join(failures)
    picture = ET.fromstring(eva.get("/motesnarvaro/2024.svg").get_data())
    assert picture.find(f"{SVG}title").text == "Attendance at the county group's meetings 2024"
    keys = [g.findall(f"{SVG}text")[-1].text for g in picture.iter(f"{SVG}g")
            if g.get("class", "").startswith("key ")]
    assert keys == ["attended", "sent apologies", "absent", "not recorded", "not a member at the meeting"]
