"""Public URL patterns of the projects service (full paths: the gateway routes on them)."""

from django.urls import path

from services.projects.api.views import ProjectMemberViewSet, ProjectViewSet

project_list = ProjectViewSet.as_view({"get": "list", "post": "create"})
project_detail = ProjectViewSet.as_view(
    {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
)
member_list = ProjectMemberViewSet.as_view({"get": "list", "post": "create"})
member_detail = ProjectMemberViewSet.as_view({"delete": "destroy"})

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
