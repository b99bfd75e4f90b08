"""gunicorn's threaded worker, made safe from slow clients: ``BufferingThreadWorker``.

gunicorn's ``gthread`` worker hands a connection to one of its threads as soon as the first byte
arrives; the thread then waits for the rest of the request. A client that sends one header line
every few seconds (slowloris) holds a thread for as long as it likes, and a handful of them hold
every thread of the container: nobody else gets an answer.

This worker reads each request (its head, and a body of up to ``MAX_BUFFERED_BODY`` bytes) in the
worker's event loop, which waits on thousands of sockets at no cost, and gives the connection to a
thread only once the whole request is there. A request must arrive within
``GUNICORN_REQUEST_READ_TIMEOUT`` seconds plus one second for every ``GUNICORN_REQUEST_MIN_RATE``
bytes sent (as Apache's mod_reqtimeout does); slower ones are answered 408 and closed. Larger
bodies (admin uploads) are read by the thread; the compose file's nginx buffers those too.

gunicorn's own parser still reads every request, from the bytes buffered here: this only decides
when the thread is called. TLS and HTTP/2 connections are left to gunicorn as they are.

It also keeps the workers evenly loaded. In gthread, whichever worker wakes first accepts a
connection and keeps it alive, so one worker could hold every busy connection while the other sat
idle (docs/benchmarks.md, "Workers evenly loaded"). Here a worker accepts only while it has a free
thread, and while requests wait for one of its threads it answers with ``Connection: close``, so
the client's next connection goes to a worker that can answer it now.
"""

import errno
import os
import selectors
import threading
import time
from functools import partial

from gunicorn.http2 import negotiation
from gunicorn.workers.gthread import ThreadWorker

REQUEST_READ_TIMEOUT = float(os.environ.get("GUNICORN_REQUEST_READ_TIMEOUT", "10"))
REQUEST_MIN_RATE = float(os.environ.get("GUNICORN_REQUEST_MIN_RATE", "500"))  # bytes a second
MAX_BUFFERED_BODY = 1024 * 1024
MAX_HEAD = 64 * 1024  # beyond gunicorn's own limits on a request line and header fields
READ_SIZE = 64 * 1024

INCOMPLETE, COMPLETE, HAND_OVER = "incomplete", "complete", "hand over"
TIMED_OUT = b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


def chunked_body_end(data, start):
    """Where a chunked body that starts at ``start`` ends (trailers included), None if it has not
    all arrived, -1 if it is malformed (gunicorn's parser will refuse it)."""
    position = start
    while True:
        line_end = data.find(b"\r\n", position)
        if line_end < 0:
            return None if len(data) - position <= 1024 else -1
        size = bytes(data[position:line_end]).split(b";", 1)[0].strip()
        try:
            size = int(size, 16)
        except ValueError:
            return -1
        position = line_end + 2
        if size == 0:
            while True:  # trailer fields, then an empty line
                line_end = data.find(b"\r\n", position)
                if line_end < 0:
                    return None
                if line_end == position:
                    return position + 2
                position = line_end + 2
        position += size + 2
        if position > len(data):
            return None


def request_state(data):
    """Whether ``data`` holds a whole HTTP/1 request (COMPLETE), needs more (INCOMPLETE), or should
    go to gunicorn as it is (HAND_OVER: malformed or too large to hold here), and whether the
    client waits for "100 Continue" before sending its body."""
    start = len(data) - len(data.lstrip(b"\r\n"))  # empty lines before a request are allowed
    head_end = data.find(b"\r\n\r\n", start)
    if head_end < 0:
        return (HAND_OVER if len(data) > MAX_HEAD else INCOMPLETE), False
    lines = bytes(data[start:head_end]).decode("latin-1").split("\r\n")
    body_start = head_end + 4
    lengths, chunked, expects_continue = set(), False, False
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        name, value = name.strip().lower(), value.strip()
        if not colon:
            continue
        if name == "content-length":
            lengths.add(value)
        elif name == "transfer-encoding":
            chunked = chunked or "chunked" in value.lower()
        elif name == "expect":
            expects_continue = value.lower() == "100-continue" and lines[0].endswith("HTTP/1.1")
    if chunked:
        end = chunked_body_end(data, body_start)
        if end is None:
            return (HAND_OVER if len(data) - body_start > MAX_BUFFERED_BODY else INCOMPLETE), expects_continue
        return (HAND_OVER if end < 0 else COMPLETE), False
    if not lengths:
        return COMPLETE, False
    length = lengths.pop()
    if lengths or not length.isdigit() or int(length) > MAX_BUFFERED_BODY:
        return HAND_OVER, False
    if len(data) - body_start >= int(length):
        return COMPLETE, False
    return INCOMPLETE, expects_continue and int(length) > 0


