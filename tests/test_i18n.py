"""Swedish first, English on request: the catalogue is complete and compiled, the language link
switches every page (vocabularies, flash and domain messages, dates), and the API stays Swedish."""

import ast
import re
import subprocess
import sys
from datetime import datetime
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "wiki" / "translations"
PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo"
PYBABEL = Path(sys.executable).with_name("pybabel")
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?([diouxXeEfFgGcrsa%])")


# ---- the catalogue ---------------------------------------------------------------------------

def _extract(tmp_path) -> Path:
    """A fresh extraction with the options of scripts/translations."""
    pot = tmp_path / "messages.pot"
    subprocess.run([str(PYBABEL), "extract", "-F", "babel.cfg", "-k", "msg", "-k", "N_",
                    "--ignore-dirs=.* ._ node_modules build dist", "--no-wrap", "-o", str(pot), "."],
                   cwd=ROOT, check=True, capture_output=True)
    return pot


def _catalog(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def _key(message):
    return message.id if isinstance(message.id, str) else tuple(message.id)


def _strings(message) -> list[str]:
    return [message.string] if isinstance(message.string, str) else list(message.string)


def _placeholders(text: str) -> list[tuple[str | None, str]]:
    return sorted((name, kind) for name, kind in PLACEHOLDER.findall(text) if kind != "%")


@pytest.mark.store_independent
def test_every_extracted_msgid_has_an_english_translation(tmp_path):
    extracted = _catalog(_extract(tmp_path))
    english = {_key(m): m for m in _catalog(PO) if m.id}
    ids = [_key(m) for m in extracted if m.id]
    assert len(ids) > 400, "the extraction found too few msgids; are msg/N_ keywords and babel.cfg right?"
    missing = [i for i in ids if i not in english]
    assert not missing, f"msgids missing from {PO.relative_to(ROOT)} (run scripts/translations): {missing[:10]}"
    untranslated = [i for i in ids if not all(s.strip() for s in _strings(english[i]))]
    assert not untranslated, f"msgids without an English translation: {untranslated[:10]}"
    fuzzy = [i for i in ids if english[i].fuzzy]
    assert not fuzzy, f"fuzzy (unchecked) translations: {fuzzy[:10]}"
    stale = sorted(set(english) - set(ids), key=str)
    assert not stale, f"translations of msgids no longer in the code: {stale[:10]}"


@pytest.mark.store_independent
def test_the_committed_template_matches_a_fresh_extraction(tmp_path):
    fresh = {_key(m) for m in _catalog(_extract(tmp_path)) if m.id}
    committed = {_key(m) for m in _catalog(TRANSLATIONS / "messages.pot") if m.id}
    assert fresh == committed, (f"messages.pot is stale (run scripts/translations): "
                                f"new {sorted(fresh - committed, key=str)[:5]}, "
                                f"gone {sorted(committed - fresh, key=str)[:5]}")


@pytest.mark.store_independent
def test_placeholders_match_between_msgid_and_translation():
    wrong = []
    for message in _catalog(PO):
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        for source, translation in zip(ids * 2 if len(ids) == 1 else ids, _strings(message)):
            if _placeholders(source) != _placeholders(translation):
                wrong.append((source, translation))
        if any(PLACEHOLDER.search(i) for i in ids) and "python-format" not in message.flags:
            wrong.append((message.id, "not flagged python-format"))
    assert not wrong, wrong[:10]


@pytest.mark.store_independent
def test_the_compiled_catalogue_is_up_to_date(tmp_path):
    compiled = tmp_path / "messages.mo"
    subprocess.run([str(PYBABEL), "compile", "-i", str(PO), "-o", str(compiled)], check=True, capture_output=True)
    with compiled.open("rb") as fresh, MO.open("rb") as committed:
        fresh_catalog, committed_catalog = read_mo(fresh), read_mo(committed)
    as_dict = lambda catalog: {_key(m): m.string for m in catalog if m.id}  # noqa: E731
    assert as_dict(committed_catalog) == as_dict(fresh_catalog), "messages.mo is stale: run scripts/translations compile"
    assert len(as_dict(fresh_catalog)) > 400


@pytest.mark.store_independent
def test_domain_errors_carry_translatable_messages():
    """Every domain error raised where a page can show it is built with `msg(...)`, so it keeps its
    msgid and parameters; a bare or f-string literal could not be translated."""
    errors = {"ValidationError", "NotAllowed", "NotFound", "NotSignedIn", "Conflict", "EditConflict",
              "RuleBroken", "RuleConflict", "ErasedPerson"}
    files = [*(ROOT / "events").glob("*.py"), *(ROOT / "wiki" / "pages").glob("*.py"),
             ROOT / "wiki" / "signin.py", ROOT / "wiki" / "search_params.py", ROOT / "wiki" / "api" / "__init__.py"]
    literal = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args
                    and getattr(node.exc.func, "id", None) in errors
                    and isinstance(node.exc.args[0], (ast.Constant, ast.JoinedStr))):
                literal.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not literal, f"domain errors with a literal message (use events.messages.msg): {literal}"


