"""JSON log lines: one object per line, with the service, request id and acting user."""

import io
import json
import logging
import os
import re
import time
from collections.abc import Iterator

import pytest

from shared.core.logging.json import JsonFormatter, RequestContextFilter
from shared.kit.context import request_id_var, user_uuid_var


@pytest.fixture
def log() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger wired the way the project's LOGGING setting wires the root logger."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter(service="projects"))
    logger = logging.getLogger("core.tests.json")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_each_record_is_one_json_object_with_the_request_context(log):
    logger, stream = log
    id_token, user_token = request_id_var.set("req-1"), user_uuid_var.set("u-1")
    try:
        logger.info("created %s", "project")
    finally:
        request_id_var.reset(id_token)
        user_uuid_var.reset(user_token)

    [record] = lines(stream)
    assert record["service"] == "projects"
    assert record["request_id"] == "req-1"
    assert record["user_uuid"] == "u-1"
    assert record["level"] == "INFO"
    assert record["message"] == "created project"
    assert record["logger"] == "core.tests.json"
    assert record["time"]


def test_record_outside_a_request_has_null_request_id(log):
    logger, stream = log

    logger.warning("no request here")

    [record] = lines(stream)
    assert record["request_id"] is None
    assert record["level"] == "WARNING"


def test_multi_line_message_and_traceback_stay_on_one_line(log):
    logger, stream = log

    try:
        raise ValueError("bad value")
    except ValueError:
        logger.exception("first line\nsecond line")

    assert len(stream.getvalue().splitlines()) == 1
    [record] = lines(stream)
    assert record["message"] == "first line\nsecond line"
    assert "ValueError: bad value" in record["exc_info"]


def test_filter_defaults_to_the_monolith_service_name():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "msg", None, None)

    assert RequestContextFilter().filter(record) is True
    assert record.service == "monolith"


def test_extra_fields_are_included(log):
    logger, stream = log

    logger.info("GET /healthz 200", extra={"status": 200, "path": "/healthz"})

    [record] = lines(stream)
    assert (record["status"], record["path"]) == (200, "/healthz")


ISO_UTC_MILLIS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


@pytest.fixture
def non_utc_host() -> Iterator[None]:
    """The process runs in a zone far from UTC, as a developer's machine may."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Kathmandu"  # +05:45: no whole-hour coincidence
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def test_time_is_iso_8601_in_utc_with_milliseconds_whatever_the_host_zone(log, non_utc_host):
    logger, stream = log
    record = logger.makeRecord(logger.name, logging.INFO, __file__, 1, "at a known time", (), None)
    record.created = 1_795_910_232.1239  # 2026-11-28 23:57:12.1239 UTC

    logger.handle(record)
    logger.info("now")

    known, now = lines(stream)
    assert known["time"] == "2026-11-28T23:57:12.123Z"
    assert ISO_UTC_MILLIS.fullmatch(now["time"])


def test_an_explicit_datefmt_is_still_honoured():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "msg", None, None)

    assert JsonFormatter(datefmt="%Y").formatTime(record, "%Y").isdigit()


def test_request_id_and_user_given_in_extra_win_over_the_context(log):
    logger, stream = log
    token = request_id_var.set("context-id")
    try:
        logger.info("access", extra={"request_id": "from-response", "user_uuid": "u-2"})
    finally:
        request_id_var.reset(token)

    [record] = lines(stream)
    assert (record["request_id"], record["user_uuid"]) == ("from-response", "u-2")


def test_a_record_carrying_the_request_takes_its_id_outside_the_context(log):
    """Django logs a 5xx (django.request) after the middleware has reset the context."""
    logger, stream = log

    class Principal:
        uuid = "u-3"

    class Request:
        request_id = "req-3"
        user = Principal()

    logger.error("Internal Server Error: /x", extra={"request": Request(), "status_code": 500})

    [record] = lines(stream)
    assert (record["request_id"], record["user_uuid"]) == ("req-3", "u-3")


@pytest.fixture
def root_json_lines() -> Iterator[io.StringIO]:
    """Everything that reaches the root logger, as the project's LOGGING writes it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter(service="core"))
    handler.setLevel(logging.ERROR)
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


@pytest.mark.parametrize(
    ("path", "loggers"),
    [
        ("/errors/unhandled", {"shared.core.errors", "django.request"}),  # DRF view
        ("/plain/crash", {"django.request"}),  # plain Django view
    ],
)
def test_every_error_line_of_a_500_carries_the_response_request_id(
    lenient_client, root_json_lines, path, loggers
):
    response = lenient_client.get(path)

    assert response.status_code == 500
    records = lines(root_json_lines)
    assert {record["logger"] for record in records} == loggers
    for record in records:
        assert record["level"] == "ERROR"
        assert record["request_id"] == response["X-Request-ID"], record
        assert record["service"] == "core"
