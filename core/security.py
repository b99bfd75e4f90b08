"""Site-wide defences that live in middleware and in django-axes' hooks.

- ``ContentSecurityPolicyMiddleware``: django-csp with two policies. Public pages get the strict
  ``CONTENT_SECURITY_POLICY`` (no inline script or style at all); the Wagtail admin, whose own
  templates carry a few inline scripts and styles, gets ``CONTENT_SECURITY_POLICY_ADMIN``.
  django-csp's per-view decorators cannot reach Wagtail's admin views, hence the path test.
- ``sign_in_address``: the address django-axes counts failures against, read as the rate limits
  read it (behind ``TRUSTED_PROXY_COUNT`` proxies).
- ``sign_in_locked_out``: what django-axes shows after too many failed admin sign-ins: a plain
  page saying when to try again, never a crash or a hint whether the password was right.
- ``RequestBodyLimitMiddleware``: a post to the public site may be at most
  ``PUBLIC_FORM_MAX_BYTES``, counted on the bytes actually sent (a chunked body too), before
  anything (the CSRF check first) reads it.

See docs/security.md for the threat model these belong to.
"""

import io
import math

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpResponse
from django.shortcuts import render

from core.protection import client_ip, limit_address, payload_too_large


def is_admin_path(path):
    """Whether ``path`` is one of the admin sites (``CSP_ADMIN_URL_PREFIXES``)."""
    return path.startswith(tuple(getattr(settings, "CSP_ADMIN_URL_PREFIXES", ())))


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's policy on admin paths."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        # A view's own @csp decorator still wins; otherwise the admin gets its looser policy.
        if not report_only and parts.config is None and is_admin_path(request.path_info):
            parts.config = settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"]
        return parts


def sign_in_address(request):
    """django-axes' AXES_CLIENT_IP_CALLABLE: the visitor's address, or None when there is none.

    Read as the rate limits read it: an IPv6 address stands for its whole /64 (its first address),
    so an attacker cannot get a fresh set of tries from each of the network's addresses.

    Axes stores it in an IP-address column, which PostgreSQL refuses anything else for (a request
    over a Unix socket, or a test client's, has no REMOTE_ADDR).
    """
    address = limit_address(client_ip(request))
    return None if address is None else str(address)


def sign_in_locked_out(request, original_response=None, credentials=None):
    """django-axes' AXES_LOCKOUT_CALLABLE: the "too many attempts" page (HTTP 429).

    The page is the same whether or not the last password was right, so it tells an attacker
    nothing, and it says how long the wait is so an editor who mistyped knows what to do.
    """
    cool_off = settings.AXES_COOLOFF_TIME
    minutes = max(1, math.ceil(cool_off.total_seconds() / 60)) if cool_off else None
    response = render(
        request,
        "core/sign_in_locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "retry_minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    if minutes:
        response["Retry-After"] = str(minutes * 60)
    response["Cache-Control"] = "private, no-store"
    return response


class RequestBodyLimitMiddleware:
    """Refuse an over-long post to the public site before anything reads it, whatever its framing.

    A body that states its length (``Content-Length``) over ``PUBLIC_FORM_MAX_BYTES`` gets the 413
    page at once. A body sent in chunks states none, and Django would read none of it: it is read
    here, at most one byte past the limit, and either refused (413) or handed on as a body of
    known length, so the forms and the CSRF check see exactly the bytes that were sent. The admin
    keeps Django's own limits (uploads are larger); a chunked body there may be at most
    ``DATA_UPLOAD_MAX_MEMORY_SIZE``. A chunked body from a server that cannot say where it ends
    (``wsgi.input_terminated`` unset) is refused with 411, as reading it could wait for ever.

    Sits before CsrfViewMiddleware, whose check is the first thing to read a post's body.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = self.refusal(request)
        if refusal is not None:
            return refusal
        return self.get_response(request)

    def refusal(self, request):
        admin = is_admin_path(request.path_info)
        public_limit = getattr(settings, "PUBLIC_FORM_MAX_BYTES", 64 * 1024)
        stated = request.META.get("CONTENT_LENGTH") or ""
        if stated.strip():
            try:
                length = int(stated)
            except ValueError:
                return None  # Django reads nothing of a body with a bad length
            return payload_too_large(request).render() if not admin and length > public_limit else None
        if "chunked" not in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            return None
        if not request.META.get("wsgi.input_terminated"):
            return HttpResponse(status=411)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE if admin else public_limit
        body = read_at_most(request.META["wsgi.input"], limit + 1)
        if len(body) > limit:
            return payload_too_large(request).render()
        request.META["CONTENT_LENGTH"] = str(len(body))
        request._stream = LimitedStream(io.BytesIO(body), len(body))
        return None


def read_at_most(stream, size):
    """Up to ``size`` bytes of ``stream``, read until it ends or that many have come."""
    parts, remaining = [], size
    while remaining > 0:
        part = stream.read(min(remaining, 64 * 1024))
        if not part:
            break
        parts.append(part)
        remaining -= len(part)
    return b"".join(parts)
