"""Public URL patterns of the users service (full paths: the gateway routes on them)."""

from django.urls import path

from services.users.api import internal, views

urlpatterns = [
    path("api/auth/register/", views.RegisterView.as_view(), name="auth-register"),
    path("api/auth/token/", views.TokenObtainView.as_view(), name="auth-token"),
    path("api/auth/token/refresh/", views.TokenRefreshView.as_view(), name="auth-token-refresh"),
    path("api/auth/logout/", views.LogoutView.as_view(), name="auth-logout"),
    path(".well-known/jwks.json", views.JWKSView.as_view(), name="jwks"),
    path("api/users/me/", views.MeView.as_view(), name="users-me"),
    path("api/users/<str:user_uuid>/", views.UserDetailView.as_view(), name="users-detail"),
    path("internal/v1/users/", internal.InternalUserBatchView.as_view(), name="internal-users"),
    path(
        "internal/v1/users/by-email/",
        internal.InternalUserByEmailView.as_view(),
        name="internal-users-by-email",
    ),
]
