"""When the slow-client-safe worker (core/gunicorn_worker.py) decides a request has all arrived,
and how it shares connections with the other workers.

Too early, and a thread waits on a slow client again; too late (or never), and a real request
is left unanswered until it times out. The whole server is tested with real slow clients in
test_gunicorn.py; here every split point of many requests is tried.
"""

import contextlib
import http.client
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from core.gunicorn_worker import COMPLETE, HAND_OVER, INCOMPLETE, MAX_BUFFERED_BODY, request_state
from core.tests.processes import clean_environment, free_port

HERE = Path(__file__).parent
BODIES = st.binary(max_size=300)


def chunked(body, sizes):
    """``body`` in chunks of the given sizes (the rest in one), with an extension and a trailer sometimes."""
    out, position = b"", 0
    for size in sizes:
        piece = body[position : position + size]
        if piece:
            out += f"{len(piece):X};ext=1\r\n".encode() + piece + b"\r\n"
        position += size
    if body[position:]:
        out += f"{len(body[position:]):x}\r\n".encode() + body[position:] + b"\r\n"
    return out + b"0\r\nX-Trailer: yes\r\n\r\n"


@st.composite
def requests(draw):
    body = draw(BODIES)
    kind = draw(st.sampled_from(["get", "length", "chunked", "expect"]))
    head = draw(st.sampled_from(["", "\r\n"])) + "POST /nominate/ HTTP/1.1\r\nHost: example.org\r\n"
    if kind == "get":
        return (head.replace("POST", "GET") + "\r\n").encode()
    if kind == "chunked":
        sizes = draw(st.lists(st.integers(1, 64), max_size=6))
        return (head + "Transfer-Encoding: chunked\r\n\r\n").encode() + chunked(body, sizes)
    expect = "Expect: 100-continue\r\n" if kind == "expect" else ""
    return (head + f"content-length: {len(body)}\r\n{expect}\r\n").encode() + body


@given(request=requests(), data=st.data())
def test_a_request_is_complete_exactly_when_its_last_byte_has_arrived(request, data):
    """Every strict prefix of a request is incomplete; the whole request, with or without the start
    of the next one behind it, is complete.

    If this fails, a thread is handed a half-sent request (and waits on the client again), or a
    whole request is never handed on.
    """
    cut = data.draw(st.integers(0, len(request) - 1))
    assert request_state(request[:cut])[0] == INCOMPLETE
    assert request_state(request)[0] == COMPLETE
    assert request_state(request + b"GET / HTTP/1.1\r\n")[0] == COMPLETE


def test_the_client_is_told_to_continue_only_when_it_waits_for_that():
    """A client that sent ``Expect: 100-continue`` waits for "100 Continue" before its body."""
    head = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"
    assert request_state(head) == (INCOMPLETE, True)
    assert request_state(head + b"hello") == (COMPLETE, False)
    assert request_state(head.replace(b"Expect: 100-continue\r\n", b"")) == (INCOMPLETE, False)


def test_what_the_worker_cannot_hold_or_read_goes_to_gunicorn_as_it_is():
    """Malformed framing and bodies too large to hold here go to gunicorn's parser at once (which
    refuses the malformed and reads the large in a thread), rather than waiting for ever."""
    head = "POST / HTTP/1.1\r\nHost: x\r\n"
    assert request_state(f"{head}Content-Length: 5\r\nContent-Length: 6\r\n\r\n".encode())[0] == HAND_OVER
    assert request_state(f"{head}Content-Length: -5\r\n\r\n".encode())[0] == HAND_OVER
    assert request_state(f"{head}Content-Length: {MAX_BUFFERED_BODY + 1}\r\n\r\n".encode())[0] == HAND_OVER
    assert request_state(f"{head}Transfer-Encoding: chunked\r\n\r\nzz\r\n".encode())[0] == HAND_OVER
    assert request_state(b"GET /" + b"a" * 70_000)[0] == HAND_OVER


@contextlib.contextmanager
def paused_server(workers, threads):
    """gunicorn with this worker serving ``wsgi_pause`` (a 0.4 s answer naming its process) on a free port."""
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            *("--workers", str(workers), "--threads", str(threads), "--bind", f"127.0.0.1:{port}"),
            *("--worker-class", "core.gunicorn_worker.BufferingThreadWorker"),
            *("--pythonpath", f"{settings.BASE_DIR},{HERE}", "wsgi_pause:application"),  # not through core.tests
        ],
        cwd=HERE,  # not the project's gunicorn.conf.py: this app needs no Django
        env=clean_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.1)
        time.sleep(0.5)  # every worker booted, not only the first
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def answer(connection):
    response = connection.getresponse()
    return response.read().decode(), response.getheader("Connection", "")


def test_a_new_connection_goes_to_the_worker_with_a_free_thread():
    """With one worker busy, the next visitor must be answered by the idle one, not queue behind the
    busy one: otherwise one core works while the other waits, and pages take twice as long."""
    with paused_server(workers=2, threads=1) as port:
        for _attempt in range(6):  # by chance alone, both would land on the same worker once in two
            first = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            first.request("GET", "/")
            time.sleep(0.15)  # the first request is with a thread now
            second = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            second.request("GET", "/")
            (first_pid, _), (second_pid, _) = answer(first), answer(second)
            first.close(), second.close()
            assert first_pid != second_pid


def test_a_worker_with_requests_waiting_lets_go_of_kept_alive_connections():
    """Connections kept alive stay with their worker; when requests wait there for a thread, the
    worker must say "Connection: close" so the next request can go to a worker that is free. A quiet
    worker keeps connections alive (no new handshake for every page)."""
    with paused_server(workers=1, threads=1) as port:
        connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(3)]
        for connection in connections:  # one at a time: each is kept alive
            connection.request("GET", "/")
            assert answer(connection)[1].lower() == "keep-alive"
        for connection in connections:  # at once: the second and third wait for the one thread
            connection.request("GET", "/")
        said = [answer(connection)[1].lower() for connection in connections]
        assert said[1] == "close"  # it began while the third was waiting
        assert said[2] == "keep-alive"  # nothing was waiting any more
