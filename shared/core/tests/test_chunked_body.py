"""Chunked request bodies reach Django with a length: parsed when small, 413 when too large."""

import io

import pytest

from shared.core.middleware.chunked_body import ChunkedBodyMiddleware

LIMIT = 16


def seen_by_django(environ: dict) -> tuple[str | None, bytes]:
    seen: dict = {}

    def application(environ, start_response):
        seen["length"] = environ.get("CONTENT_LENGTH")
        seen["body"] = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        return [b""]

    ChunkedBodyMiddleware(application, max_bytes=LIMIT)(environ, lambda *args: None)
    return seen["length"], seen["body"]


def chunked(body: bytes, **extra) -> dict:
    return {
        "HTTP_TRANSFER_ENCODING": "chunked",
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True,
        **extra,
    }


def test_a_small_chunked_body_gets_its_length():
    assert seen_by_django(chunked(b'{"name": "x"}')) == ("13", b'{"name": "x"}')


def test_an_oversized_chunked_body_is_read_one_byte_past_the_limit():
    length, body = seen_by_django(chunked(b"x" * 100))
    assert length == str(LIMIT + 1)
    assert body == b"x" * (LIMIT + 1)


@pytest.mark.parametrize(
    "environ",
    [
        {"CONTENT_LENGTH": "3", "wsgi.input": io.BytesIO(b"abc")},
        chunked(b"abc", **{"wsgi.input_terminated": False}),  # a server that does not de-chunk
        chunked(b"abc", CONTENT_LENGTH="3"),
    ],
)
def test_other_bodies_pass_untouched(environ):
    before = environ.get("CONTENT_LENGTH")
    assert seen_by_django(environ)[0] == before
