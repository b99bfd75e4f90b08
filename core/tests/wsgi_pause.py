"""A WSGI app for the gunicorn worker's tests: answers after a pause, with the worker's process id."""

import os
import time

PAUSE_SECONDS = 0.4


def application(environ, start_response):
    time.sleep(PAUSE_SECONDS)
    body = str(os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
