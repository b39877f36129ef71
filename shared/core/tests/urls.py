"""URL patterns of the test views and the core's probes."""

from django.urls import include, path

from shared.core.tests import idempotency_views, views

urlpatterns = [
    path("", include("shared.core.health.urls")),
    path("", include("shared.core.observability.urls")),
    path("errors/<str:name>", views.ErrorView.as_view()),
    path("echo", views.EchoView.as_view()),
    path("me", views.MeView.as_view()),
    path("context", views.ContextView.as_view()),
    path("widgets/", views.WidgetListView.as_view()),
    path("plain/get-only", views.get_only),
    path("plain/crash", views.crash),
    path("plain/unauthorized", views.unauthorized),
    path("plain/maintenance", views.maintenance),
    path("plain/json-conflict", views.json_conflict),
    path("plain/streamed", views.streamed),
    path("internal/ping", views.InternalPingView.as_view()),
    path("idempotent/widgets/", idempotency_views.widgets),
]
