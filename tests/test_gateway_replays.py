"""The gateway's replays, on a real nginx with two replicas of projects behind it (ADR 20).

A replica that takes a request and dies before answering (the connection reset, as a SIGKILL
leaves it) has the request sent to the other one, writes included, with the same
Idempotency-Key: the client's own, else the gateway's request id. A replica's own answer, a 5xx
included, is final: never sent to the other. Reads carry no key.
"""

import json
import socket
import struct
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from gateway.render import render
from tests.nginx_process import free_port, running_nginx


@dataclass
class Replica:
    """A projects replica on loopback: ``ok`` answers 201, ``drop`` resets, ``fail`` says 502."""

    behaviour: str
    seen: list[dict[str, str]] = field(default_factory=list)  # method, path, key, body

    def __post_init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        with connection, connection.makefile("rb") as stream:
            while request := self._read(stream):
                self.seen.append(request)
                if self.behaviour == "drop":  # dies holding it: a reset, no answer
                    connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
                    return
                status = "502 Bad Gateway" if self.behaviour == "fail" else "201 Created"
                body = json.dumps({"replica": self.address}).encode()
                connection.sendall(
                    f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n".encode()
                    + body
                )

    @staticmethod
    def _read(stream) -> dict[str, str] | None:
        line = stream.readline()
        if not line:
            return None
        method, path, _ = line.decode().split(" ", 2)
        headers = {}
        while (header := stream.readline()) not in (b"\r\n", b""):
            name, _, value = header.decode().partition(":")
            headers[name.strip().lower()] = value.strip()
        body = stream.read(int(headers.get("content-length", 0)))
        key = headers.get("idempotency-key")
        return {"method": method, "path": path, "key": key, "body": body.decode()}

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def gateway(tmp_path) -> Iterator:
    """Start nginx in front of the replicas given: ``gateway(first, second)`` -> its URL."""
    started = []

    def start(*replicas: Replica) -> str:
        port = free_port()
        config = render(
            users_upstream="127.0.0.1:9",
            projects_upstream=replicas[0].address,
            listen=f"127.0.0.1:{port}",
            runtime_dir=str(tmp_path),
        )
        first = f"server {replicas[0].address} max_fails=1 fail_timeout=2s;"
        assert first in config
        servers = "\n        ".join(
            f"server {replica.address} max_fails=1 fail_timeout=2s;" for replica in replicas
        )
        context = running_nginx(config.replace(first, servers), port, tmp_path)
        context.__enter__()
        started.append(context)
        return f"http://127.0.0.1:{port}"

    yield start
    for context in started:
        context.__exit__(None, None, None)


def send_until_seen(gateway_url: str, replica: Replica, **request) -> list[httpx.Response]:
    """Send the request until ``replica`` has seen one (nginx alternates); every response."""
    responses = []
    with httpx.Client(base_url=gateway_url, timeout=10) as client:
        while not replica.seen:
            assert len(responses) < 4, "the gateway never chose that replica"
            responses.append(client.request(**request))
    return responses


def test_a_write_a_replica_dropped_is_replayed_on_the_next_with_the_gateway_key(gateway):
    dying, healthy = Replica("drop"), Replica("ok")
    url = gateway(dying, healthy)

    responses = send_until_seen(
        url, dying, method="POST", url="/api/projects/", json={"name": "Replayed"}
    )

    assert [response.status_code for response in responses] == [201] * len(responses)
    [dropped] = dying.seen
    assert dropped["key"] == responses[-1].headers["X-Request-ID"]  # the gateway's own id
    assert dropped in healthy.seen  # the same request, body and key, sent once more
    assert [seen["key"] for seen in healthy.seen].count(dropped["key"]) == 1


def test_the_client_key_goes_with_the_replay(gateway):
    dying, healthy = Replica("drop"), Replica("ok")
    url = gateway(dying, healthy)

    responses = send_until_seen(
        url,
        dying,
        method="PATCH",
        url="/api/projects/p/",
        json={"name": "Mine"},
        headers={"Idempotency-Key": "client-key-1"},
    )

    assert responses[-1].status_code == 201
    assert [seen["key"] for seen in dying.seen] == ["client-key-1"]
    assert dying.seen[0] in healthy.seen


def test_a_replica_answer_even_a_5xx_is_final(gateway):
    failing, healthy = Replica("fail"), Replica("ok")
    url = gateway(failing, healthy)

    responses = send_until_seen(url, failing, method="DELETE", url="/api/projects/p/")

    assert responses[-1].status_code == 502
    assert responses[-1].json() == {"replica": failing.address}  # its own answer, passed on
    [failed] = failing.seen
    assert failed["key"]
    assert failed not in healthy.seen


def test_reads_carry_no_key(gateway):
    healthy = Replica("ok")
    url = gateway(healthy)

    assert httpx.get(f"{url}/api/projects/", timeout=10).status_code == 201
    assert [seen["key"] for seen in healthy.seen] == [None]
