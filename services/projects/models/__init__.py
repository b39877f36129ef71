"""Models of the projects service."""

from services.projects.models.membership import ProjectMembership
from services.projects.models.project import Project, ProjectPriority, ProjectStatus

__all__ = ["Project", "ProjectMembership", "ProjectPriority", "ProjectStatus"]
