def test_health(world):
    response = world.api("GET", "/health")
    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.json["position"] >= 7
