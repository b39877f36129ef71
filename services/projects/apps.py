from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "services.projects"
    label = "projects"
    verbose_name = "Projects service"
    default_auto_field = "django.db.models.BigAutoField"
