"""Fetching a page from a website someone gave us, without being turned against our own network.

``fetch_public`` refuses any address that is not on the public internet: loopback, private
(10/8, 172.16/12, 192.168/16, fc00::/7), link-local (cloud metadata at 169.254.169.254), carrier
NAT, multicast and reserved ranges, and names that resolve to one. Redirects are followed by
hand, each hop checked the same way. The connection goes to the address that was checked (the
name is kept for the Host header and TLS), so a name cannot resolve to a public address for the
check and a private one for the request. At most ``max_bytes`` of the body are read, within
``timeout`` seconds for the whole fetch.

``OUTBOUND_ALLOWED_NETWORKS`` (settings, default none) lets tests reach a local test server.
"""

import asyncio
import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx
from django.conf import settings


class RefusedAddress(Exception):
    """The address (or a redirect) leads somewhere other than the public internet."""


class FetchFailed(Exception):
    """The site could not be read: no answer, a broken connection, too many redirects."""


@dataclass
class Fetched:
    url: str  # the final address, after redirects
    status_code: int
    body: bytes  # at most max_bytes


def allowed_networks():
    return [ipaddress.ip_network(network) for network in getattr(settings, "OUTBOUND_ALLOWED_NETWORKS", ())]


def is_public_address(address):
    """Whether an ``ipaddress`` address is on the public internet (or explicitly allowed)."""
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if any(address in network for network in allowed_networks()):
        return True
    return address.is_global and not address.is_multicast


def literal_address(host):
    """``host`` as an ``ipaddress`` address when it is written as one, else None."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def resolved(infos):
    """The addresses of ``getaddrinfo``'s answers (without an IPv6 scope)."""
    return [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]


def first_public(host, addresses):
    """The first of ``addresses`` of ``host``, if every one of them is public."""
    if not addresses or not all(is_public_address(address) for address in addresses):
        raise RefusedAddress(f"{host} is not an address on the public internet")
    return addresses[0]


def public_address_for(host, port):
    """The address to connect to for ``host``: every address it resolves to must be public."""
    literal = literal_address(host)
    if literal is not None:
        return first_public(host, [literal])
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchFailed(f"Cannot find {host}") from error
    return first_public(host, resolved(infos))


async def refuse_unless_public(request):
    """An httpx request hook for async clients that follow redirects: each request, every hop of a
    redirect included, must go to a host whose every address is public. (Not pinned as
    ``fetch_public`` is: for clients that only read a status, such as the link checker.)"""
    url = request.url
    if url.scheme not in ("http", "https") or not url.host:
        raise RefusedAddress("Only http and https web addresses can be checked")
    literal = literal_address(url.host)
    if literal is not None:
        first_public(url.host, [literal])
        return
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(url.host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchFailed(f"Cannot find {url.host}") from error
    first_public(url.host, resolved(infos))


def pinned_request(client, url, headers):
    """GET ``url`` from the checked address of its host; the response, its body not yet read."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RefusedAddress("Only http and https web addresses can be checked")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = public_address_for(parts.hostname, port)
    host_in_url = f"[{address}]" if address.version == 6 else str(address)
    netloc = f"{host_in_url}:{parts.port}" if parts.port else host_in_url
    pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    host_header = parts.hostname + (f":{parts.port}" if parts.port else "")
    request = client.build_request(
        "GET", pinned, headers={**headers, "Host": host_header}, extensions={"sni_hostname": parts.hostname}
    )
    return client.send(request, stream=True)


def fetch_public(url, *, max_bytes, timeout, user_agent, max_redirects=10):
    """GET ``url`` on the public internet: ``Fetched``, or ``RefusedAddress`` / ``FetchFailed``."""
    deadline = time.monotonic() + timeout
    # trust_env=False: a proxy named in the environment must not carry the request past these checks.
    with httpx.Client(follow_redirects=False, timeout=timeout, verify=True, trust_env=False) as client:
        for _hop in range(max_redirects + 1):
            if time.monotonic() > deadline:
                raise FetchFailed(f"No answer within {timeout:g} seconds")
            try:
                response = pinned_request(client, url, {"User-Agent": user_agent})
            except httpx.HTTPError as error:
                raise FetchFailed(str(error) or type(error).__name__) from error
            try:
                if response.is_redirect and response.headers.get("location"):
                    url = urljoin(url, response.headers["location"])
                    continue
                body = read_at_most(response, max_bytes, deadline)
                return Fetched(url=url, status_code=response.status_code, body=body)
            finally:
                response.close()
    raise FetchFailed(f"More than {max_redirects} redirects")


def read_at_most(response, max_bytes, deadline):
    """The first ``max_bytes`` of the body: a huge or endless page is cut, never read whole."""
    body = bytearray()
    try:
        for chunk in response.iter_bytes():
            body.extend(chunk)
            if len(body) >= max_bytes or time.monotonic() > deadline:
                break
    except httpx.HTTPError as error:
        raise FetchFailed(str(error) or type(error).__name__) from error
    return bytes(body[:max_bytes])
