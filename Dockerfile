# syntax=docker/dockerfile:1
# The Peer Support Directory's image: one image for the web containers, the task worker and
# one-off commands (migrate, check_links, ...). docs/deployment.md says how to run and scale it.

# --- Stage 1: the front end (GOV.UK Frontend and our styles and scripts) --------------------
FROM node:20-bookworm-slim AS frontend

WORKDIR /build/frontend
# Dependencies first, so editing a stylesheet does not reinstall them.
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY frontend/ ./
RUN npm run --silent build


# --- Stage 2: the Python application ---------------------------------------------------------
FROM python:3.11-slim-bookworm AS app

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=settings.production \
    PORT=8000

# The application runs as this unprivileged user; the code it runs belongs to root, so a
# compromised process cannot rewrite it. Only the media folder is the app's to write.
RUN groupadd --system --gid 1000 directory \
    && useradd --system --uid 1000 --gid directory --create-home --home-dir /home/directory directory

WORKDIR /app

COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .
COPY --from=frontend /build/frontend/build ./frontend/build

# Static files are collected and fingerprinted once, here, so every container serves the same
# files (whitenoise) and none has to write to disk at start. The key exists only for this step.
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput -v0 \
    && mkdir -p /app/media \
    && chown directory:directory /app/media

USER directory

EXPOSE 8000

# Healthy means gunicorn answers and the database does (/healthz). The request names the first
# ALLOWED_HOSTS entry so Django accepts it; /healthz is exempt from the HTTPS redirect.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request as r; host = os.environ.get('ALLOWED_HOSTS', 'localhost').split(',')[0].strip().lstrip('.*') or 'localhost'; r.urlopen(r.Request('http://127.0.0.1:' + os.environ.get('PORT', '8000') + '/healthz', headers={'Host': host}), timeout=4)"

CMD ["gunicorn", "-c", "gunicorn.conf.py", "wsgi:application"]
