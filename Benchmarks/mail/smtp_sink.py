"""An SMTP server that accepts every message and throws it away, so a benchmark measures the clients' own cost
rather than an MTA's queue work. Plain asyncio (no aiosmtpd) to keep the server's own work per message small: it
answers EHLO/HELO, MAIL, RCPT, DATA (reads up to the lone dot in one call), RSET, NOOP and QUIT, one connection
at a time or several. On SIGTERM it writes {"messages": N, "connections": N, "commands": N, "bytes": N} to STATS and exits.

usage: smtp_sink.py PORT STATS   (prints "ready" once listening)
"""

import asyncio
import json
import signal
import sys

port, stats_path = int(sys.argv[1]), sys.argv[2]
stats = {"messages": 0, "connections": 0, "commands": 0, "bytes": 0}


async def session(reader, writer):
    stats["connections"] += 1
    writer.write(b"220 sink ESMTP\r\n")
    try:
        while True:
            line = await reader.readline()
            if not line:
                break
            stats["commands"] += 1
            verb = line[:4].upper()
            if verb == b"EHLO":
                writer.write(b"250-sink\r\n250-8BITMIME\r\n250 SIZE 52428800\r\n")
            elif verb in (b"HELO", b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                writer.write(b"250 OK\r\n")
            elif verb == b"DATA":
                writer.write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                await writer.drain()
                body = await reader.readuntil(b"\r\n.\r\n")
                stats["messages"] += 1
                stats["bytes"] += len(body)
                writer.write(b"250 2.0.0 Ok: discarded\r\n")
            elif verb == b"QUIT":
                writer.write(b"221 Bye\r\n")
                await writer.drain()
                break
            else:
                writer.write(b"502 Command not implemented\r\n")
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    writer.close()


async def main():
    server = await asyncio.start_server(session, "127.0.0.1", port, limit=64 * 1024 * 1024)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    print("ready", flush=True)
    async with server:
        await stop.wait()
    with open(stats_path, "w") as f:
        json.dump(stats, f)


asyncio.run(main())
