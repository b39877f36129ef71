from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "services.users"
    label = "users"
    verbose_name = "Users service"
    default_auto_field = "django.db.models.BigAutoField"
