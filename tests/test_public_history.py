"""What readers who could not read the draft see of an example's past (issue 20, items 1, 4 and 6).

The public history starts at publication: versions made before it, and between an archive
and a re-publish, are read only by those who could read the draft. Anonymous readers see
the acting organisation, not the account. Partners edit, but only the owner's members and
the coordinator change owners and partners, publish, or bring an archived example back.
"""

import xml.etree.ElementTree as ET

import pytest

from test_pages import sign_in

ATOM = "{http://www.w3.org/2005/Atom}"
SECRET = "Offret heter Anna Repro, 850101-1234."


def edit(world, slug, username, base, **fields):
    response = world.api("PUT", f"/examples/{slug}", username, json={"base_version": base, **fields})
    assert response.status_code == 200, response.json
    return response.json


@pytest.fixture
def published(world):
    """Version 1 named a victim; the author removed it in version 2; the coordinator published 2,
    and Maja edited it once more in public (version 3)."""
    draft = world.example("maja", title="Stöd i akuta lägen", body=f"Bakgrund. {SECRET}",
                          comment="Första utkastet med Anna Repro")
    edit(world, draft, "maja", 1, body="Bakgrund utan namn.", comment="Tog bort Anna Repro")
    world.slug = world.api("POST", f"/examples/{draft}/publish", "eva").json["slug"]
    edit(world, world.slug, "maja", 2, summary="Efter publiceringen.", comment="Offentlig ändring")
    return world


def leaks(text: str) -> bool:
    return "Anna Repro" in text or "850101" in text


@pytest.mark.parametrize("reader", [None, "olle"])
def test_versions_before_publication_are_not_public(published, reader):
    w, slug = published, published.slug
    assert w.api("GET", f"/examples/{slug}?version=1", reader).status_code == 404
    assert w.api("GET", f"/examples/{slug}?version=2", reader).status_code == 200, "the published version"
    assert w.api("GET", f"/examples/{slug}?version=3", reader).status_code == 200
    assert w.api("GET", f"/examples/{slug}/diff?from=1&to=2", reader).status_code == 404
    assert w.api("GET", f"/examples/{slug}/diff?from=2&to=3", reader).status_code == 200
    history = w.api("GET", f"/examples/{slug}/history", reader)
    assert [(i["change"], i["version"]) for i in history.json["items"]] == [("edited", 3), ("published", 2)]
    assert not leaks(history.get_data(as_text=True))

    if reader:
        sign_in(w.client, reader)
    for path in (f"/exempel/{slug}?version=1", f"/exempel/{slug}/jamfor?from=1&to=2"):
        assert w.client.get(path).status_code == 404, path
    for path in (f"/exempel/{slug}/historik", "/andringar", f"/exempel/{slug}/jamfor?from=2&to=3",
                 f"/exempel/{slug}?version=2"):
        response = w.client.get(path)
        assert response.status_code == 200, path
        assert not leaks(response.get_data(as_text=True)), path
    history_page = w.client.get(f"/exempel/{slug}/historik").get_data(as_text=True)
    assert "Offentlig ändring" in history_page and "Första utkastet" not in history_page
    assert not leaks(w.client.get("/feeds/changes.atom").get_data(as_text=True))


@pytest.mark.parametrize("reader", ["maja", "eva", "gun"])
def test_those_who_could_read_the_draft_see_all_of_it(published, reader):
    w, slug = published, published.slug
    body = w.api("GET", f"/examples/{slug}?version=1", reader).json["body"]
    assert SECRET in body
    assert w.api("GET", f"/examples/{slug}/diff?from=1&to=2", reader).status_code == 200
    changes = [i["change"] for i in w.api("GET", f"/examples/{slug}/history", reader).json["items"]]
    assert changes == ["edited", "published", "edited", "created"]


def test_versions_made_while_archived_are_not_public(published):
    w, slug = published, published.slug
    w.api("POST", f"/examples/{slug}/archive", "eva")
    edit(w, slug, "maja", 3, body=f"Ny text. {SECRET}")
    edit(w, slug, "maja", 4, body="Ny text.")
    assert w.api("POST", f"/examples/{slug}/publish", "eva").status_code == 200
    assert w.api("GET", f"/examples/{slug}?version=4").status_code == 404
    assert w.api("GET", f"/examples/{slug}?version=5").status_code == 200
    assert w.api("GET", f"/examples/{slug}?version=3").status_code == 200, "public once, public still"
    history = w.api("GET", f"/examples/{slug}/history").json["items"]
    assert [(i["change"], i["version"]) for i in history] == [
        ("published", 5), ("archived", 3), ("edited", 3), ("published", 2)]
    assert not leaks(w.client.get("/andringar").get_data(as_text=True))


