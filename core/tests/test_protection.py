"""The address the public forms' limits count against (core/protection.py).

A visitor cannot choose how their address is written, but the proxies in front of the site, and
IPv6 itself, can write one address many ways; and every address of an IPv6 /64 belongs to one
person. Whatever the form, one /64 (or one IPv4 address) must be one key.
"""

import ipaddress

from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from core.protection import client_ip_key
from core.security import sign_in_address

NETWORKS = st.integers(min_value=1, max_value=2**64 - 1)  # not ::/64, where IPv4-mapped addresses lie
INTERFACES = st.integers(min_value=0, max_value=2**64 - 1)
IPV4 = st.integers(min_value=1, max_value=2**32 - 1).map(ipaddress.IPv4Address)


def key_for(address):
    request = RequestFactory().get("/", REMOTE_ADDR=address)
    return client_ip_key("group", request)


def groups_of(address):
    return [f"{int(address) >> shift & 0xFFFF:x}" for shift in range(112, -1, -16)]


@st.composite
def textual_forms(draw, address):
    """``address`` (IPv6) written as a proxy or client library might write it."""
    groups = groups_of(address)
    form = draw(st.sampled_from(["compressed", "exploded", "padded", "upper", "bracketed", "bracketed port"]))
    if form == "compressed":
        return address.compressed
    if form == "exploded":
        return address.exploded
    if form == "padded":  # some groups zero-padded, others not
        widths = draw(st.lists(st.integers(1, 4), min_size=8, max_size=8))
        return ":".join(group.zfill(width) for group, width in zip(groups, widths, strict=True))
    if form == "upper":
        return address.compressed.upper()
    if form == "bracketed":
        return f"[{address.compressed}]"
    return f"[{address.exploded}]:{draw(st.integers(1, 65535))}"


@st.composite
def mapped_forms(draw, address):
    """An IPv4 address, or the same address IPv4-mapped into IPv6 in one of its spellings."""
    high, low = int(address) >> 16, int(address) & 0xFFFF
    return draw(
        st.sampled_from(
            [
                str(address),
                f"::ffff:{address}",
                f"::FFFF:{address}",
                f"0:0:0:0:0:ffff:{address}",
                f"0000:0000:0000:0000:0000:ffff:{address}",
                f"::ffff:{high:x}:{low:x}",
                f"[::ffff:{address}]",
                f"{address}:8080",
                ".".join(part.zfill(3) for part in str(address).split(".")),
            ]
        )
    )


@given(network=NETWORKS, interfaces=st.lists(INTERFACES, min_size=2, max_size=4), data=st.data())
def test_every_address_of_one_ipv6_64_in_any_form_shares_one_key(network, interfaces, data):
    """Addresses in one /64, however they are written, count as one visitor.

    If this fails, a flooder with an IPv6 network (every home and phone has one) gets a fresh limit
    for each of its 2**64 addresses, or for each way of writing one.
    """
    keys = set()
    for interface in interfaces:
        address = ipaddress.IPv6Address(network << 64 | interface)
        keys.add(key_for(data.draw(textual_forms(address))))
    assert len(keys) == 1
    assert keys == {f"{ipaddress.IPv6Address(network << 64)}/64"}


@given(first=NETWORKS, second=NETWORKS, interface=INTERFACES)
def test_different_ipv6_64s_have_different_keys(first, second, interface):
    """Two different /64s are two visitors.

    If this fails, strangers share (and use up) each other's limit.
    """
    if first == second:
        return
    assert key_for(str(ipaddress.IPv6Address(first << 64 | interface))) != key_for(
        str(ipaddress.IPv6Address(second << 64 | interface))
    )


@given(address=IPV4, data=st.data())
def test_an_ipv4_address_has_one_key_whether_written_plain_or_mapped_into_ipv6(address, data):
    """``::ffff:192.0.2.1`` is 192.0.2.1: one visitor, one key (the IPv4 address itself).

    If this fails, a dual-stack server that reports some connections as IPv4-mapped IPv6 gives one
    visitor two limits (or lumps every IPv4 visitor into the one /64 ``::ffff:0:0/96`` lies in).
    """
    assert key_for(data.draw(mapped_forms(address))) == str(address)


@given(network=NETWORKS, interface=INTERFACES)
def test_admin_sign_in_locks_count_a_whole_ipv6_64_as_one_address(network, interface):
    """django-axes locks sign-ins per address: an IPv6 /64 must be one address there too.

    If this fails, an attacker guesses editors' passwords five at a time from each address of their /64.
    """
    request = RequestFactory().get("/", REMOTE_ADDR=str(ipaddress.IPv6Address(network << 64 | interface)))
    assert sign_in_address(request) == str(ipaddress.IPv6Address(network << 64))


def test_no_address_is_one_key_and_not_an_error():
    """A request with no usable address (a Unix socket, junk from a misconfigured proxy) still gets a key."""
    assert key_for("") == "unknown"
    assert key_for("not-an-address") == "not-an-address"
