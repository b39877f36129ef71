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


# --- The documents tell the truth --------------------------------------------------------------

ERROR_REF = "#/components/schemas/Error"
UUID_PATH_PARAMETERS = {"project_uuid", "user_uuid"}
# Every status the service itself can answer, per operation (500/503 on all but jwks).
EXPECTED_STATUSES = {
    ("users", "post", "/api/auth/register/"): {201, 400, 413, 415, 429, 500, 503},
    ("users", "post", "/api/auth/token/"): {200, 400, 401, 413, 415, 429, 500, 503},
    ("users", "post", "/api/auth/token/refresh/"): {200, 400, 401, 413, 415, 500, 503},
    ("users", "post", "/api/auth/logout/"): {204, 400, 401, 413, 415, 500, 503},
    ("users", "get", "/.well-known/jwks.json"): {200, 500},
    ("users", "get", "/api/users/me/"): {200, 401, 500, 503},
    ("users", "patch", "/api/users/me/"): {200, 400, 401, 413, 415, 500, 503},
    ("users", "delete", "/api/users/me/"): {204, 401, 500, 503},
    ("users", "get", "/api/users/{user_uuid}/"): {200, 401, 404, 500, 503},
    ("projects", "get", "/api/projects/"): {200, 400, 401, 404, 502, 500, 503},
    ("projects", "post", "/api/projects/"): {201, 400, 401, 413, 415, 500, 503},
    ("projects", "get", "/api/projects/{project_uuid}/"): {200, 401, 404, 502, 500, 503},
    ("projects", "put", "/api/projects/{project_uuid}/"): {
        200,
        400,
        401,
        403,
        404,
        413,
        415,
        500,
        503,
    },
    ("projects", "patch", "/api/projects/{project_uuid}/"): {
        200,
        400,
        401,
        403,
        404,
        413,
        415,
        500,
        503,
    },
    ("projects", "delete", "/api/projects/{project_uuid}/"): {204, 401, 403, 404, 500, 503},
    ("projects", "get", "/api/projects/{project_uuid}/members/"): {200, 401, 404, 502, 500, 503},
    ("projects", "post", "/api/projects/{project_uuid}/members/"): {
        201,
        400,
        401,
        403,
        404,
        409,
        413,
        415,
        502,
        500,
        503,
    },
    ("projects", "delete", "/api/projects/{project_uuid}/members/{user_uuid}/"): {
        204,
        400,
        401,
        403,
        404,
        500,
        503,
    },
}
HTTP_METHODS = {"get", "put", "patch", "post", "delete"}


def _document(client, service: str) -> dict:
    response = client.get(f"/api/schema/{service}/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return response.json()


def _operations(document: dict):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


@pytest.fixture(scope="module")
def documents() -> dict[str, dict]:
    from rest_framework.test import APIClient

    return {service: _document(APIClient(), service) for service in ("users", "projects")}


def test_every_operation_documents_exactly_the_statuses_it_can_answer(documents):
    documented = {
        (service, method, path): {int(status) for status in operation["responses"]}
        for service, document in documents.items()
        for path, method, operation in _operations(document)
    }
    assert documented == EXPECTED_STATUSES


def test_every_error_status_is_the_error_envelope(documents):
    for document in documents.values():
        for path, method, operation in _operations(document):
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": ERROR_REF}, (method, path, status)
                    assert response["description"], (method, path, status)


def test_the_envelope_and_its_codes_are_components(documents):
    from shared.kit.errors import ErrorCode

    for document in documents.values():
        schemas = document["components"]["schemas"]
        assert schemas["Error"]["required"] == ["error"]
        detail = schemas["Error"]["properties"]["error"]["$ref"].rsplit("/", 1)[1]
        body = schemas[detail]
        assert set(body["required"]) == {"code", "message", "details", "request_id"}
        assert body["properties"]["code"] == {"$ref": "#/components/schemas/ErrorCode"}
        assert body["properties"]["details"]["type"] == "object"
        assert schemas["ErrorCode"]["enum"] == [code.value for code in ErrorCode]


def test_uuids_are_documented_as_uuids(documents):
    seen = set()
    for document in documents.values():
        for path, method, operation in _operations(document):
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    assert parameter["name"] in UUID_PATH_PARAMETERS, (method, path)
                    assert parameter["schema"] == {"type": "string", "format": "uuid"}
                    seen.add(parameter["name"])
        for name, component in document["components"]["schemas"].items():
            for field, schema in component.get("properties", {}).items():
                if field == "uuid" or field.endswith("_uuid"):
                    assert schema.get("format") == "uuid", (name, field)
    assert seen == UUID_PATH_PARAMETERS


def test_the_project_list_is_the_paginated_envelope(documents):
    operation = documents["projects"]["paths"]["/api/projects/"]["get"]
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/PaginatedProjectList"}
    page = documents["projects"]["components"]["schemas"]["PaginatedProjectList"]
    assert set(page["required"]) == {"count", "next", "previous", "results"}
    assert page["properties"]["results"] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/Project"},
    }
    assert page["properties"]["next"]["nullable"] is True
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["page"]["schema"] == {"type": "integer", "minimum": 1, "default": 1}
    assert parameters["page_size"]["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 100,
        "default": 20,
    }