# ---- pages in English --------------------------------------------------------------------------

class VisibleText(HTMLParser):
    """The text a reader meets: text nodes and the attributes read out or shown (labels, placeholders)."""

    SHOWN_ATTRIBUTES = {"aria-label", "placeholder", "title", "alt"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        self.parts += [value for name, value in attrs if name in self.SHOWN_ATTRIBUTES and value]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def swedish_fragments(min_length: int = 15) -> set[str]:
    """The catalogue's Swedish text that no English page should show: each msgid's literal parts
    between placeholders, those longer than `min_length` characters."""
    fragments = set()
    for message in _catalog(PO):
        if not message.id:
            continue
        for msgid in ([message.id] if isinstance(message.id, str) else message.id):
            for part in PLACEHOLDER.split(msgid)[::3]:
                part = " ".join(part.split())
                if len(part) > min_length and part != " ".join(_strings(message)[0].split()):
                    fragments.add(part)
    return fragments


def csrf_of(client, path="/logga-in") -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client, username):
    response = client.post("/logga-in", data={"username": username, "password": PASSWORD,
                                              "csrf_token": csrf_of(client)})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return csrf_of(client, "/")


def choose_english(client, on_page="/"):
    """Follows the visible "English" link of a page, as a reader would."""
    page = client.get(on_page).get_data(as_text=True)
    match = re.search(r'<a class="language" href="([^"]+)"[^>]*>English</a>', page)
    assert match, "no English link on " + on_page
    response = client.get(unescape(match.group(1)))
    assert response.status_code == 302
    assert urlsplit(response.location).path == urlsplit(on_page).path
    return response


# Content that people wrote: shown as written in either language.
USER_CONTENT = ("Stödsamtal i Falun", "Samtalsgrupp för barn", "Kort sammanfattning om samtal.", "Samtal i grupp.",
                "Bakgrund", "Anna Lindqvist", "Bertil Öberg", "Falu kommun", "Mora kommun", "Utvecklingsledare")


@pytest.fixture
def english_world(world):
    """Examples with every vocabulary, a history, and forms in the register; the coordinator
    signed in with English chosen through the link."""
    slug = world.example("maja", title="Stödsamtal i Falun", summary="Kort sammanfattning om samtal.",
                         body="## Bakgrund\n\nSamtal.", organisations=[world.falun],
                         violence_forms=["nara-relation", "hedersrelaterat"], goals=["forebyggande"],
                         measure_types=["stod", "samverkan"], evaluation="uppfoljd",
                         period={"start_year": 2021, "end_year": None})
    world.api("PUT", f"/examples/{slug}", "maja", json={"base_version": 1, "summary": "Samtal i grupp.",
                                                         "tags": ["samtal"], "comment": "Taggar"})
    slug = world.api("POST", f"/examples/{slug}/publish", "eva").json["slug"]
    draft = world.example("maja", title="Samtalsgrupp för barn", organisations=[world.falun])
    approved = world.api("POST", "/membership-requests", "maja", json={
        "organisation": world.falun, "note": "Ny representant", "changes": [
            {"action": "appoint", "role": "representative", "from": "2022-03-01",
             "person": {"name": "Anna Lindqvist", "email": "anna@falun.example", "phone": "",
                        "title": "Utvecklingsledare"}}]})
    assert world.api("POST", f"/membership-requests/{approved.json['id']}/approve", "eva").status_code == 200
    world.api("POST", "/membership-requests", "maja", json={
        "organisation": world.falun, "changes": [
            {"action": "appoint", "role": "substitute", "from": "2022-06-01",
             "person": {"name": "Bertil Öberg", "email": "", "phone": "", "title": ""}}]})
    person = world.api("GET", f"/organisations/{world.falun}/history", "eva").json["items"][0]["person_id"]
    world.services.wait_for_index(world.wiki.position(), timeout=10.0)
    client = world.app.test_client()
    choose_english(client)
    sign_in(client, "eva")
    world.slug, world.draft, world.person, world.english = slug, draft, person, client
    return world


