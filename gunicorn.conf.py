"""gunicorn settings for the web container: `gunicorn -c gunicorn.conf.py wsgi:application`.

Every value can be changed from the environment, so one image serves a laptop, a single
server and a fleet of containers behind a load balancer. docs/deployment.md lists the variables.
"""

import os


def _env_int(name, default):
    return int(os.environ.get(name, default))


# Where to listen: GUNICORN_BIND wins; otherwise every interface on PORT (8000 by default).
bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"

# Size the container with WEB_CONCURRENCY (processes) and GUNICORN_THREADS (threads in each).
# Each thread may hold one database connection.
workers = _env_int("WEB_CONCURRENCY", 2)
threads = _env_int("GUNICORN_THREADS", 4)
# gunicorn's threaded worker, except that a thread gets a connection only once its whole request
# has arrived (core/gunicorn_worker.py): clients that send slowly (slowloris) cannot hold the
# threads. GUNICORN_REQUEST_READ_TIMEOUT and GUNICORN_REQUEST_MIN_RATE bound how slowly.
worker_class = "core.gunicorn_worker.BufferingThreadWorker"

# Replace each worker after about a thousand requests, at staggered times, so a slow memory
# leak cannot grow without bound and the workers never all restart at once.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _env_int("GUNICORN_MAX_REQUESTS_JITTER", 100)

# Load Django once in the master: a broken setting stops the container at start rather than in
# every worker, and the workers share the imported code's memory.
preload_app = True

timeout = _env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Behind a load balancer keep idle connections open longer than the balancer does (it decides).
keepalive = _env_int("GUNICORN_KEEPALIVE", 5)

# Logs go to stdout/stderr, where the container runtime collects them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Which proxies may tell gunicorn the original scheme (X-Forwarded-Proto). Set it to the load
# balancer's address, or "*" when only the balancer can reach the container.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Worker heartbeats on a memory file system: a container's disk can stall them into timeouts.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# gunicorn's runtime control socket is off unless asked for: the orchestrator starts and stops
# containers, and two servers on one machine would otherwise compete for the same socket file.
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")
if not control_socket_disable:
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]


def when_ready(server):
    """Before the first worker is forked: what Django builds on a worker's first request (core/warm.py)."""
    import gc

    from core.warm import warm_up

    server.log.info("Warmed up: %d templates compiled", warm_up())
    # What is loaded so far (Django, Wagtail, compiled templates) lives as long as the workers.
    # Frozen, it is left out of their full garbage collections, which stop every thread, and its
    # memory stays shared with the master (docs/benchmarks.md).
    gc.freeze()


def worker_exit(server, worker):
    """A worker replaced after max_requests leaves without a last full garbage collection.

    Tearing down a large heap kept the old worker alive for seconds, and gunicorn starts the
    replacement only once it has gone, so requests queued meanwhile (docs/benchmarks.md).
    """
    import gc

    gc.freeze()
