"""``idempotent(view, model=...)``: a write carrying an ``Idempotency-Key`` is applied once.

The view runs in one transaction on the model's database with the key's row: the key is claimed
first (a concurrent request with the same key waits for that transaction), then the view runs,
then its answer is stored and everything commits together. A 5xx, a 401 or an exception rolls it
all back: nothing happened, a retry runs again. A repeat with the same fingerprint gets the stored
answer, byte for byte, with ``Idempotent-Replayed: true``, and the view does not run; the same
key on another request is 422 ``idempotency_key_reused``. Safe methods and requests without the
header go straight to the view.
"""

import functools
import hashlib
import logging
from collections.abc import Callable
from typing import Any

from django.db import InterfaceError, OperationalError, router, transaction
from django.http import HttpRequest, HttpResponse

from shared.core.exceptions.envelope import error_response
from shared.core.idempotency.conf import HEADER, REPLAYED_HEADER
from shared.core.idempotency.models import IdempotentRequestBase
from shared.core.idempotency.store import claim
from shared.kit.errors import ErrorCode

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_KEY_LENGTH = 255
# A 401 let nothing in and changed nothing: the client retries with new credentials, same key.
NOT_STORED = frozenset({401})

View = Callable[..., HttpResponse]
logger = logging.getLogger("shared.core.errors")


def idempotent(view: View, *, model: type[IdempotentRequestBase]) -> View:
    """Wrap a Django view (``SomeAPIView.as_view()``); ``model`` is the service's own table."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in UNSAFE_METHODS:
            return view(request, *args, **kwargs)
        key = request.headers.get(HEADER)
        if key is None:
            return view(request, *args, **kwargs)
        if problem := key_problem(key):
            return error_response(ErrorCode.VALIDATION_ERROR, details={HEADER: [problem]})
        try:
            return _once(view, model, key, request, *args, **kwargs)
        except (OperationalError, InterfaceError):  # as the DRF handler answers (ADR 4)
            logger.exception("Database unavailable for an idempotent request")
            return error_response(ErrorCode.SERVICE_UNAVAILABLE, "The database is unavailable.")

    return wrapped


def key_problem(key: str) -> str | None:
    """Why ``key`` is unusable (it must be 1 to 255 printable ASCII characters), or None."""
    if not key:
        return "The key must not be empty."
    if len(key) > MAX_KEY_LENGTH:
        return f"The key must be at most {MAX_KEY_LENGTH} characters."
    if not all(" " <= char <= "~" for char in key):
        return "The key must be printable ASCII."
    return None


def fingerprint(request: HttpRequest) -> str:
    """SHA-256 of what makes two requests one: method, path and query, Authorization, body."""
    digest = hashlib.sha256()
    parts = (
        request.method.encode(),
        request.get_full_path().encode(),
        request.headers.get("Authorization", "").encode("latin-1", "replace"),
        request.body,
    )
    for part in parts:  # length-prefixed: no two different requests hash the same bytes
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _once(
    view: View,
    model: type[IdempotentRequestBase],
    key: str,
    request: HttpRequest,
    *args: Any,
    **kwargs: Any,
) -> HttpResponse:
    using = router.db_for_write(model)
    request_print = fingerprint(request)
    with transaction.atomic(using=using):
        stored = claim(model, using=using, key=key, fingerprint=request_print)
        if stored is not None:
            return _answer_again(stored, fingerprint=request_print)
        response = view(request, *args, **kwargs)
        status = response.status_code
        if status >= 500 or status in NOT_STORED or transaction.get_rollback(using=using):
            transaction.set_rollback(True, using=using)
            return response
        if hasattr(response, "render"):
            response.render()  # a DRF response: its bytes, as the client gets them
        model.objects.using(using).filter(key=key).update(
            status_code=status, content_type=response.get("Content-Type", ""), body=response.content
        )
        return response


def _answer_again(stored: IdempotentRequestBase, *, fingerprint: str) -> HttpResponse:
    if stored.fingerprint != fingerprint:
        return error_response(ErrorCode.IDEMPOTENCY_KEY_REUSED)
    response = HttpResponse(bytes(stored.body), status=stored.status_code)
    if stored.content_type:
        response["Content-Type"] = stored.content_type
    else:
        del response["Content-Type"]  # a 204 has none
    response[REPLAYED_HEADER] = "true"
    return response
