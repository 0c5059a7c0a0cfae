"""Lost work and broken journeys (issue 20, items 9-11): stale edits merge field by field instead of
reverting others' changes, the history compares versions with its default choice, and an ended
session keeps what was typed. Through the API and the pages (Flask's test client, CSRF on)."""

import re
from html.parser import HTMLParser

from tests.conftest import PASSWORD
from tests.test_pages import csrf_token, sign_in

FULL = {
    "title": "Samverkan i Falun", "summary": "Från början.", "body": "## Bakgrund\n\nRad ett.\nRad två.\n",
    "organisations": ["falu-kommun"], "municipalities": ["Falun"], "violence_forms": ["nara-relation"],
    "goals": ["forebyggande"], "target_groups": ["barn"], "measure_types": ["samverkan"],
    "evaluation": None, "period": {"start_year": 2020, "end_year": None}, "contact": "", "tags": ["skola"],
}


def put(w, slug, username, base_version, **fields):
    return w.api("PUT", f"/examples/{slug}", username, json={"base_version": base_version, **fields})


def current(w, slug, username="maja"):
    response = w.api("GET", f"/examples/{slug}", username)
    assert response.status_code == 200, response.json
    return response.json


class FormReader(HTMLParser):
    """The fields a browser would post from the page's form.edit, as (name, value) pairs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pairs, self.in_form, self.textarea, self.select, self.option = [], False, None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and "edit" in (a.get("class") or "").split():
            self.in_form = True
        if not self.in_form:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.pairs.append((a["name"], a.get("value", "on")))
            elif kind != "submit":
                self.pairs.append((a["name"], a.get("value") or ""))
        elif tag == "textarea":
            self.textarea = [a["name"], ""]
        elif tag == "select":
            self.select = [a["name"], None, None]
        elif tag == "option" and self.select is not None:
            self.option = a.get("value", "")
            if self.select[2] is None:
                self.select[2] = self.option
            if "selected" in a:
                self.select[1] = self.option

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea is not None:
            self.pairs.append((self.textarea[0], self.textarea[1]))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            self.pairs.append((self.select[0], self.select[1] if self.select[1] is not None else self.select[2]))
            self.select = None
        elif tag == "form":
            self.in_form = False


def form_of(html: str) -> dict:
    reader = FormReader()
    reader.feed(html)
    fields = {}
    for name, value in reader.pairs:
        fields.setdefault(name, []).append(value)
    return {k: v if len(v) > 1 or k in ("partners", "municipalities", "violence_forms", "goals", "measure_types")
            else v[0] for k, v in fields.items()}


# ---- item 9: three-way merge (API) ---------------------------------------------------------------


def test_api_changes_to_different_fields_merge_into_one_new_version(world):
    slug = world.example("maja", **FULL)
    assert put(world, slug, "maja", 1, summary="Majas sammanfattning.").json["version"] == 2
    response = put(world, slug, "eva", 1, tags=["skola", "förskola"], comment="Taggar")
    assert response.status_code == 200, response.json
    assert response.json["version"] == 3
    example = current(world, slug)
    assert example["summary"] == "Majas sammanfattning."
    assert example["tags"] == ["skola", "förskola"]
    diff = world.api("GET", f"/examples/{slug}/diff?from=2&to=3", "maja").json
    assert diff["changed_fields"] == ["tags"], "the new version carries only the saver's field"


def test_api_same_field_changed_on_both_sides_is_409_naming_the_fields(world):
    slug = world.example("maja", **FULL)
    put(world, slug, "maja", 1, summary="Majas sammanfattning.", title="Majas titel")
    world.token("eva")
    before = world.wiki.position()
    response = put(world, slug, "eva", 1, summary="Evas sammanfattning.", title="Majas titel", tags=["ny"])
    assert response.status_code == 409, response.json
    error = response.json["error"]
    assert error["code"] == "edit_conflict"
    assert error["current_version"] == 2
    assert error["fields"] == ["summary"], "the same new title on both sides is no conflict"
    assert world.wiki.position() == before, "nothing is recorded on a conflict"
    example = current(world, slug)
    assert (example["summary"], example["tags"], example["version"]) == ("Majas sammanfattning.", ["skola"], 2)


def test_api_stale_save_of_every_field_does_not_revert_what_it_did_not_touch(world):
    """A client that sends the whole example as it read it (as the form does) changes only what it
    changed itself."""
    slug = world.example("maja", **FULL)
    put(world, slug, "maja", 1, summary="Majas sammanfattning.", municipalities=["Falun", "Mora"])
    response = put(world, slug, "eva", 1, **{**FULL, "tags": ["skola", "fritids"]})
    assert response.status_code == 200, response.json
    example = current(world, slug)
    assert example["summary"] == "Majas sammanfattning."
    assert example["municipalities"] == ["Falun", "Mora"]
    assert example["tags"] == ["skola", "fritids"]
    unchanged = put(world, slug, "eva", 1, **FULL)
    assert unchanged.status_code == 200 and unchanged.json["version"] == 3, "resending a stale copy changes nothing"
    assert current(world, slug)["summary"] == "Majas sammanfattning."


def test_api_base_version_above_the_current_one_is_400(world):
    slug = world.example("maja", **FULL)
    world.token("maja")
    before = world.wiki.position()
    response = put(world, slug, "maja", 5, summary="Från framtiden.")
    assert response.status_code == 400, response.json
    assert response.json["error"]["field"] == "base_version"
    assert world.wiki.position() == before


# ---- item 9: the pages ------------------------------------------------------------------------------


def test_page_stale_save_of_another_field_keeps_the_other_change(world):
    slug = world.example("maja", **FULL)
    token = sign_in(world.client, "eva")
    page = world.client.get(f"/exempel/{slug}/redigera").get_data(as_text=True)
    fields = form_of(page)
    assert fields["base_version"] == "1"
    put(world, slug, "maja", 1, summary="Majas sammanfattning.")
    response = world.client.post(f"/exempel/{slug}/redigera",
                                 data={**fields, "csrf_token": token, "tags": "skola, fritids", "action": "save"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    example = current(world, slug)
    assert example["summary"] == "Majas sammanfattning."
    assert example["tags"] == ["skola", "fritids"]
    assert example["version"] == 3


def test_page_conflict_shows_every_differing_field_and_saving_again_keeps_others_changes(world):
    slug = world.example("maja", **FULL)
    token = sign_in(world.client, "eva")
    fields = form_of(world.client.get(f"/exempel/{slug}/redigera").get_data(as_text=True))
    put(world, slug, "maja", 1, summary="Majas sammanfattning.", title="Majas titel")
    mine = {**fields, "csrf_token": token, "action": "save", "summary": "Evas sammanfattning.",
            "tags": "skola, fritids", "comment": "Evas ändring"}
    response = world.client.post(f"/exempel/{slug}/redigera", data=mine)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Redigeringskonflikt" in page
    assert "Ni har båda ändrat: Sammanfattning." in page
    table = re.search(r'<table class="field-diff">(.*?)</table>', page, re.S)
    assert table, "the conflict lists the fields, not only the body"
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th>\s*<td><del>(.*?)</del></td><td><ins>(.*?)</ins></td></tr>",
                      table.group(1), re.S)
    assert [(re.sub(r"\s*<span.*", "", r[0]), r[1], r[2]) for r in rows] == [
        ("Sammanfattning", "Majas sammanfattning.", "Evas sammanfattning."), ("Taggar", "skola", "skola, fritids")]
    assert "ändrat av båda" in rows[0][0] and "ändrat av båda" not in rows[1][0]
    assert '<table class="diff">' not in page, "the body did not differ, so there is no body diff"
    again = form_of(page)
    assert again["base_version"] == "2"
    assert again["title"] == "Majas titel", "a field only the other changed shows the saved version"
    assert again["summary"] == "Evas sammanfattning." and again["tags"] == "skola, fritids"
    assert again["comment"] == "Evas ändring"

    saved = world.client.post(f"/exempel/{slug}/redigera", data={**again, "csrf_token": token, "action": "save"})
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    example = current(world, slug)
    assert (example["title"], example["summary"], example["tags"], example["version"]) == (
        "Majas titel", "Evas sammanfattning.", ["skola", "fritids"], 3)


def test_page_conflict_on_the_body_keeps_the_side_by_side_diff(world):
    slug = world.example("maja", **FULL)
    token = sign_in(world.client, "eva")
    fields = form_of(world.client.get(f"/exempel/{slug}/redigera").get_data(as_text=True))
    put(world, slug, "maja", 1, body="## Bakgrund\n\nRad ett.\nMajas rad.\n")
    response = world.client.post(f"/exempel/{slug}/redigera", data={
        **fields, "csrf_token": token, "action": "save", "body": "## Bakgrund\r\n\r\nRad ett.\r\nEvas rad.\r\n"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Ni har båda ändrat: Beskrivning." in page
    assert "<del>Majas rad.</del>" in page and "<ins>Evas rad.</ins>" in page
    assert '<table class="field-diff">' not in page, "no other field differs"


# ---- item 10: comparing versions from the history ----------------------------------------------------


def checked(page: str, name: str) -> list[str]:
    return re.findall(rf'<input type="radio" name="{name}" value="(\d+)"[^>]*\schecked>', page)


def test_history_preselects_the_two_newest_versions_and_compare_works(world):
    slug = world.example("maja", **FULL)
    put(world, slug, "maja", 1, summary="Andra.")
    put(world, slug, "maja", 2, summary="Tredje.")
    slug = world.api("POST", f"/examples/{slug}/publish", "eva").json["slug"]
    sign_in(world.client, "maja")
    page = world.client.get(f"/exempel/{slug}/historik").get_data(as_text=True)
    assert (checked(page, "from"), checked(page, "to")) == (["2"], ["3"]), \
        "the newest row is the publication, which has no radio buttons"
    response = world.client.get(f"/exempel/{slug}/jamfor?from=2&to=3")
    assert response.status_code == 200
    assert "Version 2 jämförd med version 3" in response.get_data(as_text=True)


def test_compare_falls_back_when_versions_are_missing_equal_or_reversed(world):
    slug = world.example("maja", **FULL)
    for base, summary in ((1, "Två."), (2, "Tre."), (3, "Fyra.")):
        put(world, slug, "maja", base, summary=summary)
    sign_in(world.client, "maja")

    def compared(query):
        response = world.client.get(f"/exempel/{slug}/jamfor{query}")
        assert response.status_code == 200, (query, response.status_code)
        return re.search(r"Version (\d+) jämförd med version (\d+)", response.get_data(as_text=True)).groups()

    assert compared("") == ("3", "4")
    assert compared("?from=1") == ("1", "4")
    assert compared("?to=3") == ("2", "3")
    assert compared("?from=4&to=2") == ("2", "4")
    assert compared("?from=3&to=3") == ("2", "3")
    assert compared("?from=1&to=1") == ("1", "2")
    assert compared("?from=&to=") == ("3", "4")
    assert world.client.get(f"/exempel/{slug}/jamfor?from=1&to=9").status_code == 404
    assert world.client.get(f"/exempel/{slug}/jamfor?from=x").status_code == 400


def test_compare_with_one_version_says_there_is_nothing_to_compare(world):
    slug = world.example("maja", **FULL)
    sign_in(world.client, "maja")
    history = world.client.get(f"/exempel/{slug}/historik").get_data(as_text=True)
    assert checked(history, "to") == ["1"]
    response = world.client.get(f"/exempel/{slug}/jamfor?to=1")
    assert response.status_code == 200
    assert "inget att jämföra" in response.get_data(as_text=True)


# ---- item 11: an ended session keeps what was typed --------------------------------------------------


def end_session(client):
    client.delete_cookie("lansgrupp_session", domain="localhost")


def sign_in_again(client, username, next_path):
    token = csrf_token(client, f"/logga-in?next={next_path}")
    response = client.post("/logga-in", data={"username": username, "password": PASSWORD, "csrf_token": token,
                                              "next": next_path})
    assert response.status_code == 302 and response.location.endswith(next_path), response.location
    return response


def test_edit_after_the_session_ended_comes_back_after_signing_in(world):
    slug = world.example("maja", **FULL)
    token = sign_in(world.client, "maja")
    path = f"/exempel/{slug}/redigera"
    fields = form_of(world.client.get(path).get_data(as_text=True))
    end_session(world.client)
    before = world.wiki.position()
    text = "## Bakgrund\n\nEn lång text som tog en timme att skriva.\n"
    response = world.client.post(path, data={**fields, "csrf_token": token, "body": text,
                                             "comment": "Min ändring", "action": "save"})
    assert response.status_code == 302
    assert "/logga-in?next=" in response.location and slug in response.location
    assert world.wiki.position() == before
    login = world.client.get(response.location).get_data(as_text=True)
    assert "Du hade blivit utloggad, så inget är sparat än." in login

    sign_in_again(world.client, "maja", path)
    page = world.client.get(path).get_data(as_text=True)
    assert "Det du skrev innan du behövde logga in igen finns kvar nedan." in page
    again = form_of(page)
    assert again["body"] == text and again["comment"] == "Min ändring" and again["base_version"] == "1"
    assert "data-unsaved" in page, "the page warns before leaving it unsaved"
    assert "En lång text" not in world.client.get(path).get_data(as_text=True), "a kept form is taken once"

    token = csrf_token(world.client, "/")
    saved = world.client.post(path, data={**again, "csrf_token": token, "action": "save"})
    assert saved.status_code == 302
    assert current(world, slug)["body"] == text
    assert any(c.startswith("lansgrupp_draft_saved=edit:maja:") for c in saved.headers.getlist("Set-Cookie")), \
        "the browser is told to drop its draft copy"


def test_new_example_posted_after_the_session_ended_server_side_is_kept(world):
    """The cookie is still there with its CSRF token but signs nobody in (the session ended)."""
    client = world.app.test_client()
    token = csrf_token(client, "/logga-in")
    response = client.post("/nytt-exempel", data={"csrf_token": token, "title": "Mitt nya exempel",
                                                  "body": "Text som inte får försvinna.", "owner": "falu-kommun",
                                                  "violence_forms": ["nara-relation", "hedersrelaterat"],
                                                  "action": "save"})
    assert response.status_code == 302 and "/logga-in?next=/nytt-exempel" in response.location
    sign_in_again(client, "maja", "/nytt-exempel")
    fields = form_of(client.get("/nytt-exempel").get_data(as_text=True))
    assert fields["title"] == "Mitt nya exempel" and fields["body"] == "Text som inte får försvinna."
    assert fields["violence_forms"] == ["nara-relation", "hedersrelaterat"]

    forged = world.app.test_client().post(
        "/nytt-exempel", data={"title": "Förfalskat", "body": "Från en annan webbplats."},
        headers={"Sec-Fetch-Site": "cross-site", "Origin": "https://elak.example"})
    assert forged.status_code == 400, "another site's post fills nobody's form"
    assert not any(c.startswith("lansgrupp_kept_form=") for c in forged.headers.getlist("Set-Cookie"))


def test_stale_csrf_token_of_a_signed_in_person_gives_the_form_back(world):
    """Signed in again in another tab: the old tab's token is from the ended session."""
    slug = world.example("maja", **FULL)
    old_token = sign_in(world.client, "maja")
    path = f"/exempel/{slug}/redigera"
    fields = form_of(world.client.get(path).get_data(as_text=True))
    sign_in(world.client, "maja")
    before = world.wiki.position()
    response = world.client.post(path, data={**fields, "csrf_token": old_token, "summary": "Min nya sammanfattning.",
                                             "action": "save"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Formuläret hade gått ut" in page
    again = form_of(page)
    assert again["summary"] == "Min nya sammanfattning."
    assert world.wiki.position() == before
    assert world.client.post(path, data={**again, "action": "save"}).status_code == 302
    assert current(world, slug)["summary"] == "Min nya sammanfattning."
