"""JSON log lines: one object per line, with the service, request id and acting user."""

import io
import json
import logging
from collections.abc import Iterator

import pytest

from shared.core.context import request_id_var, user_uuid_var
from shared.core.logging.json import JsonFormatter, RequestContextFilter


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
