"""The PWA files at the site root, and the shell for app routes."""


def test_root_serves_the_shell_uncached(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"
    assert "Content-Security-Policy" in response.headers


def test_app_route_serves_the_shell(client):
    assert '<html lang="zh-CN"' in client.get("/people/12").text


def test_checkin_link_serves_the_shell(client):
    assert client.get("/c/5", params={"t": "12345678"}).headers["content-type"].startswith("text/html")


def test_manifest_has_its_media_type(client):
    response = client.get("/manifest.webmanifest")
    assert response.headers["content-type"].startswith("application/manifest+json")
    assert response.json()["short_name"] == "继教"


def test_service_worker_is_javascript_and_uncached(client):
    response = client.get("/sw.js")
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == "no-cache"


def test_missing_asset_is_404_not_the_shell(client):
    assert client.get("/js/nope.js").status_code == 404


def test_build_scripts_are_not_served(client):
    assert client.get("/icons/make_icons.py").status_code == 404


def test_path_traversal_is_refused(client):
    assert client.get("/..%2f..%2fpyproject.toml").status_code == 404
