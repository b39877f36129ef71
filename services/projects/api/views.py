"""Projects API views: validate input, call the service, render. No rules live here.

Bodies and queries are validated, responses rendered and both documented with the contract's
models (projects_contracts.v1): the shapes and limits are written there once.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from projects_contracts.v1.schemas import (
    MemberAddRequest,
    MemberResponse,
    ProjectCreateRequest,
    ProjectListRequest,
    ProjectReplaceRequest,
    ProjectResponse,
    ProjectUpdateRequest,
)
from services.projects.api import render
from services.projects.api import schema as doc
from services.projects.api.authentication import LiveSubjectAuthentication
from services.projects.services.memberships import add_member, list_members, remove_member
from services.projects.services.projects import create_project, delete_project, update_project
from services.projects.services.reads import (
    ProjectRows,
    ensure_owner,
    owners_of,
    project_row,
    row_of,
)
from shared.core.utils.contract_models import ContractRequest, validate_body, validate_query
from shared.core.utils.openapi import DocumentedPagination

DEGRADED_HEADER = doc.DEGRADED_HEADER


def wants_owner(request: Request) -> bool:
    values = request.query_params.getlist("expand")
    return "owner" in {part.strip() for value in values for part in value.split(",")}


class ProjectViewSet(viewsets.ViewSet):
    authentication_classes = [LiveSubjectAuthentication]
    lookup_field = "project_uuid"
    pagination_class = DocumentedPagination  # StandardPagination, described as it behaves

    @extend_schema(
        parameters=doc.list_query_parameters(),
        responses={200: ProjectResponse, **doc.LIST_ERRORS},
    )
    def list(self, request: Request) -> Response:
        query = validate_query(ProjectListRequest, request.query_params)
        projects = ProjectRows(actor_uuid=request.user.uuid, **query.model_dump(exclude_unset=True))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(projects, request, view=self) or []
        lookup = owners_of(projects=page) if wants_owner(request) else None
        body = render.projects_page(
            page,
            count=paginator.page.paginator.count,
            next=paginator.get_next_link(),
            previous=paginator.get_previous_link(),
            owners=lookup.owners if lookup else None,
        )
        return _degraded(Response(body), lookup is not None and lookup.degraded)

    @extend_schema(
        request=ContractRequest(ProjectCreateRequest),
        responses={201: ProjectResponse, **doc.CREATE_ERRORS},
    )
    def create(self, request: Request) -> Response:
        body = validate_body(ProjectCreateRequest, request.data)
        project = create_project(actor_uuid=request.user.uuid, **dict(body))
        return Response(render.project_json(row_of(project)), status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[doc.PROJECT_UUID, doc.EXPAND, doc.DEGRADED],
        responses={200: ProjectResponse, **doc.READ_ERRORS},
    )
    def retrieve(self, request: Request, project_uuid: str) -> Response:
        project = project_row(actor_uuid=request.user.uuid, project_uuid=project_uuid)
        if not wants_owner(request):
            return Response(render.project_json(project))
        lookup = owners_of(projects=[project])
        response = Response(render.project_json(project, owners=lookup.owners))
        return _degraded(response, lookup.degraded)

    @extend_schema(
        parameters=[doc.PROJECT_UUID],
        request=ContractRequest(ProjectReplaceRequest),
        responses={200: ProjectResponse, **doc.UPDATE_ERRORS},
    )
    def update(self, request: Request, project_uuid: str) -> Response:
        return self._update(request, project_uuid, ProjectReplaceRequest)

    @extend_schema(
        parameters=[doc.PROJECT_UUID],
        request=ContractRequest(ProjectUpdateRequest),
        responses={200: ProjectResponse, **doc.UPDATE_ERRORS},
    )
    def partial_update(self, request: Request, project_uuid: str) -> Response:
        return self._update(request, project_uuid, ProjectUpdateRequest)

    @extend_schema(parameters=[doc.PROJECT_UUID], responses={**doc.NO_CONTENT, **doc.DELETE_ERRORS})
    def destroy(self, request: Request, project_uuid: str) -> Response:
        delete_project(actor_uuid=request.user.uuid, project_uuid=project_uuid)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _update(
        self,
        request: Request,
        project_uuid: str,
        model: type[ProjectUpdateRequest],
    ) -> Response:
        # PUT requires a name; on both verbs omitted optional fields keep their values.
        ensure_owner(actor_uuid=request.user.uuid, project_uuid=project_uuid)
        body = validate_body(model, request.data)
        project = update_project(
            actor_uuid=request.user.uuid,
            project_uuid=project_uuid,
            **body.model_dump(exclude_unset=True),
        )
        return Response(render.project_json(row_of(project)))


class ProjectMemberViewSet(viewsets.ViewSet):
    authentication_classes = [LiveSubjectAuthentication]

    @extend_schema(
        parameters=[doc.PROJECT_UUID, doc.DEGRADED],
        responses={200: MemberResponse, **doc.MEMBERS_ERRORS},
    )
    def list(self, request: Request, project_uuid: str) -> Response:
        result = list_members(actor_uuid=request.user.uuid, project_uuid=project_uuid)
        return _degraded(Response(render.members_json(result.members)), result.degraded)

    @extend_schema(
        parameters=[doc.PROJECT_UUID],
        request=ContractRequest(MemberAddRequest),
        responses={201: MemberResponse, **doc.ADD_MEMBER_ERRORS},
    )
    def create(self, request: Request, project_uuid: str) -> Response:
        ensure_owner(actor_uuid=request.user.uuid, project_uuid=project_uuid)
        body = validate_body(MemberAddRequest, request.data)
        member = add_member(
            actor_uuid=request.user.uuid, project_uuid=project_uuid, email=body.email
        )
        return Response(render.member_json(member), status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[doc.PROJECT_UUID, doc.USER_UUID],
        responses={**doc.NO_CONTENT, **doc.REMOVE_MEMBER_ERRORS},
    )
    def destroy(self, request: Request, project_uuid: str, user_uuid: str) -> Response:
        remove_member(actor_uuid=request.user.uuid, project_uuid=project_uuid, user_uuid=user_uuid)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _degraded(response: Response, degraded: bool) -> Response:
    if degraded:
        response[DEGRADED_HEADER] = "users"
    return response
