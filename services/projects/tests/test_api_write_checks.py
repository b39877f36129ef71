"""Who may write is decided before what is written: strangers get 404, members 403, any body."""

import pytest

from services.projects.tests.helpers import assert_error, projects_db

pytestmark = projects_db


@pytest.mark.parametrize("body", [{"priority": 9}, {"name": ""}, {}])
def test_a_stranger_gets_404_for_any_project_write_body(as_user, stranger, shared_project, body):
    response = as_user(stranger).patch(f"/api/projects/{shared_project.uuid}/", body, format="json")
    assert_error(response, 404, "not_found")


@pytest.mark.parametrize("body", [{"priority": 9}, {}])
def test_a_member_gets_403_for_any_project_write_body(as_user, member, shared_project, body):
    response = as_user(member).put(f"/api/projects/{shared_project.uuid}/", body, format="json")
    assert_error(response, 403, "permission_denied")


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [("stranger", 404, "not_found"), ("member", 403, "permission_denied")],
)
def test_adding_a_member_checks_the_caller_before_the_body(
    request, as_user, shared_project, who, status, code
):
    caller = request.getfixturevalue(who)
    response = as_user(caller).post(
        f"/api/projects/{shared_project.uuid}/members/", {}, format="json"
    )
    assert_error(response, status, code)


def test_page_last_is_not_a_page_number(as_user, owner, project):
    assert_error(as_user(owner).get("/api/projects/?page=last"), 404, "not_found")
