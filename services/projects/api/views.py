"""Projects API views: validate input, call the service, render. No rules live here."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from services.projects.api import schema as doc
from services.projects.api import serializers as s
from services.projects.api.authentication import LiveSubjectAuthentication
from services.projects.services.memberships import add_member, list_members, remove_member
from services.projects.services.projects import create_project, delete_project, update_project
from services.projects.services.reads import ensure_owner, get_project, list_projects, owners_of
from shared.core.utils.openapi import DocumentedPagination

DEGRADED_HEADER = doc.DEGRADED_HEADER


def validated(serializer_class: type[Serializer], data: Any, *, partial: bool = False) -> dict:
    serializer = serializer_class(data=data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def wants_owner(request: Request) -> bool:
    values = request.query_params.getlist("expand")
    return "owner" in {part.strip() for value in values for part in value.split(",")}


class ProjectViewSet(viewsets.ViewSet):
    authentication_classes = [LiveSubjectAuthentication]
    lookup_field = "project_uuid"
    pagination_class = DocumentedPagination  # StandardPagination, described as it behaves

    @extend_schema(
        parameters=doc.list_query_parameters(),
        responses={200: s.ProjectSerializer(many=True), **doc.LIST_ERRORS},
    )
    def list(self, request: Request) -> Response:
        filters = validated(s.ProjectListQuerySerializer, request.query_params)
        projects = list_projects(actor_uuid=request.user.uuid, **filters)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(projects, request, view=self) or []
        if not wants_owner(request):
            return paginator.get_paginated_response([s.project_data(p) for p in page])
        lookup = owners_of(projects=page)
        response = paginator.get_paginated_response(
            [s.project_data(p, owners=lookup.owners) for p in page]
        )
        return _degraded(response, lookup.degraded)

    @extend_schema(
        request=s.ProjectWriteSerializer,
        responses={201: s.ProjectSerializer, **doc.CREATE_ERRORS},
    )
    def create(self, request: Request) -> Response:
        data = validated(s.ProjectWriteSerializer, request.data)
        project = create_project(actor_uuid=request.user.uuid, **data)
        return Response(s.project_data(project), status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[doc.PROJECT_UUID, doc.EXPAND, doc.DEGRADED],
        responses={200: s.ProjectSerializer, **doc.READ_ERRORS},
    )
    def retrieve(self, request: Request, project_uuid: str) -> Response:
        project = get_project(actor_uuid=request.user.uuid, project_uuid=project_uuid)
        if not wants_owner(request):
            return Response(s.project_data(project))
        lookup = owners_of(projects=[project])
        return _degraded(Response(s.project_data(project, owners=lookup.owners)), lookup.degraded)

    @extend_schema(
        parameters=[doc.PROJECT_UUID],
        request=s.ProjectWriteSerializer,
        responses={200: s.ProjectSerializer, **doc.UPDATE_ERRORS},
    )
    def update(self, request: Request, project_uuid: str) -> Response:
        return self._update(request, project_uuid, partial=False)

    @extend_schema(
        parameters=[doc.PROJECT_UUID],
        request=s.ProjectWriteSerializer,
        responses={200: s.ProjectSerializer, **doc.UPDATE_ERRORS},
    )
    def partial_update(self, request: Request, project_uuid: str) -> Response:
        return self._update(request, project_uuid, partial=True)

    @extend_schema(parameters=[doc.PROJECT_UUID], responses={**doc.NO_CONTENT, **doc.DELETE_ERRORS})
    def destroy(self, request: Request, project_uuid: str) -> Response:
        delete_project(actor_uuid=request.user.uuid, project_uuid=project_uuid)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _update(self, request: Request, project_uuid: str, *, partial: bool) -> Response:
        # PUT requires a name; on both verbs omitted optional fields keep their values.
        ensure_owner(actor_uuid=request.user.uuid, project_uuid=project_uuid)
        data = validated(s.ProjectWriteSerializer, request.data, partial=True)
        if not partial and "name" not in data:
            validated(s.ProjectWriteSerializer, request.data)  # reports the missing name
        project = update_project(actor_uuid=request.user.uuid, project_uuid=project_uuid, **data)
        return Response(s.project_data(project))


class ProjectMemberViewSet(viewsets.ViewSet):
    authentication_classes = [LiveSubjectAuthentication]

    @extend_schema(
        parameters=[doc.PROJECT_UUID, doc.DEGRADED],
        responses={200: s.MemberSerializer(many=True), **doc.MEMBERS_ERRORS},
    )
    def list(self, request: Request, project_uuid: str) -> Response:
        result = list_members(actor_uuid=request.user.uuid, project_uuid=project_uuid)
        return _degraded(Response([s.member_data(m) for m in result.members]), result.degraded)

    @extend_schema(
        parameters=[doc.PROJECT_UUID],
        request=s.AddMemberSerializer,
        responses={201: s.MemberSerializer, **doc.ADD_MEMBER_ERRORS},
    )
    def create(self, request: Request, project_uuid: str) -> Response:
        ensure_owner(actor_uuid=request.user.uuid, project_uuid=project_uuid)
        data = validated(s.AddMemberSerializer, request.data)
        member = add_member(
            actor_uuid=request.user.uuid, project_uuid=project_uuid, email=data["email"]
        )
        return Response(s.member_data(member), status=status.HTTP_201_CREATED)

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