def test_anonymous_readers_see_the_organisation_not_the_account(published):
    w, slug = published, published.slug
    history = w.api("GET", f"/examples/{slug}/history").json["items"]
    assert [i["by"] for i in history] == ["Falu kommun", "Länsgruppen"], "maja's organisation; eva has none"
    example = w.api("GET", f"/examples/{slug}").json
    assert example["updated_by"] == "Falu kommun" and example["created_by"] == "Falu kommun"
    listed = w.api("GET", "/examples").json["items"][0]
    assert listed["updated_by"] == "Falu kommun"
    for path in ("/andringar", f"/exempel/{slug}/historik", f"/exempel/{slug}", "/exempel", "/feeds/changes.atom"):
        text = w.client.get(path).get_data(as_text=True)
        assert "maja" not in text and ">eva<" not in text, path
    authors = {e.text for e in ET.fromstring(w.client.get("/feeds/changes.atom").data).iter(f"{ATOM}name")}
    assert "maja" not in authors and "Falu kommun" in authors
    signed_in = w.api("GET", f"/examples/{slug}/history", "olle").json["items"]
    assert [i["by"] for i in signed_in] == ["maja", "eva"], "members of the group see the account"


# ---- rights: partners, owners, archive ------------------------------------------------------

@pytest.fixture
def partnered(world):
    world.slug = world.example("maja", title="Gemensamt arbete", organisations=["falu-kommun", "mora-kommun"])
    return world


def test_a_partner_edits_but_cannot_take_the_example_over(partnered):
    w, slug = partnered, partnered.slug
    w.token("olle")
    before = w.wiki.position()
    for organisations in (["mora-kommun"], ["mora-kommun", "falu-kommun"], ["falu-kommun"],
                          ["falu-kommun", "mora-kommun", "lansstyrelsen"]):
        response = w.api("PUT", f"/examples/{slug}", "olle", json={"base_version": 1, "organisations": organisations})
        assert response.status_code in (400, 403), organisations
    assert w.api("POST", f"/examples/{slug}/publish", "olle").status_code == 403
    assert w.wiki.position() == before, "nothing recorded"
    assert w.api("GET", f"/examples/{slug}", "maja").json["organisations"] == ["falu-kommun", "mora-kommun"]
    edit(w, slug, "olle", 1, summary="Partnern skriver också.")
    assert w.api("GET", f"/examples/{slug}", "maja").json["summary"] == "Partnern skriver också."


def test_a_partner_cannot_revert_to_a_version_with_other_organisations(partnered):
    w, slug = partnered, partnered.slug
    orsa = w.organisation("Orsa kommun", "kommun", "Orsa")
    edit(w, slug, "maja", 1, organisations=["falu-kommun", "mora-kommun", orsa])
    edit(w, slug, "maja", 2, summary="Ändrad")
    assert w.api("POST", f"/examples/{slug}/revert", "olle", json={"to_version": 1}).status_code == 403
    assert w.api("POST", f"/examples/{slug}/revert", "olle", json={"to_version": 2}).status_code == 200, \
        "a revert that keeps the organisations is a partner's to make"
    assert w.api("POST", f"/examples/{slug}/revert", "maja", json={"to_version": 1}).status_code == 200


def test_the_owner_changes_partners_and_publishes(partnered):
    w, slug = partnered, partnered.slug
    edit(w, slug, "maja", 1, organisations=["falu-kommun"])
    assert w.api("GET", f"/examples/{slug}", "olle").status_code == 404, "no longer a partner: a draft is hidden"
    assert w.api("POST", f"/examples/{slug}/publish", "eva").status_code == 200


def test_only_coordinators_bring_an_archived_example_back(world):
    slug = world.example("maja", title="Arkiverat")
    slug = world.api("POST", f"/examples/{slug}/publish", "eva").json["slug"]
    assert world.api("POST", f"/examples/{slug}/archive", "eva").status_code == 200
    before = world.wiki.position()
    assert world.api("POST", f"/examples/{slug}/publish", "maja").status_code == 403
    assert world.wiki.position() == before
    assert world.api("GET", f"/examples/{slug}").status_code == 404
    assert world.api("POST", f"/examples/{slug}/publish", "eva").status_code == 200
    assert world.api("GET", f"/examples/{slug}").status_code == 200
