"""Anonymous readers' pages and API answers are kept per process at the read model's position
(wiki/page_cache.py): a new event shows at once, and nothing a signed-in reader, another language
or a token sees is ever served to someone else."""


def published(world, **fields) -> str:
    slug = world.example("maja", **fields)
    assert world.api("POST", f"/examples/{slug}/publish", "eva").status_code == 200
    return world.api("GET", "/examples?status=published", "eva").json["items"][0]["slug"]


def edit(world, slug, **fields):
    version = world.api("GET", f"/examples/{slug}", "eva").json["version"]
    response = world.api("PUT", f"/examples/{slug}", "eva", json={"base_version": version, **fields})
    assert response.status_code == 200, response.json


def test_an_anonymous_page_shows_every_new_event_at_once(world):
    slug = published(world, title="Trygg hemgång")
    anonymous = world.app.test_client()
    assert "Trygg hemgång" in anonymous.get(f"/exempel/{slug}").get_data(as_text=True)
    assert "Trygg hemgång" in anonymous.get(f"/exempel/{slug}").get_data(as_text=True)
    edit(world, slug, title="Trygg hemgång för alla")
    assert "Trygg hemgång för alla" in anonymous.get(f"/exempel/{slug}").get_data(as_text=True)
    listing = anonymous.get("/exempel").get_data(as_text=True)
    assert "Trygg hemgång för alla" in listing
    edit(world, slug, title="Trygg hemgång i länet")
    assert "Trygg hemgång i länet" in anonymous.get("/exempel").get_data(as_text=True)
    assert "Trygg hemgång i länet" in anonymous.get("/").get_data(as_text=True)


def test_what_a_signed_in_reader_sees_is_never_served_to_anyone_else(world):
    slug = published(world, title="Samtal i skolan")
    anonymous = world.app.test_client()
    before = anonymous.get(f"/exempel/{slug}").get_data(as_text=True)
    coordinator = world.browser("eva").get(f"/exempel/{slug}").get_data(as_text=True)
    assert "Logga ut" in coordinator and "Logga ut" not in before
    after = anonymous.get(f"/exempel/{slug}").get_data(as_text=True)
    assert after == before and "eva" not in after


def test_each_language_has_its_own_page(world):
    slug = published(world, title="Samtal i skolan")
    swedish, english = world.app.test_client(), world.app.test_client()
    english.set_cookie("lansgrupp_lang", "en")
    assert 'lang="sv"' in swedish.get(f"/exempel/{slug}").get_data(as_text=True)
    assert 'lang="en"' in english.get(f"/exempel/{slug}").get_data(as_text=True)
    assert 'lang="sv"' in swedish.get(f"/exempel/{slug}").get_data(as_text=True)


def test_an_anonymous_api_answer_follows_the_log_and_never_carries_a_token_s_view(world):
    slug = published(world, title="Öppet exempel")
    draft = world.example("maja", title="Utkast som bara Falun läser")
    anonymous = world.app.test_client()
    assert anonymous.get(f"/api/v1/examples/{draft}").status_code == 404
    assert world.api("GET", f"/examples/{draft}", "maja").status_code == 200
    assert anonymous.get(f"/api/v1/examples/{draft}").status_code == 404
    first = anonymous.get(f"/api/v1/examples/{slug}").get_json()
    assert first == anonymous.get(f"/api/v1/examples/{slug}").get_json()
    edit(world, slug, summary="Ny sammanfattning.")
    second = anonymous.get(f"/api/v1/examples/{slug}").get_json()
    assert second["summary"] == "Ny sammanfattning." and second["position"] > first["position"]
    assert second["version"] == first["version"] + 1
