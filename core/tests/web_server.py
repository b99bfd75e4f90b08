"""A local web server for tests that fetch from websites: routes set per test, requests recorded.

``serve(host)`` starts one on a free port of ``host`` (127.0.0.2 is a loopback address like
127.0.0.1, so a test can allow one and refuse the other); ``server.routes[path] = (status,
headers, body)`` says what a path answers, and ``server.requests`` lists the paths asked for.
"""

import contextlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class RoutesHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.requests.append(self.path)
        status, headers, body = self.server.routes.get(self.path.split("?")[0], (404, {}, b""))
        if callable(body):
            body = body()
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading, as it should past its size limit

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(host="127.0.0.2"):
    server = ThreadingHTTPServer((host, 0), RoutesHandler)
    server.daemon_threads = True
    server.routes, server.requests = {}, []
    server.base = f"http://{host}:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