class BufferingThreadWorker(ThreadWorker):
    """gthread, but a thread is given a connection only when its whole request has arrived."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reading = set()
        self.busy = 0  # requests given to the thread pool and not finished (running or waiting); busy_lock
        self.busy_lock = threading.Lock()

    @property
    def max_keepalived(self):
        """gunicorn closes a connection after its response when this many are kept alive: none
        while requests wait for a thread here (read by the threads as each request starts)."""
        return 0 if self.busy > self.cfg.threads else self._max_keepalived

    @max_keepalived.setter
    def max_keepalived(self, value):
        self._max_keepalived = value

    def set_accept_enabled(self, enabled):
        """Accept new connections only while a thread is free; the others wait for a worker that has one."""
        super().set_accept_enabled(enabled and self.busy < self.cfg.threads)

    def submit(self, conn):
        with self.busy_lock:
            self.busy += 1
        if self.busy >= self.cfg.threads:
            self.set_accept_enabled(False)
        super().enqueue_req(conn)

    def handle(self, conn):
        """In a thread: the request, then one fewer busy before the thread takes the next one."""
        try:
            return super().handle(conn)
        finally:
            with self.busy_lock:
                self.busy -= 1

    def can_buffer(self, conn):
        return not (self.cfg.is_ssl or conn.is_http2 or negotiation.prior_knowledge_allowed(self.cfg, conn.client))

    def enqueue_req(self, conn):
        """Every way a request reaches a thread (new, kept-alive, pipelined) comes through here."""
        if getattr(conn, "request_buffered", False) or not self.can_buffer(conn):
            conn.request_buffered = False
            self.submit(conn)
            return
        # Bytes gunicorn's parser already holds (a pipelined request) are the start of this one.
        held = conn.parser.unreader.take_buffered() if conn.parser is not None else b""
        conn.received = bytearray(held)
        conn.reading_since = time.monotonic()
        conn.sent_continue = False
        conn.sock.setblocking(False)
        if self.request_arrived(conn):
            self.dispatch(conn)
        else:
            self.reading.add(conn)
            self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_request_data, conn))

    def request_arrived(self, conn):
        """Whether the request is all here (or is for gunicorn to refuse); says "100 Continue" if asked."""
        state, expects_continue = request_state(conn.received)
        if state == INCOMPLETE and expects_continue and not conn.sent_continue:
            conn.sent_continue = True
            self.send_quietly(conn, CONTINUE)
        return state != INCOMPLETE

    def dispatch(self, conn):
        """Give the connection to a thread, with gunicorn's parser holding the request's bytes."""
        conn.request_buffered = True
        conn.data_ready = True
        conn.init()  # gunicorn's HTTP/1 parser (already there on a kept-alive connection)
        conn.parser.unreader.unread(bytes(conn.received))
        conn.received = bytearray()
        self.enqueue_req(conn)

    def on_request_data(self, conn, sock):
        try:
            data = conn.sock.recv(READ_SIZE)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:  # the client went away
            self.stop_reading(conn)
            self.close_connection(conn)
            return
        conn.received += data
        if self.request_arrived(conn):
            self.stop_reading(conn)
            self.dispatch(conn)

    def stop_reading(self, conn):
        if conn in self.reading:
            self.reading.discard(conn)
            try:
                self.poller.unregister(conn.sock)
            except (KeyError, ValueError, OSError):
                pass

    def close_connection(self, conn):
        self.nr_conns -= 1
        conn.close()

    def send_quietly(self, conn, data):
        try:
            conn.sock.send(data)
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EPIPE, errno.ECONNRESET):
                self.log.debug("Could not write to a slow client: %s", error)

    def murder_pending(self):
        """Also close connections whose request is arriving too slowly (called from the event loop)."""
        super().murder_pending()
        now = time.monotonic()
        for conn in list(self.reading):
            allowed = REQUEST_READ_TIMEOUT + len(conn.received) / REQUEST_MIN_RATE
            if now - conn.reading_since > allowed:
                self.stop_reading(conn)
                if conn.received:
                    self.send_quietly(conn, TIMED_OUT)
                self.close_connection(conn)
