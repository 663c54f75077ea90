"""Times each page of `kring serve` over one keep-alive connection, one request at a time, and prints per page
the p50 and p99 of the time from sending the request to having read the whole answer (server render plus loopback,
an upper bound on the server's own time) and the page's size in bytes.

Usage: measure.py BASE FACILITATOR_LINK PARTICIPANT_LINK SESSION_ID GROUP_ID [REQUESTS]
"""

import http.client
import re
import statistics
import sys
import time
import urllib.parse


def sign_in(host: str, port: int, link: str) -> str:
    connection = http.client.HTTPConnection(host, port)
    connection.request("GET", urllib.parse.urlsplit(link).path)
    answer = connection.getresponse()
    answer.read()
    assert answer.status == 303, answer.status
    cookie = answer.getheader("Set-Cookie").split(";")[0]
    connection.close()
    return cookie


def measure(connection, cookie: str, method: str, path: str, form: dict | None, requests: int):
    times = []
    size = 0
    body = urllib.parse.urlencode(form) if form is not None else None
    headers = {"Cookie": cookie}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    for _ in range(requests):
        start = time.perf_counter()
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        data = answer.read()
        times.append((time.perf_counter() - start) * 1000)
        assert answer.status == 200, (path, answer.status, data[:300])
        size = len(data)
    times.sort()
    p50 = statistics.median(times)
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    return p50, p99, size


def main() -> None:
    base, facilitator_link, participant_link, session, group = sys.argv[1:6]
    requests = int(sys.argv[6]) if len(sys.argv) > 6 else 500
    split = urllib.parse.urlsplit(base)
    facilitator = sign_in(split.hostname, split.port, facilitator_link)
    participant = sign_in(split.hostname, split.port, participant_link)
    connection = http.client.HTTPConnection(split.hostname, split.port)

    def csrf(cookie: str) -> str:
        connection.request("GET", "/me/subscribe", headers={"Cookie": cookie})
        text = connection.getresponse().read().decode()
        return re.search(r'name="csrf" value="([^"]+)"', text).group(1)

    pages = [
        ("facilitator", facilitator, "GET", "/me", None),
        ("facilitator", facilitator, "GET", f"/me/sessions/{session}", None),
        ("facilitator", facilitator, "GET", f"/me/sessions/{session}/decline", None),
        ("facilitator", facilitator, "GET", "/me/availability", None),
        ("facilitator", facilitator, "GET", "/me/blockouts", None),
        ("facilitator", facilitator, "GET", "/me/busy", None),
        ("participant", participant, "GET", "/me", None),
        ("participant", participant, "GET", f"/me/sessions/{session}", None),
        ("participant", participant, "GET", f"/me/groups/{group}/withdraw", None),
        ("participant", participant, "GET", "/me/subscribe", None),
        ("participant", participant, "POST", "/me/subscribe", {"csrf": csrf(participant)}),
        ("participant", participant, "GET", "/me/calendar.ics", None),
    ]
    print(f"{'who':<12} {'page':<34} {'p50 ms':>8} {'p99 ms':>8} {'bytes':>7}   ({requests} requests each)")
    worst = 0.0
    largest = 0
    for who, cookie, method, path, form in pages:
        # A few unmeasured requests first, so the feed cache and SQLite's page cache are as in steady use.
        measure(connection, cookie, method, path, form, 5)
        count = requests if method == "GET" else max(50, requests // 10)
        p50, p99, size = measure(connection, cookie, method, path, form, count)
        worst = max(worst, p99)
        if path != "/me/calendar.ics":
            largest = max(largest, size)
        print(f"{who:<12} {method + ' ' + path:<34} {p50:8.2f} {p99:8.2f} {size:7d}")
    print(f"worst p99 {worst:.2f} ms (target 100 ms); largest page {largest} bytes (target 50,000)")


if __name__ == "__main__":
    main()
