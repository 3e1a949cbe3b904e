from tests.conftest import USING_POSTGRES


def test_health_reports_database_kind(client):
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "postgresql" if USING_POSTGRES else "sqlite"}


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
