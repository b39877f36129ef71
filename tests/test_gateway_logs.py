"""The gateway's access line: valid JSON, and its time the shape the services log.

ISO 8601 in UTC with milliseconds (``2026-11-28T23:57:12.123Z``) when nginx runs with TZ=UTC, as
the gateway image and split-local do; nginx's $time_iso8601 alone has neither.
"""

import json
import re
import socket
import time
from datetime import datetime

import pytest

from gateway.render import render
from tests.nginx_process import free_port, running_nginx

ISO_UTC_MILLIS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def log_time_map(config: str) -> list[tuple[str, str]]:
    """The (regex, value) entries of the ``map "$time_iso8601 $msec" $log_time`` block."""
    block = re.search(r'map "\$time_iso8601 \$msec" \$log_time \{(.*?)\n\s*\}', config, re.S)
    assert block, "the gateway config has no $log_time map"
    return re.findall(r'^\s*"~(.+)" "(.+)";$', block.group(1), re.M)


def nginx_map(entries: list[tuple[str, str]], source: str) -> str | None:
    """What nginx's map gives for ``source``: the first matching regex, captures substituted."""
    for pattern, value in entries:
        match = re.search(pattern.replace("(?<", "(?P<"), source)
        if match:
            return _substitute(value, match.groupdict())
    return None


def _substitute(value: str, captures: dict[str, str]) -> str:
    return re.sub(r"\$\{?(\w+)\}?", lambda name: captures[name.group(1)], value)


def test_the_access_line_logs_the_mapped_time():
    config = render()

    [log_format] = re.findall(r"log_format json escape=json\n(.*?);\n", config, re.S)
    assert '"time": "$log_time"' in log_format
    assert "$time_iso8601" not in log_format


@pytest.mark.parametrize(
    ("time_iso8601", "msec", "logged"),
    [
        ("2026-11-28T23:57:12+00:00", "1795910232.123", "2026-11-28T23:57:12.123Z"),
        ("2026-11-28T23:57:12+00:00", "1795910232.000", "2026-11-28T23:57:12.000Z"),
        # Not in UTC (TZ unset on a host in Nepal): still correct, the offset is kept.
        ("2026-11-29T05:42:12+05:45", "1795910232.123", "2026-11-29T05:42:12.123+05:45"),
    ],
)
def test_the_time_map_gives_iso_8601_with_milliseconds(time_iso8601, msec, logged):
    assert nginx_map(log_time_map(render()), f"{time_iso8601} {msec}") == logged
    if time_iso8601.endswith("+00:00"):
        assert ISO_UTC_MILLIS.fullmatch(logged)


def test_nginx_writes_one_json_line_with_a_utc_millisecond_time(tmp_path):
    port = free_port()
    config = render(
        users_upstream="127.0.0.1:9",
        projects_upstream="127.0.0.1:9",
        listen=f"127.0.0.1:{port}",
        runtime_dir=str(tmp_path),
    )
    with running_nginx(config, port, tmp_path) as stdout:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as conn:
            conn.sendall(
                b'GET /healthz?x="%0a HTTP/1.1\r\nHost: x\r\nX-Request-ID: gw-1\r\n'
                b"Connection: close\r\n\r\n"
            )
            assert conn.recv(65536).startswith(b"HTTP/1.1 200")
        deadline = time.monotonic() + 5
        while not stdout.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)

    [line] = stdout.read_text().splitlines()
    record = json.loads(line)
    assert ISO_UTC_MILLIS.fullmatch(record["time"]), record["time"]
    assert abs(_epoch(record["time"]) - time.time()) < 60
    assert (record["request_id"], record["path"], record["status"]) == ("gw-1", "/healthz", 200)


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()
