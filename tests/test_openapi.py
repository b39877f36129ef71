"""OpenAPI per service and the offline Swagger UI."""

import pytest
import yaml


@pytest.mark.parametrize(
    ("service", "own_path", "foreign_path"),
    [
        ("users", "/api/auth/register/", "/api/projects/"),
        ("projects", "/api/projects/", "/api/auth/register/"),
    ],
)
def test_each_service_documents_only_its_own_paths(client, service, own_path, foreign_path):
    response = client.get(f"/api/schema/{service}/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert own_path in document["paths"]
    assert foreign_path not in document["paths"]


def test_schema_is_yaml_unless_json_is_asked_for(client):
    response = client.get("/api/schema/projects/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    assert "/api/projects/" in yaml.safe_load(response.content)["paths"]


def test_swagger_ui_offers_both_documents_from_local_assets(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/api/schema/users/" in html
    assert "/api/schema/projects/" in html
    assert "cdn" not in html.lower()
    asset = "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"
    assert asset in html
    served = client.get(asset)
    assert served.status_code == 200
    assert b"".join(served.streaming_content)