def english_pages(w) -> dict[str, list[str]]:
    """Main pages and English text each must show."""
    return {
        "/": ["Newest examples", "Drafts you can work on", "Learning examples against men's violence against women"],
        "/exempel": ["Form of violence", "National goal", "2 examples", "Violence in close relationships"],
        f"/exempel/{w.slug}": ["Forms of violence", "Violence in close relationships",
                               "Honour-related violence and oppression", "National goals",
                               "Expanded and effective work to prevent violence",
                               "Support for people subjected to violence", "Collaboration", "Followed up",
                               "ongoing", "History", "Archive"],
        f"/exempel/{w.draft}": ["Draft", "Publish", "Edit"],
        "/sok?q=samtal": ["Search the learning examples", "Sort:", "relevance", "last changed", "Form of violence"],
        f"/exempel/{w.slug}/redigera": ["Edit example", "Title", "Type of measure", "Forms of violence",
                                        "Preview", "Save", "Cancel", "Support for people subjected to violence"],
        f"/exempel/{w.slug}/historik": ["History", "Compare the selected versions", "Created", "Edited",
                                        "Published", "Summary, Tags"],
        f"/exempel/{w.slug}/jamfor?from=1&to=2": ["Version 1 compared with version 2", "Changed fields", "Tags"],
        "/andringar": ["Recent changes", "was published", "was edited"],
        "/register?at=2022-07-01": ["The county group's representatives", "Representative", "Substitute",
                                    "since 1 Mar 2022", "vacant", "Export the membership history:"],
        "/blanketter": ["Inbox: membership forms", "To decide", "Approve", "Reject", "Appoint"],
        "/blanketter?status=approved": ["Approved", "Appoint Anna Lindqvist as representative from 1 Mar 2022"],
        f"/blankett?organisation={w.falun}": ["Membership form: change of representative or substitute",
                                             "Message to the coordinator", "Submit the membership form"],
        "/organisationer": ["The county group's organisations", "Municipality", "Member since"],
        f"/organisationer/{w.falun}": ["Representation today", "Who has held which role over time",
                                       "Appointed by membership form"],
        f"/personer/{w.person}": ["Appointments in the county group over time"],
        "/granskning": ["The event log", "Verify the log", "Filter events"],
        "/granskning/verifiera": ["Verify the event log", "Earlier digest (optional)"],
        "/konto": ["My account", "Coordinator", "Change password"],
        "/konton": ["Accounts", "New account", "Auditor", "Administrator"],
        "/konto/losenord": ["Current password", "Repeat the new password"],
        "/api-dokumentation": ["API documentation", "List learning examples", "Register of representatives",
                               "Error responses", "whole number", "Signed-in users (bearer token)",
                               "Does not exist, or may not be read by the asker"],
    }


def test_the_language_link_switches_the_main_pages_to_english(english_world):
    w = english_world
    fragments = swedish_fragments()
    assert len(fragments) > 150
    failures = []
    for path, expected in english_pages(w).items():
        response = w.english.get(path)
        html = response.get_data(as_text=True)
        if response.status_code != 200:
            failures.append(f"{path}: {response.status_code}")
            continue
        text = visible_text(html)
        if '<html lang="en">' not in html:
            failures.append(f"{path}: not <html lang=\"en\">")
        failures += [f"{path}: no {phrase!r}" for phrase in expected if phrase not in text]
        shown = text
        for content in USER_CONTENT:
            shown = shown.replace(content, " ")
        failures += [f"{path}: Swedish {fragment!r}" for fragment in fragments if fragment in shown]
        if 'lang="sv" hreflang="sv">Svenska</a>' not in html:
            failures.append(f"{path}: no link back to Swedish")
    assert not failures, "\n".join(failures)
    hits = visible_text(w.english.get("/sok?q=samtal").get_data(as_text=True))
    assert re.search(r"\b(1 result|[2-9] results)\b", hits), hits[:500]


def test_sign_in_page_and_its_error_in_english(world):
    client = world.app.test_client()
    choose_english(client, "/logga-in")
    page = client.get("/logga-in").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Username" in visible_text(page) and "Password" in visible_text(page)
    wrong = client.post("/logga-in", data={"username": "maja", "password": "fel", "csrf_token": csrf_of(client)})
    assert wrong.status_code == 401
    assert "Wrong username or password." in visible_text(wrong.get_data(as_text=True))
    signed_in = client.post("/logga-in", data={"username": "maja", "password": PASSWORD, "csrf_token": csrf_of(client)},
                            follow_redirects=True)
    assert "You are signed in as maja." in visible_text(signed_in.get_data(as_text=True))


