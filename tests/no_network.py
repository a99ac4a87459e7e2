"""Refuse every network connection except to this machine (loopback).

The test run installs this in its own process and, through an IPython
startup file, in every notebook kernel the tests start (nbval, the
determinism test, the benchmarks' kernels). A notebook or loader that
reaches for the internet then fails with a clear ``OSError`` instead of
hanging on a classroom's flaky network. Jupyter's own traffic (the kernel's
ZeroMQ sockets, the test server) stays on 127.0.0.1 and is allowed.

`.ci/run` adds the same guarantee below Python: it runs the whole suite in a
network namespace with only the loopback interface (``unshare -n``).
"""

from __future__ import annotations

import ipaddress
import socket

LOCAL_NAMES = {None, "", "localhost", "localhost.localdomain", "ip6-localhost"}


def is_local(host: object) -> bool:
    """True for a name or address on this machine."""
    if isinstance(host, bytes):
        host = host.decode()
    if host in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


class NetworkBlocked(OSError):
    """Raised instead of reaching another machine."""


def _refuse(what: str) -> None:
    raise NetworkBlocked(
        f"the course's tests run offline: {what} was refused. Nothing in the course may "
        "download at run time; ship the file with the course or load it from a package."
    )


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo
_real_gethostbyname = socket.gethostbyname
_real_gethostbyname_ex = socket.gethostbyname_ex
_real_sendto = socket.socket.sendto


def _guarded_connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not is_local(address[0]):
        _refuse(f"a connection to {address[0]}:{address[1]}")
    return _real_connect(self, address)


def _guarded_connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not is_local(address[0]):
        _refuse(f"a connection to {address[0]}:{address[1]}")
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host, *args, **kwargs):
    if not is_local(host):
        _refuse(f"looking up the address of {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


def _guarded_gethostbyname(host):
    if not is_local(host):
        _refuse(f"looking up the address of {host!r}")
    return _real_gethostbyname(host)


def _guarded_gethostbyname_ex(host):
    if not is_local(host):
        _refuse(f"looking up the address of {host!r}")
    return _real_gethostbyname_ex(host)


def _guarded_sendto(self, data, *rest):
    address = rest[-1]  # sendto(data, address) or sendto(data, flags, address)
    if self.family in (socket.AF_INET, socket.AF_INET6) and not is_local(address[0]):
        _refuse(f"a datagram to {address[0]}:{address[1]}")
    return _real_sendto(self, data, *rest)


def install() -> None:
    """Refuse non-loopback connections, datagrams and name lookups in this process.

    This is Python's socket layer only; a program started as a separate
    process (a browser, git) is outside it, which is why CI also cuts the
    network itself.
    """
    socket.socket.connect = _guarded_connect
    socket.socket.connect_ex = _guarded_connect_ex
    socket.socket.sendto = _guarded_sendto
    socket.getaddrinfo = _guarded_getaddrinfo
    socket.gethostbyname = _guarded_gethostbyname
    socket.gethostbyname_ex = _guarded_gethostbyname_ex


def startup_script() -> str:
    """An IPython startup file that installs the guard in a kernel, leaving no names behind."""
    return (
        "# Written by the course's tests: kernels started by the tests run offline.\n"
        "import importlib.util as _util\n"
        f"_spec = _util.spec_from_file_location('course_no_network', {__file__!r})\n"
        "_module = _util.module_from_spec(_spec)\n"
        "_spec.loader.exec_module(_module)\n"
        "_module.install()\n"
        "del _util, _spec, _module\n"
    )
