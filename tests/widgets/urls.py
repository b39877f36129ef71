from django.http import HttpRequest, JsonResponse
from django.urls import path


def widgets(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"widgets": []})


urlpatterns = [path("api/widgets/", widgets, name="widgets")]
