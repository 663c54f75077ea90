"""Prints a free TCP port on 127.0.0.1 for a test server (the kernel picks it; the caller binds it next)."""

import socket

with socket.socket() as probe:
    probe.bind(("127.0.0.1", 0))
    print(probe.getsockname()[1])
