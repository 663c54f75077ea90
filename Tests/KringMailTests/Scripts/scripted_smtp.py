"""A scripted SMTP server on 127.0.0.1 for the KringMail tests (aiosmtpd).

usage: scripted_smtp.py MODE DIR [CERTDIR]
Writes the port it listens on to DIR/port once it accepts connections. Every accepted message goes to
DIR/msg-N.eml with its envelope in DIR/msg-N.json; every connection adds a line to DIR/connections, and to DIR/closed when it ends.
MODE: accept | drop-after-data | greet421 | rcpt451 | rcpt550 | data421 | auth-refuse | auth-accept | starttls | smtps
(in every accepting mode, a recipient whose address starts with "reject" gets 550)
Only `starttls` offers (and requires) STARTTLS and only `smtps` speaks TLS from the start, both with
CERTDIR/cert.pem and CERTDIR/key.pem.
"""

import asyncio
import json
import os
import socket
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult

mode, directory = sys.argv[1], sys.argv[2]
counter = 0
tls = None
if mode in ("starttls", "smtps"):
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(os.path.join(sys.argv[3], "cert.pem"), os.path.join(sys.argv[3], "key.pem"))


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if mode == "rcpt451":
            return "451 4.3.0 Try again later"
        if mode == "rcpt550" or address.startswith("reject"):
            # Echo the address, as real servers do: the client must scrub it.
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        global counter
        if mode == "data421":
            return "421 4.3.2 Service shutting down"
        counter += 1
        base = os.path.join(directory, f"msg-{counter}")
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content)
        with open(base + ".json", "w") as f:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos}, f)
        if mode == "drop-after-data":
            # As a server closing an idle connection would: the client only finds out on its next command.
            asyncio.get_running_loop().call_later(0.05, server.transport.close)
        return f"250 2.0.0 Ok: queued as Q{counter:05d} for <{envelope.rcpt_tos[0]}>"


def authenticator(server, session, envelope, mechanism, auth_data):
    return AuthResult(success=(mode == "auth-accept"), handled=False)


class CountingSMTP(SMTP):
    def connection_made(self, transport):
        with open(os.path.join(directory, "connections"), "a") as f:
            f.write("connection\n")
        super().connection_made(transport)

    def connection_lost(self, error):
        with open(os.path.join(directory, "closed"), "a") as f:
            f.write("closed\n")
        super().connection_lost(error)


class Greet421(asyncio.Protocol):
    def connection_made(self, transport):
        transport.write(b"421 4.3.2 Too busy, try later\r\n")
        transport.close()


def factory():
    if mode == "greet421":
        return Greet421()
    auth = mode.startswith("auth-")
    return CountingSMTP(
        Handler(),
        decode_data=False,
        hostname="scripted.invalid",
        authenticator=authenticator if auth else None,
        auth_require_tls=False,
        auth_required=auth,
        tls_context=tls if mode == "starttls" else None,
        require_starttls=mode == "starttls",
    )


async def main():
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    server = await asyncio.get_running_loop().create_server(factory, sock=sock, ssl=tls if mode == "smtps" else None)
    port_file = os.path.join(directory, "port")
    with open(port_file + ".tmp", "w") as f:
        f.write(str(sock.getsockname()[1]))
    os.rename(port_file + ".tmp", port_file)
    async with server:
        await server.serve_forever()


asyncio.run(main())