def test_list_filters_are_documented_with_their_values(documents):
    operation = documents["projects"]["paths"]["/api/projects/"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    orderings = {"created_at", "due_date", "priority", "name"}
    assert set(parameters["ordering"]["schema"]["enum"]) == orderings | {
        f"-{key}" for key in orderings
    }
    assert "ignored" in parameters["ordering"]["description"]
    assert set(parameters["status"]["schema"]["enum"]) == {
        "draft",
        "active",
        "completed",
        "archived",
    }
    assert parameters["priority"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 4}
    assert {"expand", "search", "page", "page_size"} <= set(parameters)


@pytest.mark.parametrize(
    "path",
    ["/api/projects/", "/api/projects/{project_uuid}/", "/api/projects/{project_uuid}/members/"],
)
def test_degraded_reads_document_the_x_degraded_header(documents, path):
    headers = documents["projects"]["paths"][path]["get"]["responses"]["200"]["headers"]
    assert headers["X-Degraded"]["schema"] == {"type": "string", "enum": ["users"]}


def test_one_name_per_security_scheme_and_no_internal_auth(documents):
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    bearer = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    for document in documents.values():
        assert document["components"]["securitySchemes"] == {"jwtAuth": bearer}
        assert not any(path.startswith("/internal/") for path in document["paths"])
    # Both services in one document (e.g. `manage.py spectacular`): still one scheme, no clash.
    GENERATOR_STATS.reset()
    combined = SchemaGenerator(urlconf="config.urls").get_schema(request=None, public=True)
    assert not GENERATOR_STATS, dict(GENERATOR_STATS._warn_cache)
    assert combined["components"]["securitySchemes"] == {"jwtAuth": bearer}
    requirements = {
        tuple(sorted(key for requirement in operation["security"] for key in requirement))
        for _, _, operation in _operations(combined)
    }
    assert requirements == {(), ("jwtAuth",)}


def test_each_document_is_generated_without_warnings():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    for service in ("users", "projects"):
        GENERATOR_STATS.reset()
        SchemaGenerator(urlconf=f"services.{service}.api.urls").get_schema(public=True)
        assert not GENERATOR_STATS, (service, dict(GENERATOR_STATS._warn_cache))


# --- Real responses conform to the documents ---------------------------------------------------


def _conforms(documents, service: str, path: str, method: str, response) -> None:
    """Validates a Django test response against the documented schema of its status."""
    import requests
    import schemathesis

    schema = schemathesis.openapi.from_dict(documents[service])
    request = requests.Request(method.upper(), f"http://testserver{response.wsgi_request.path}")
    adapted = schemathesis.Response(
        status_code=response.status_code,
        headers={key.lower(): [value] for key, value in response.headers.items()},
        content=response.content,
        request=request.prepare(),
        elapsed=0.0,
        verify=True,
    )
    assert str(response.status_code) in documents[service]["paths"][path][method]["responses"]
    schema[path][method.upper()].validate_response(adapted)


@pytest.mark.django_db(databases=["users", "projects"])
def test_real_project_responses_match_the_documents(client, documents, register_and_login):
    owner_uuid, owner = register_and_login("owner@example.com", "Owner")
    _, member = register_and_login("member@example.com", "Member")
    _, stranger = register_and_login("stranger@example.com")
    created = client.post("/api/projects/", {"name": "Apollo"}, format="json", headers=owner)
    _conforms(documents, "projects", "/api/projects/", "post", created)
    project = f"/api/projects/{created.json()['uuid']}/"
    detail = "/api/projects/{project_uuid}/"
    members = "/api/projects/{project_uuid}/members/"
    checks = [
        ("/api/projects/", "get", client.get("/api/projects/?expand=owner", headers=owner)),
        ("/api/projects/", "get", client.get("/api/projects/?page=last", headers=owner)),
        ("/api/projects/", "get", client.get("/api/projects/?priority=9", headers=owner)),
        ("/api/projects/", "get", client.get("/api/projects/")),
        ("/api/projects/", "post", client.post("/api/projects/", {}, headers=owner)),
        (
            "/api/projects/",
            "post",
            client.post("/api/projects/", "x", content_type="text/plain", headers=owner),
        ),
        (
            "/api/projects/",
            "post",
            client.post("/api/projects/", "{", content_type="application/json", headers=owner),
        ),
        (detail, "get", client.get(f"{project}?expand=owner", headers=owner)),
        (detail, "get", client.get(project, headers=stranger)),
        (detail, "get", client.get("/api/projects/not-a-uuid/", headers=owner)),
        (
            members,
            "post",
            client.post(f"{project}members/", {"email": "member@example.com"}, headers=owner),
        ),
        (
            members,
            "post",
            client.post(f"{project}members/", {"email": "member@example.com"}, headers=owner),
        ),
        (members, "get", client.get(f"{project}members/", headers=member)),
        (detail, "patch", client.patch(project, {"name": "X"}, format="json", headers=member)),
        (
            "/api/projects/{project_uuid}/members/{user_uuid}/",
            "delete",
            client.delete(f"{project}members/{owner_uuid}/", headers=owner),
        ),
        (detail, "delete", client.delete(project, headers=owner)),
    ]
    for path, method, response in checks:
        _conforms(documents, "projects", path, method, response)
    assert [response.status_code for _, _, response in checks] == [
        200, 404, 400, 401, 400, 415, 400, 200, 404, 404, 201, 409, 200, 403, 400, 204
    ]  # fmt: skip


@pytest.mark.django_db(databases=["users", "projects"])
def test_degraded_responses_match_the_documents(client, documents, register_and_login):
    from shared.core.clients import clients
    from users_contracts.v1.fake import FakeUsersClient

    _, owner = register_and_login("owner@example.com", "Owner")
    created = client.post("/api/projects/", {"name": "Apollo"}, format="json", headers=owner)
    project = f"/api/projects/{created.json()['uuid']}/"
    users_down = FakeUsersClient()
    users_down.unavailable = True
    with clients.override("users", users_down):
        checks = [
            ("/api/projects/", "get", client.get("/api/projects/?expand=owner", headers=owner)),
            (
                "/api/projects/{project_uuid}/",
                "get",
                client.get(f"{project}?expand=owner", headers=owner),
            ),
            (
                "/api/projects/{project_uuid}/members/",
                "get",
                client.get(f"{project}members/", headers=owner),
            ),
        ]
        added = client.post(f"{project}members/", {"email": "a@example.com"}, headers=owner)
    for path, method, response in checks:
        assert response.status_code == 200
        assert response["X-Degraded"] == "users"
        _conforms(documents, "projects", path, method, response)
    assert added.status_code == 503
    _conforms(documents, "projects", "/api/projects/{project_uuid}/members/", "post", added)


@pytest.mark.django_db(databases=["users", "projects"])
def test_real_users_responses_match_the_documents(client, documents):
    body = {"email": "ada@example.com", "password": "correct-horse-battery-9"}
    registered = client.post("/api/auth/register/", body, format="json")
    tokens = client.post("/api/auth/token/", body, format="json")
    bearer = {"Authorization": f"Bearer {tokens.json()['access']}"}
    user = f"/api/users/{registered.json()['uuid']}/"
    checks = [
        ("/api/auth/register/", "post", registered),
        ("/api/auth/register/", "post", client.post("/api/auth/register/", body, format="json")),
        ("/api/auth/token/", "post", tokens),
        (
            "/api/auth/token/",
            "post",
            client.post("/api/auth/token/", {**body, "password": "nope"}, format="json"),
        ),
        (
            "/api/auth/token/refresh/",
            "post",
            client.post("/api/auth/token/refresh/", {"refresh": "x"}, format="json"),
        ),
        (
            "/api/auth/token/refresh/",
            "post",
            client.post(
                "/api/auth/token/refresh/", {"refresh": tokens.json()["refresh"]}, format="json"
            ),
        ),
        ("/.well-known/jwks.json", "get", client.get("/.well-known/jwks.json")),
        ("/api/users/me/", "get", client.get("/api/users/me/", headers=bearer)),
        (
            "/api/users/me/",
            "get",
            client.get("/api/users/me/", headers={"Authorization": "Bearer x"}),
        ),
        (
            "/api/users/me/",
            "patch",
            client.patch("/api/users/me/", {"display_name": " "}, format="json", headers=bearer),
        ),
        ("/api/users/{user_uuid}/", "get", client.get(user, headers=bearer)),
        ("/api/users/{user_uuid}/", "get", client.get("/api/users/nope/", headers=bearer)),
        (
            "/api/auth/logout/",
            "post",
            client.post("/api/auth/logout/", {"refresh": "x"}, format="json", headers=bearer),
        ),
        ("/api/users/me/", "delete", client.delete("/api/users/me/", headers=bearer)),
    ]
    for path, method, response in checks:
        _conforms(documents, "users", path, method, response)
    assert [response.status_code for _, _, response in checks] == [
        201, 400, 200, 401, 401, 200, 200, 200, 401, 400, 200, 404, 400, 204
    ]  # fmt: skip
