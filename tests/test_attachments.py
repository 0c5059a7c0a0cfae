"""Attachments through the API: upload, list, download with Range, rights by role, search inside
the files, removal, destruction (with a byte scan of the data folder), on the tests' store."""

import io
from pathlib import Path

import pytest
from PIL import Image

import file_samples as samples
from data_scan import data_files
from stores import POSTGRES


def upload(w, slug, username, data: bytes, name: str):
    return w.api("POST", f"/examples/{slug}/attachments", username,
                 data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def indexed(w):
    w.services.follower.catch_up()


def search(w, username=None, **params):
    response = w.api("GET", "/search", username, query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.fixture
def draft(world):
    return world.example("maja", title="Samverkan kring skyddat boende")


def test_upload_list_download(world, draft):
    pdf = samples.pdf_with_text("Utvärderingen visar kvinnojoursamverkan fungerar", author="Test Författare")
    response = upload(world, draft, "maja", pdf, "rapport.pdf")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert set(body) == {"id", "sha256", "name", "type", "size", "position"}
    assert body["type"] == "application/pdf" and body["name"] == "rapport.pdf" and body["size"] == len(pdf)
    import hashlib
    assert body["sha256"] == hashlib.sha256(pdf).hexdigest()

    listed = world.api("GET", f"/examples/{draft}/attachments", "maja").get_json()["items"]
    assert [a["id"] for a in listed] == [body["id"]]

    got = world.api("GET", f"/attachments/{body['id']}", "maja")
    assert got.status_code == 200 and got.data == pdf
    assert got.headers["Content-Type"] == "application/pdf"
    assert got.headers["Content-Disposition"].startswith("attachment;")
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in got.headers["Content-Security-Policy"]

    ranged = world.api("GET", f"/attachments/{body['id']}", "maja", headers={"Range": "bytes=10-99"})
    assert ranged.status_code == 206 and ranged.data == pdf[10:100]

    again = upload(world, draft, "maja", pdf, "rapport-igen.pdf")
    assert again.status_code == 200 and again.get_json()["id"] == body["id"]


def test_rights_by_role_and_by_sha(world, draft):
    body = upload(world, draft, "maja", samples.pdf_with_text("hemligt utkast"), "utkast.pdf").get_json()
    for who, status in ((None, 404), ("olle", 404), ("maja", 200), ("eva", 200), ("gun", 200), ("adam", 200)):
        assert world.api("GET", f"/attachments/{body['id']}", who).status_code == status, who
        assert world.api("GET", f"/attachments/{body['sha256']}", who).status_code == status, who
    assert upload(world, draft, "olle", samples.pdf_with_text("x"), "x.pdf").status_code == 404
    assert upload(world, draft, "gun", samples.pdf_with_text("x"), "x.pdf").status_code in (403, 404)
    assert upload(world, draft, None, samples.pdf_with_text("x"), "x.pdf").status_code == 401
    assert world.api("DELETE", f"/examples/{draft}/attachments/{body['id']}", "olle").status_code == 404

    indexed(world)
    assert world.api("POST", f"/examples/{draft}/publish", "eva", json={}).status_code == 200
    assert world.api("GET", f"/attachments/{body['id']}").status_code == 200
    assert world.api("GET", f"/attachments/{body['sha256']}").status_code == 200


@pytest.mark.parametrize("data, name, code", [
    (samples.html_as_pdf(), "rapport.pdf", "unsupported_type"),
    (b"", "tom.pdf", "empty_file"),
    (samples.png_bytes(), "bild.pdf", "type_mismatch"),
    (b"#!/bin/sh\nrm -rf /\n", "skript.docx", "unsupported_type"),
])
def test_hostile_uploads_are_refused(world, draft, data, name, code):
    response = upload(world, draft, "maja", data, name)
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["error"]["code"] == code
    assert world.api("GET", f"/examples/{draft}/attachments", "maja").get_json()["items"] == []


def test_size_limit(tmp_path):
    from stores import make_app
    from conftest import World
    app = make_app({"DATA_DIR": str(tmp_path / "data"), "TESTING": True, "ATTACHMENT_MAX_MB": "0.5"})
    try:
        w = World(app)
        org = w.organisation()
        w.account("maja", "member", org)
        slug = w.example("maja")
        limit = 512 * 1024
        base = samples.pdf_with_text("storlek")
        exact = base + b"%" * (limit - len(base))
        assert upload(w, slug, "maja", exact, "precis.pdf").status_code == 201
        over = upload(w, slug, "maja", exact + b"%", "over.pdf")
        assert over.status_code == 413 and over.get_json()["error"]["code"] == "too_large"
        assert len(w.api("GET", f"/examples/{slug}/attachments", "maja").get_json()["items"]) == 1
    finally:
        app.extensions["lansgrupp"].close()


def test_words_inside_pdf_and_docx_are_found_with_the_drafts_rights(world, draft):
    upload(world, draft, "maja", samples.pdf_with_text("Fjällbjörksmetoden gav resultat"), "rapport.pdf")
    upload(world, draft, "maja", samples.docx_with_text("Trygghetsvandringen i Orsa"), "rutin.docx")
    indexed(world)
    found = search(world, "maja", q="fjällbjörksmetoden")
    assert found["total"] == 1
    hit = found["hits"][0]
    assert hit["slug"] == draft and hit["attachment"]["name"] == "rapport.pdf"
    assert "<mark>" in hit["snippet"]
    assert search(world, "maja", q="trygghetsvandringen")["hits"][0]["attachment"]["name"] == "rutin.docx"
    assert search(world, None, q="fjällbjörksmetoden")["total"] == 0
    assert search(world, "olle", q="fjällbjörksmetoden")["total"] == 0


def test_publishing_checks_the_attachments_text(world, draft):
    upload(world, draft, "maja", samples.pdf_with_text("Kontakta henne på 070-123 45 67 eller 19121212-1212"),
           "kontakt.pdf")
    indexed(world)
    response = world.api("POST", f"/examples/{draft}/publish", "eva", json={})
    assert response.status_code == 422, response.get_json()
    findings = response.get_json()["error"]["findings"]
    assert {(f["field"], f["kind"]) for f in findings} >= {("attachment:kontakt.pdf", "personnummer"),
                                                            ("attachment:kontakt.pdf", "phone")}
    page = world.browser("maja").get(f"/exempel/{draft}").get_data(as_text=True)
    assert "personnummer i bilagan kontakt.pdf" in page  # the editor sees it before sending for review


def test_exif_is_stripped_and_thumbnail_served(world, draft):
    jpeg = samples.jpeg_with_exif(gps=True, owner="Kamera Ägarsson")
    body = upload(world, draft, "maja", jpeg, "foto.jpg").get_json()
    assert body["type"] == "image/jpeg"
    got = world.api("GET", f"/attachments/{body['id']}", "maja")
    assert got.headers["Content-Disposition"].startswith("inline;")
    assert b"Kamera" not in got.data and b"GPS" not in got.data
    image = Image.open(io.BytesIO(got.data))
    assert not image.getexif()
    page = world.browser("maja").get(f"/bilagor/{body['id']}/miniatyr")
    assert page.status_code == 200 and page.mimetype == "image/jpeg"
    assert max(Image.open(io.BytesIO(page.data)).size) <= 320


def test_removal_keeps_older_versions_listing(world, draft):
    body = upload(world, draft, "maja", samples.pdf_with_text("version"), "v.pdf").get_json()
    edit = world.api("PUT", f"/examples/{draft}", "maja", json={"summary": "Ny sammanfattning.", "base_version": 1})
    assert edit.status_code == 200
    removed = world.api("DELETE", f"/examples/{draft}/attachments/{body['id']}", "maja")
    assert removed.status_code == 200, removed.get_json()
    assert world.api("GET", f"/examples/{draft}/attachments", "maja").get_json()["items"] == []
    history = world.api("GET", f"/examples/{draft}/history", "maja").get_json()
    changes = [item["change"] for item in history["items"]]
    assert "attachment_added" in changes and "attachment_removed" in changes
    pages = world.services.pages
    example_id = pages.example_row(draft)["id"]
    from events.permissions import Actor
    maja = Actor("maja", "member", world.falun)
    assert [a["id"] for a in pages.attachments(maja, example_id, version=1)] == [body["id"]]
    assert world.api("GET", f"/attachments/{body['id']}", "maja").status_code == 200


def _scan(folder: Path, needles: list[bytes]) -> list[str]:
    return [f"{path}: {needle!r}" for path, data in data_files(folder) for needle in needles if needle in data]


def test_destroy_removes_bytes_text_and_name(world, draft, app):
    secret_word = "Zyxwvutsrqmetoden"
    pdf = samples.pdf_with_text(f"{secret_word} beskriver Anna Andersson")
    body = upload(world, draft, "maja", pdf, "Anna-Andersson-utredning.pdf").get_json()
    other = world.example("maja", title="Ett annat exempel")
    upload(world, other, "maja", pdf, "kopia.pdf")
    indexed(world)
    assert search(world, "adam", q=secret_word.lower())["total"] == 2

    assert world.api("POST", f"/attachments/{body['id']}/destroy", "eva", json={"reason": "Identifierar"}
                     ).status_code == 403
    assert world.api("POST", f"/attachments/{body['id']}/destroy", "adam", json={}).status_code == 400
    response = world.api("POST", f"/attachments/{body['id']}/destroy", "adam", json={"reason": "Identifierar en kvinna"})
    assert response.status_code == 200, response.get_json()
    indexed(world)
    world.services.catch_up()

    assert world.api("GET", f"/attachments/{body['id']}", "adam").status_code == 404
    assert search(world, "adam", q=secret_word.lower())["total"] == 0
    listed = world.api("GET", f"/examples/{other}/attachments", "adam").get_json()["items"]
    assert listed[0]["destroyed"] and listed[0]["name"] == ""
    history = world.api("GET", f"/examples/{draft}/history", "adam").get_json()["items"]
    destroyed = [h for h in history if h["change"] == "attachment_destroyed"]
    assert destroyed and destroyed[0]["by"] == "adam" and destroyed[0]["comment"] == "Identifierar en kvinna"
    assert all("Anna-Andersson" not in (h["comment"] or "") for h in history)
    assert upload(world, draft, "maja", pdf, "igen.pdf").status_code == 400

    data_dir = Path(app.config["DATA_DIR"])
    leftovers = _scan(data_dir, [pdf[:200], secret_word.encode(), secret_word.lower().encode(),
                                 b"Anna-Andersson-utredning"])
    assert leftovers == []
    assert world.services.wiki.blobs.shas() == []
    audit = world.services.audit
    assert audit.verify()["ok"] if isinstance(audit.verify(), dict) else audit.verify()


@pytest.mark.skipif(not POSTGRES, reason="the shared store: PostgreSQL only")
def test_two_nodes_share_the_files(world, draft, tmp_path, app):
    from stores import make_app
    body = upload(world, draft, "maja", samples.pdf_with_text("delad fil"), "delad.pdf").get_json()
    other = make_app({"DATA_DIR": str(tmp_path / "node2"), "TESTING": True,
                      "EVENT_STORE": app.config["EVENT_STORE"]})
    try:
        client = other.test_client()
        token = world.token("maja")
        got = client.get(f"/api/v1/attachments/{body['id']}", headers={"Authorization": f"Bearer {token}"})
        assert got.status_code == 200 and got.data == samples.pdf_with_text("delad fil")
        assert not (tmp_path / "node2" / "blobs").exists() or not any((tmp_path / "node2" / "blobs").rglob("*"))
    finally:
        other.extensions["lansgrupp"].close()


def test_hostile_files_are_marked_unreadable_and_never_stop_the_follower(world, draft):
    bomb = upload(world, draft, "maja", samples.zip_bomb_docx(), "rapport.docx")
    loop = upload(world, draft, "maja", samples.looping_pdf(), "loop.pdf")
    assert bomb.status_code == 201 and loop.status_code == 201, (bomb.get_json(), loop.get_json())
    upload(world, draft, "maja", samples.pdf_with_text("Efterföljarmetoden fungerar"), "bra.pdf")
    indexed(world)
    assert world.services.index.position() == world.wiki.position()
    assert search(world, "maja", q="efterföljarmetoden")["total"] == 1
    wiki = world.wiki
    assert wiki.file_text(bomb.get_json()["sha256"]).status == "unreadable"
    page = world.browser("maja").get(f"/exempel/{draft}").get_data(as_text=True)
    assert "Texten kunde inte läsas och är inte kontrollerad." in page
    refused = world.api("POST", f"/examples/{draft}/publish", "eva", json={})
    assert refused.status_code == 422
    assert {f["kind"] for f in refused.get_json()["error"]["findings"]} == {"unreadable"}
    published = world.api("POST", f"/examples/{draft}/publish", "eva",
                          json={"override_reason": "Filerna är granskade för hand."})
    assert published.status_code == 200


def test_a_published_examples_new_file_is_checked_before_it_is_public(world, draft):
    indexed(world)
    slug = world.api("POST", f"/examples/{draft}/publish", "eva", json={}).get_json()["slug"]
    blocked = upload(world, slug, "maja", samples.pdf_with_text("Hon har personnummer 19121212-1212"), "p.pdf")
    assert blocked.status_code == 422, blocked.get_json()
    warned = upload(world, slug, "maja", samples.pdf_with_text("Ring 070-123 45 67"), "tel.pdf")
    assert warned.status_code == 422
    assert world.api("GET", f"/examples/{slug}/attachments").get_json()["items"] == []
    assert world.services.wiki.blobs.shas() == []
    assert upload(world, slug, "eva", samples.pdf_with_text("Ring 070-123 45 67"), "tel.pdf").status_code == 201
    assert upload(world, slug, "maja", samples.pdf_with_text("Utvärdering utan namn"), "ok.pdf").status_code == 201


def test_page_upload_list_and_remove(world, draft):
    browser = world.browser("maja")
    page = browser.get(f"/exempel/{draft}").get_data(as_text=True)
    import re
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = browser.post(f"/exempel/{draft}/bilagor", content_type="multipart/form-data",
                            data={"csrf_token": token, "file": (io.BytesIO(samples.png_bytes()), "affisch.png")})
    assert response.status_code == 302
    page = browser.get(f"/exempel/{draft}").get_data(as_text=True)
    assert "affisch.png" in page and "/miniatyr" in page and "PNG" in page
    refused = browser.post(f"/exempel/{draft}/bilagor", content_type="multipart/form-data",
                           data={"csrf_token": token, "file": (io.BytesIO(samples.html_as_pdf()), "x.pdf")},
                           follow_redirects=True)
    assert "tillåten typ" in refused.get_data(as_text=True)
    attachment = world.api("GET", f"/examples/{draft}/attachments", "maja").get_json()["items"][0]
    removed = browser.post(f"/exempel/{draft}/bilagor/{attachment['id']}/ta-bort", data={"csrf_token": token})
    assert removed.status_code == 302
    assert "affisch.png" not in browser.get(f"/exempel/{draft}").get_data(as_text=True)


def test_files_with_a_meetings_minutes_are_for_signed_in_readers(world):
    meeting = world.api("POST", "/meetings", "eva", json={
        "title": "Länsgruppsmöte", "kind": "lansgruppsmote", "date": "2024-02-29", "starts_at": "09:00",
        "ends_at": "15:00", "place": "Falun", "agenda": [{"title": "Spridning"}]}).get_json()["id"]
    path = f"/meetings/{meeting}/attachments"
    data = samples.docx_with_text("Bilagan till protokollet nämner spridningsplanen")
    assert world.api("POST", path, "maja", data={"file": (io.BytesIO(data), "bilaga.docx")},
                     content_type="multipart/form-data").status_code == 403
    response = world.api("POST", path, "eva", data={"file": (io.BytesIO(data), "bilaga.docx")},
                         content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert [a["id"] for a in world.api("GET", path, "maja").get_json()["items"]] == [body["id"]]
    assert world.api("GET", path).status_code == 401
    assert world.api("GET", f"/attachments/{body['id']}", "maja").data == data
    assert world.api("GET", f"/attachments/{body['id']}").status_code == 404
    indexed(world)
    hits = search(world, "maja", q="spridningsplanen")["hits"]
    assert [h["kind"] for h in hits] == ["meeting"] and hits[0]["attachment"]["name"] == "bilaga.docx"
    assert search(world, None, q="spridningsplanen")["total"] == 0
    page = world.browser("eva").get(f"/moten/{meeting}").get_data(as_text=True)
    assert "bilaga.docx" in page and 'action="/moten/' in page
    assert "bilaga.docx" in world.browser("maja").get(f"/moten/{meeting}").get_data(as_text=True)

    destroyed = world.api("POST", f"/attachments/{body['id']}/destroy", "adam", json={"reason": "Fel fil"})
    assert destroyed.status_code == 200
    indexed(world)
    assert search(world, "maja", q="spridningsplanen")["total"] == 0
    history = world.api("GET", f"/meetings/{meeting}/history", "eva").get_json()["items"]
    assert [h["change"] for h in history if h["change"].startswith("attachment")] == [
        "attachment_added", "attachment_destroyed"]
    assert all(h.get("name", "") == "" for h in history if h["change"] == "attachment_added")
    assert world.api("DELETE", f"{path}/{body['id']}", "eva").status_code == 200
