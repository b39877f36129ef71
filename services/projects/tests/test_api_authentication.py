"""Projects refuses the unexpired tokens of accounts users deleted, without asking users."""

import pytest

from services.projects.services.accounts import forget_user
from services.projects.tests.helpers import assert_error, projects_db

pytestmark = projects_db


@pytest.mark.parametrize("path", ["/api/projects/", "/api/projects/{uuid}/members/"])
def test_a_deleted_accounts_token_is_refused(as_user, project, owner, users_fake, path):
    api = as_user(owner)
    forget_user(user_uuid=owner.uuid)
    users_fake.calls.clear()

    response = api.get(path.format(uuid=project.uuid))

    assert_error(response, 401, "authentication_failed")
    assert users_fake.calls == []


def test_other_accounts_tokens_still_work(as_user, project, owner, member):
    forget_user(user_uuid=member.uuid)

    assert as_user(owner).get("/api/projects/").status_code == 200
