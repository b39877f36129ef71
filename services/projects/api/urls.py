"""Public URL patterns of the projects service (full paths: the gateway routes on them).

Every write honours an ``Idempotency-Key`` (ADR 20): sent again, it is answered from the
projects database without running again.
"""

from django.urls import path

from services.projects.api.views import ProjectMemberViewSet, ProjectViewSet
from services.projects.models import IdempotentRequest
from shared.core.idempotency.views import View, idempotent


def once(view: View) -> View:
    return idempotent(view, model=IdempotentRequest)


project_list = once(ProjectViewSet.as_view({"get": "list", "post": "create"}))
project_detail = once(
    ProjectViewSet.as_view(
        {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
    )
)
member_list = once(ProjectMemberViewSet.as_view({"get": "list", "post": "create"}))
member_detail = once(ProjectMemberViewSet.as_view({"delete": "destroy"}))

urlpatterns = [
    path("api/projects/", project_list, name="projects-list"),
    path("api/projects/<str:project_uuid>/", project_detail, name="projects-detail"),
    path("api/projects/<str:project_uuid>/members/", member_list, name="project-members"),
    path(
        "api/projects/<str:project_uuid>/members/<str:user_uuid>/",
        member_detail,
        name="project-member-detail",
    ),
]