def test_swedish_is_the_default_whatever_the_browser_asks(world):
    page = world.client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="sv">' in page
    assert "Nyaste exemplen" in page and "Newest examples" not in page
    assert 'lang="en" hreflang="en">English</a>' in page


def test_choosing_swedish_again(world):
    client = world.app.test_client()
    choose_english(client, "/exempel")
    assert '<html lang="en">' in client.get("/exempel").get_data(as_text=True)
    page = client.get("/exempel").get_data(as_text=True)
    back = re.search(r'<a class="language" href="([^"]+)"[^>]*>Svenska</a>', page)
    assert back, "no Swedish link on the English page"
    assert client.get(unescape(back.group(1))).location == "/exempel"
    assert '<html lang="sv">' in client.get("/exempel").get_data(as_text=True)


def test_domain_messages_on_pages_are_english(world):
    client = world.app.test_client()
    choose_english(client)
    token = sign_in(client, "maja")
    form = {"csrf_token": token, "title": "", "summary": "Kort.", "body": "Text som finns kvar",
            "owner": world.falun, "action": "save"}
    empty = client.post("/nytt-exempel", data=form)
    text = visible_text(empty.get_data(as_text=True))
    assert empty.status_code == 400
    assert "Title: must not be empty." in text and "får inte vara tomt." not in text
    assert "Nothing was saved. What you wrote is still below." in text and "Text som finns kvar" in text

    year = client.post("/nytt-exempel", data={**form, "title": "Årtal", "start_year": "20x1"})
    assert "Start year: give a year with four digits." in visible_text(year.get_data(as_text=True))

    slug = world.example("maja", title="Konfliktexempel", body="Rad ett")
    world.api("PUT", f"/examples/{slug}", "eva", json={"base_version": 1, "body": "Rad två"})
    conflict = client.post(f"/exempel/{slug}/redigera", data={**form, "title": "Konfliktexempel", "base_version": "1"})
    assert conflict.status_code == 409
    assert "The example has changed since version 1; it is now version 2." in visible_text(
        conflict.get_data(as_text=True))


def test_nested_domain_message_in_a_flash_is_english(world):
    """A rule the register breaks, inside the approval's own message: both parts translated."""
    first, second = (world.api("POST", "/membership-requests", "maja", json={
        "organisation": world.falun, "changes": [
            {"action": "appoint", "role": "representative", "from": "2020-01-01",
             "person": {"name": name, "email": "", "phone": "", "title": ""}}]}).json["id"]
        for name in ("Först Person", "Sist Person"))
    client = world.app.test_client()
    choose_english(client)
    token = sign_in(client, "eva")
    assert client.post(f"/blanketter/{first}/godkann", data={"csrf_token": token}).status_code == 302
    refused = client.post(f"/blanketter/{second}/godkann", data={"csrf_token": token}, follow_redirects=True)
    text = visible_text(refused.get_data(as_text=True))
    assert ("The membership form cannot be approved: There is already a representative from 2020-01-01; "
            "a new one can be appointed from the day after at the earliest.") in text
    swedish = world.api("POST", f"/membership-requests/{second}/approve", "eva").json["error"]["message"]
    assert swedish == ("Blanketten kan inte godkännas: Det finns redan en ordinarie representant från 2020-01-01; "
                       "en ny kan utses tidigast dagen efter.")


def test_error_pages_in_english(world):
    client = world.app.test_client()
    choose_english(client)
    missing = client.get("/finns-inte")
    assert missing.status_code == 404
    assert "The page does not exist" in visible_text(missing.get_data(as_text=True))
    assert "Not found." in visible_text(missing.get_data(as_text=True))
    no_csrf = client.post("/logga-in", data={"username": "maja", "password": PASSWORD})
    assert "The form has expired or lacks its security token." in visible_text(no_csrf.get_data(as_text=True))


def test_api_messages_stay_swedish_with_english_chosen(world):
    client = world.app.test_client()
    choose_english(client)
    token = client.post("/api/v1/tokens", json={"username": "maja", "password": PASSWORD}).json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    empty = client.post("/api/v1/examples", json={"title": ""}, headers=headers)
    assert empty.status_code == 400
    assert empty.json["error"]["message"] == "title: får inte vara tomt."
    assert client.get("/api/v1/examples/finns-inte").json["error"]["message"] == "Exemplet finns inte."
    assert client.get("/api/v1/finns-inte").json["error"]["message"] == "Finns inte."
    wrong = client.post("/api/v1/tokens", json={"username": "maja", "password": "fel"})
    assert wrong.json["error"]["message"] == "Fel användarnamn eller lösenord."


