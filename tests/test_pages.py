"""The browser pages through Flask's test client, with CSRF on as in production."""

import re
import xml.etree.ElementTree as ET

import pytest

from tests.conftest import PASSWORD

ATOM = "{http://www.w3.org/2005/Atom}"


def csrf_token(client, path):
    page = client.get(path)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client, username):
    token = csrf_token(client, "/logga-in")
    response = client.post("/logga-in", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    return csrf_token(client, "/")


def form(token, **fields):
    data = {"csrf_token": token, "title": "Samverkan mot våld i Falun", "summary": "Kort.",
            "body": "## Bakgrund\n\nText om arbetet.", "owner": "falu-kommun",
            "violence_forms": ["nara-relation"], "goals": ["forebyggande"], "action": "save"}
    data.update(fields)
    return data


def test_start_page_is_swedish_and_lists_published_only(world):
    slug = world.example("maja", title="Publicerat exempel")
    world.example("maja", title="Hemligt utkast")
    world.api("POST", f"/examples/{slug}/publish", "eva")
    page = world.client.get("/").get_data(as_text=True)
    assert '<html lang="sv">' in page
    assert "Nyaste exemplen" in page
    assert "Publicerat exempel" in page
    assert "Hemligt utkast" not in page


def test_sign_in_rejects_wrong_password_and_unknown_user_alike(world):
    token = csrf_token(world.client, "/logga-in")
    wrong = world.client.post("/logga-in", data={"username": "maja", "password": "fel", "csrf_token": token})
    unknown = world.client.post("/logga-in", data={"username": "nobody", "password": "fel", "csrf_token": token})
    assert wrong.status_code == unknown.status_code == 401
    assert "Fel användarnamn eller lösenord." in wrong.get_data(as_text=True)
    assert "Fel användarnamn eller lösenord." in unknown.get_data(as_text=True)


def test_forms_without_csrf_token_are_refused(world):
    sign_in(world.client, "maja")
    before = world.wiki.position()
    response = world.client.post("/nytt-exempel", data={"title": "Utan token", "action": "save"})
    assert response.status_code == 400
    assert world.wiki.position() == before


def test_write_with_preview_then_save_edit_publish(world):
    token = sign_in(world.client, "maja")
    before = world.wiki.position()
    preview = world.client.post("/nytt-exempel", data=form(token, body="# Rubrik\n\n<script>x()</script>[[saknas]]",
                                                           action="preview"))
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Förhandsvisning" in text and '<h1 id="rubrik">Rubrik</h1>' in text
    assert "<script>x()" not in text
    assert 'class="wikilink missing"' in text
    assert world.wiki.position() == before, "a preview records nothing"

    saved = world.client.post("/nytt-exempel", data=form(token))
    assert saved.status_code == 302
    assert re.search(r"/exempel/samverkan-mot-vald-i-falun-[0-9a-f]{6}$", saved.location)
    draft = saved.location.rsplit("/", 1)[1]
    page = world.client.get(saved.location).get_data(as_text=True)
    assert "Exemplet sparades som utkast." in page and "Utkast" in page

    edited = world.client.post(f"/exempel/{draft}/redigera",
                               data=form(token, body="## Bakgrund\n\nNy text.", base_version="1", comment="Bättre"))
    assert edited.status_code == 302
    assert world.client.post(f"/exempel/{draft}/publicera", data={"csrf_token": token}).status_code == 403, \
        "a member sends for review; coordinators publish"
    sent = world.client.post(f"/exempel/{draft}/skicka-till-granskning", data={"csrf_token": token})
    assert sent.status_code == 302
    assert "Exemplet är skickat till granskning." in world.client.get(sent.location).get_data(as_text=True)
    coordinator = world.app.test_client()
    token = sign_in(coordinator, "eva")
    published = coordinator.post(f"/exempel/{draft}/publicera", data={"csrf_token": token})
    assert published.status_code == 302
    assert published.location.endswith("/exempel/samverkan-mot-vald-i-falun"), "the public slug from publication"
    assert world.client.get(f"/exempel/{draft}").location.endswith("/exempel/samverkan-mot-vald-i-falun")
    example = world.api("GET", "/examples/samverkan-mot-vald-i-falun").json
    assert example["version"] == 2 and example["status"] == "published" and "Ny text." in example["body"]


def test_invalid_form_keeps_what_was_typed(world):
    token = sign_in(world.client, "maja")
    before = world.wiki.position()
    response = world.client.post("/nytt-exempel", data=form(token, title="", body="Min långa text som inte får försvinna"))
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Titel: får inte vara tomt." in text, "the field by the label on the form, not its API name"
    assert "Min långa text som inte får försvinna" in text
    assert world.wiki.position() == before


def test_edit_conflict_page_shows_both_versions_and_keeps_input(world):
    slug = world.example("maja", title="Konfliktexempel", body="Rad ett\nRad två")
    world.api("PUT", f"/examples/{slug}", "eva", json={"base_version": 1, "body": "Rad ett\nSamordnarens rad"})
    token = sign_in(world.client, "maja")
    response = world.client.post(f"/exempel/{slug}/redigera",
                                 data=form(token, title="Konfliktexempel", body="Rad ett\nMajas rad", base_version="1"))
    text = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Redigeringskonflikt" in text
    assert "Samordnarens rad" in text and "Majas rad" in text
    assert 'name="base_version" value="2"' in text
    assert world.api("GET", f"/examples/{slug}", "maja").json["version"] == 2


def test_history_diff_and_revert_pages(world):
    slug = world.example("maja", title="Historikexempel", body="Första\n")
    world.api("PUT", f"/examples/{slug}", "maja", json={"base_version": 1, "body": "Andra\n", "comment": "Byte"})
    token = sign_in(world.client, "maja")
    history = world.client.get(f"/exempel/{slug}/historik").get_data(as_text=True)
    assert "Byte" in history and "Återställ version 1" in history
    diff = world.client.get(f"/exempel/{slug}/jamfor?from=1&to=2").get_data(as_text=True)
    assert "<del>Första</del>" in diff and "<ins>Andra</ins>" in diff
    reverted = world.client.post(f"/exempel/{slug}/aterstall", data={"csrf_token": token, "to_version": "1"})
    assert reverted.status_code == 302
    example = world.api("GET", f"/examples/{slug}", "maja").json
    assert example["version"] == 3 and example["body"] == "Första\n"


def test_member_of_other_organisation_cannot_open_edit_page(world):
    slug = world.example("maja", title="Falu exempel")
    slug = world.api("POST", f"/examples/{slug}/publish", "eva").json["slug"]
    sign_in(world.client, "olle")
    assert world.client.get(f"/exempel/{slug}/redigera").status_code == 403
    assert world.client.get(f"/exempel/{slug}").status_code == 200


def test_draft_page_is_hidden_from_anonymous(world):
    slug = world.example("maja", title="Dolt utkast")
    assert world.client.get(f"/exempel/{slug}").status_code == 404
    assert world.client.get(f"/exempel/{slug}/historik").status_code == 404


def test_bad_query_parameters_give_400_not_500(world):
    for url in ("/exempel?goal=nope", "/exempel?page=x", "/exempel?status=nope", "/exempel/x/jamfor?from=a&to=1"):
        assert world.client.get(url).status_code in (400, 404), url


def test_recent_changes_and_atom_feed(world):
    slug = world.example("maja", title="Flödesexempel & <test>")
    world.example("maja", title="Utkast som inte syns")
    slug = world.api("POST", f"/examples/{slug}/publish", "eva").json["slug"]
    world.api("PUT", f"/examples/{slug}", "maja", json={"base_version": 1, "summary": "Ny", "comment": "Sammanfattning"})

    changes = world.client.get("/andringar").get_data(as_text=True)
    assert "Flödesexempel" in changes and "/feeds/changes.atom" in changes
    assert "Utkast som inte syns" not in changes

    response = world.client.get("/feeds/changes.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    assert feed.find(f"{ATOM}id").text.startswith("urn:uuid:")
    assert feed.find(f"{ATOM}updated").text.endswith("Z")
    assert feed.find(f"{ATOM}link[@rel='self']").get("href").endswith("/feeds/changes.atom")
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == [
        "Flödesexempel & <test> ändrades (version 2)", "Flödesexempel & <test> publicerades (version 1)"]
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(set(ids)) == 2 and all(i.startswith("urn:uuid:") for i in ids)
    for entry in entries:
        assert entry.find(f"{ATOM}updated").text.endswith("Z")
        assert entry.find(f"{ATOM}link").get("href").endswith(f"/exempel/{slug}")
    assert [e.find(f"{ATOM}author/{ATOM}name").text for e in entries] == ["Falu kommun", "Länsgruppen"], \
        "the organisation, not the account"


@pytest.mark.parametrize("path", ["/", "/exempel", "/andringar", "/organisationer", "/logga-in"])
def test_main_pages_answer(world, path):
    response = world.client.get(path)
    assert response.status_code == 200
    assert "Länsgruppen" in response.get_data(as_text=True)


def test_membership_form_names_the_person_field_that_is_wrong(world):
    token = sign_in(world.client, "maja")
    response = world.client.post("/blankett", data={
        "csrf_token": token, "organisation": "falu-kommun", "action": "submit", "note": "Ny ersättare",
        "appoint-0-role": "substitute", "appoint-0-from": "2024-01-01", "appoint-0-name": "Anna Lindqvist",
        "appoint-0-email": "anna.lindqvist@example.se", "appoint-0-phone": "ring mig"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Utnämning 1, Telefon: ogiltigt telefonnummer." in page
    assert 'value="Anna Lindqvist"' in page and "ring mig" in page
    api = world.api("POST", "/membership-requests", "maja", json={
        "organisation": "falu-kommun", "changes": [{"action": "appoint", "role": "substitute", "from": "2024-01-01",
                                                      "person": {"name": "Anna", "email": "nej"}}]})
    assert api.status_code == 400 and api.json["error"]["field"] == "changes[0].person.email"
