"""Mixed load against `kring serve` for a fixed number of requests: reads (groups, a roster, sessions), feeds and
enrolments (generated pseudonym, no contact, each with its own Idempotency-Key), from THREADS clients at once.
Prints latency per kind, status counts, and writes the acknowledged participant ids to ACKS (one a line)."""
import http.client
import json
import random
import sys
import threading
import time
import uuid

host, port = sys.argv[1], int(sys.argv[2])
token, feeds_file, groups, total, threads, acks_path = (
    sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7]), sys.argv[8])
feed_tokens = [line.strip() for line in open(feeds_file) if line.strip()]
lock = threading.Lock()
latencies = {"read": [], "feed": [], "enrol": []}
statuses = {}
acknowledged = []
counter = {"next": 0}


def take():
    with lock:
        if counter["next"] >= total:
            return None
        counter["next"] += 1
        return counter["next"]


def worker(seed):
    rng = random.Random(seed)
    connection = http.client.HTTPConnection(host, port, timeout=300)
    headers = {"Authorization": "Bearer " + token}
    while take() is not None:
        roll = rng.random()
        group = f"groep-{rng.randrange(groups) + 1:04d}"
        body = None
        request_headers = dict(headers)
        if roll < 0.6:
            kind = "read"
            path = rng.choice(["/api/groups", f"/api/groups/{group}/roster", f"/api/sessions?group={group}"])
            method = "GET"
        elif roll < 0.8:
            kind, method = "feed", "GET"
            path = f"/feeds/{rng.choice(feed_tokens)}.ics"
            request_headers = {}
        else:
            kind, method, path = "enrol", "POST", "/api/enrolments"
            body = json.dumps({"group": group, "relation": "partner"})
            request_headers["Content-Type"] = "application/json"
            request_headers["Idempotency-Key"] = str(uuid.uuid4())
        started = time.monotonic()
        try:
            connection.request(method, path, body=body, headers=request_headers)
            response = connection.getresponse()
            data = response.read()
            status = response.status
        except Exception as error:  # a connection failure counts, and the next request reconnects
            status = "conn:" + type(error).__name__
            data = b""
            connection.close()
            connection = http.client.HTTPConnection(host, port, timeout=300)
        elapsed = time.monotonic() - started
        with lock:
            latencies[kind].append(elapsed)
            statuses[(kind, status)] = statuses.get((kind, status), 0) + 1
            if kind == "enrol" and status == 201:
                acknowledged.append(json.loads(data)["participantId"])


workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
started = time.monotonic()
for w in workers:
    w.start()
for w in workers:
    w.join()
wall = time.monotonic() - started
with open(acks_path, "w") as out:
    out.write("\n".join(str(a) for a in acknowledged) + "\n")


def pct(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] if ordered else 0


print(f"requests {total} in {wall:.1f} s from {threads} clients")
for kind, values in latencies.items():
    print(f"{kind:6} n={len(values):5} p50={pct(values, 0.5) * 1000:8.1f} ms p99={pct(values, 0.99) * 1000:8.1f} ms "
          f"max={max(values or [0]) * 1000:8.1f} ms")
for (kind, status), count in sorted(statuses.items(), key=str):
    print(f"status {kind} {status}: {count}")
server_errors = sum(c for (k, s), c in statuses.items() if isinstance(s, int) and s >= 500 and s != 503)
print(f"5xx (other than 503 busy): {server_errors}")
