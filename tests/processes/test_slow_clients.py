"""A client that sends its body too slowly gets a 408 and its connection closed (uvicorn alone
would wait for it forever)."""

from __future__ import annotations

import socket
from pathlib import Path

from tests.servers import stack

HEAD = (
    "POST /api/v1/launches HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    "Authorization: Bearer dev-partner-key\r\nContent-Type: application/json\r\n"
    "Content-Length: 500\r\n\r\n"
)


def read_all(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def test_a_half_sent_body_is_answered_408_and_closed(tmp_path: Path) -> None:
    with stack(f"sqlite:///{tmp_path}/l.sqlite3", WVH_BODY_TIMEOUT="1") as (_, host):
        with socket.create_connection(("127.0.0.1", host.port), timeout=30) as sock:
            sock.sendall(HEAD.encode() + b'{"customer": ')  # and then nothing more
            answer = read_all(sock)  # returns once the server closes the connection
        assert answer.startswith(b"HTTP/1.1 408 ")
        assert b"request_timeout" in answer
        assert b"connection: close" in answer.lower()
