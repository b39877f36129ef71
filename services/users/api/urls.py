"""Public URL patterns of the users service (full paths: the gateway routes on them).

Registration, logout and the profile's writes honour an ``Idempotency-Key`` (ADR 20). The two
answers that are credentials (token, refresh) are never stored: a replayed login issues another
pair, a replayed refresh finds its token used (401), as without a key.
"""

from django.urls import path

from services.users.api import internal, views
from services.users.models import IdempotentRequest
from shared.core.idempotency.views import View, idempotent


def once(view: View) -> View:
    return idempotent(view, model=IdempotentRequest)


urlpatterns = [
    path("api/auth/register/", once(views.RegisterView.as_view()), name="auth-register"),
    path("api/auth/token/", views.TokenObtainView.as_view(), name="auth-token"),
    path("api/auth/token/refresh/", views.TokenRefreshView.as_view(), name="auth-token-refresh"),
    path("api/auth/logout/", once(views.LogoutView.as_view()), name="auth-logout"),
    path(".well-known/jwks.json", views.JWKSView.as_view(), name="jwks"),
    path("api/users/me/", once(views.MeView.as_view()), name="users-me"),
    path("api/users/<str:user_uuid>/", views.UserDetailView.as_view(), name="users-detail"),
    path("internal/v1/users/", internal.InternalUserBatchView.as_view(), name="internal-users"),
    path(
        "internal/v1/users/by-email/",
        internal.InternalUserByEmailView.as_view(),
        name="internal-users-by-email",
    ),
]