def test_the_atom_feed_follows_the_language(world):
    slug = world.example("maja", title="Flödesexempel")
    world.api("POST", f"/examples/{slug}/publish", "eva")
    swedish = world.client.get("/feeds/changes.atom").get_data(as_text=True)
    assert 'xml:lang="sv"' in swedish and "Flödesexempel publicerades (version 1)" in swedish
    client = world.app.test_client()
    choose_english(client)
    english = client.get("/feeds/changes.atom").get_data(as_text=True)
    assert 'xml:lang="en"' in english and "Flödesexempel was published (version 1)" in english
    assert "Learning examples – recent changes" in english
    assert "Cookie" in client.get("/feeds/changes.atom").headers.get("Vary", "")


# ---- the language link itself ----------------------------------------------------------------------

@pytest.mark.parametrize("target", [
    "//evil.example/", "https://evil.example/", "http:/evil.example", "/\\evil.example", "\\\\evil.example",
    "/\t/evil.example", "javascript:alert(1)", "evil.example", "",
])
def test_the_language_link_refuses_to_leave_the_site(world, target):
    response = world.client.get("/sprak/en", query_string={"next": target})
    assert response.status_code == 302
    location = urlsplit(response.location)
    assert (location.scheme, location.netloc, location.path) == ("", "", "/")
    assert "lansgrupp_lang=en" in response.headers["Set-Cookie"]


def test_the_language_link_keeps_a_local_path_with_its_query(world):
    response = world.client.get("/sprak/en", query_string={"next": "/sok?q=våld&sort=updated"})
    assert unquote(response.location) == "/sok?q=våld&sort=updated"
    cookie = response.headers["Set-Cookie"]
    assert "Max-Age=" in cookie and int(re.search(r"Max-Age=(\d+)", cookie).group(1)) >= 365 * 24 * 3600
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_an_unknown_language_is_not_found_and_sets_nothing(world):
    response = world.client.get("/sprak/de?next=/")
    assert response.status_code == 404
    assert "Set-Cookie" not in response.headers or "lansgrupp_lang" not in response.headers["Set-Cookie"]
    world.client.set_cookie("lansgrupp_lang", "de")
    assert '<html lang="sv">' in world.client.get("/").get_data(as_text=True)


# ---- dates -----------------------------------------------------------------------------------------

SWEDISH_MONTHS = ["jan.", "feb.", "mars", "apr.", "maj", "juni", "juli", "aug.", "sep.", "okt.", "nov.", "dec."]
ENGLISH_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _shown_times(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<time datetime="([^"]+)">([^<]+)</time>', html)


def _expected(moment_iso: str, months: list[str]) -> str:
    local = datetime.fromisoformat(moment_iso.replace("Z", "+00:00")).astimezone(ZoneInfo("Europe/Stockholm"))
    return f"{local.day} {months[local.month - 1]} {local.year} {local:%H:%M}"


def test_times_are_shown_in_stockholm_time_with_the_language_s_month_names(world):
    slug = world.example("maja", title="Datumexempel")
    slug = world.api("POST", f"/examples/{slug}/publish", "eva").json["slug"]
    swedish = _shown_times(world.client.get(f"/exempel/{slug}").get_data(as_text=True))
    assert swedish, "no <time> on the example page"
    for moment, shown in swedish:
        assert shown == _expected(moment, SWEDISH_MONTHS)
    client = world.app.test_client()
    choose_english(client)
    english = _shown_times(client.get(f"/exempel/{slug}").get_data(as_text=True))
    assert [moment for moment, _ in english] == [moment for moment, _ in swedish]
    for moment, shown in english:
        assert shown == _expected(moment, ENGLISH_MONTHS)


def test_calendar_dates_are_iso_in_swedish_and_spelled_out_in_english(world):
    sign_in(world.client, "eva")
    swedish = visible_text(world.client.get(f"/organisationer/{world.falun}").get_data(as_text=True))
    assert "medlem sedan 2010-01-01" in swedish
    roster = visible_text(world.client.get("/register?at=2022-06-01").get_data(as_text=True))
    assert "Så här såg registret ut den 2022-06-01." in roster

    client = world.app.test_client()
    choose_english(client)
    sign_in(client, "eva")
    english = visible_text(client.get(f"/organisationer/{world.falun}").get_data(as_text=True))
    assert "member since 1 Jan 2010" in english
    roster = visible_text(client.get("/register?at=2022-06-01").get_data(as_text=True))
    assert "This is how the register of representatives looked on 1 Jun 2022." in roster
