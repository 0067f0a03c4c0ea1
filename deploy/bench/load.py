"""Closed-loop HTTP load on scoring through the balancer, every request with its own X-Request-ID (run by
deploy/bench/replicas; loopback only). Prints one JSON line: throughput, latency percentiles, status counts, and the
request ids answered 200 (written to a file) so the caller can check each one against the audit table.

    python deploy/bench/load.py --url http://127.0.0.1:18001 --key KEY --ids ids.txt --seconds 20 \
        --connections 16 --prefix run1 [--ok-ids out.txt]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np


class Connection:
    """One HTTP/1.1 keep-alive connection (a lean client: the generator shares 2 cores with what it measures)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, key: str) -> None:
        self.reader, self.writer = reader, writer
        self.fixed = f"Host: {host}\r\nAuthorization: Bearer {key}\r\n".encode()

    async def get(self, path: str, request_id: str) -> int:
        self.writer.write(b"GET " + path.encode() + b" HTTP/1.1\r\n" + self.fixed
                          + b"X-Request-ID: " + request_id.encode() + b"\r\n\r\n")
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
                break
        await self.reader.readexactly(length)
        return status


async def run(url: str, key: str, ids: list[int], seconds: float, connections: int, prefix: str
              ) -> tuple[list[float], Counter[int], list[str], float]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    latencies: list[float] = []
    statuses: Counter[int] = Counter()  # 0: connection lost or refused
    ok: list[str] = []
    counter = iter(range(10**9))
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        conn: Connection | None = None
        while time.perf_counter() < deadline:
            n = next(counter)
            request_id = f"{prefix}-{n:08d}"
            started = time.perf_counter()
            try:
                if conn is None:
                    reader, writer = await asyncio.open_connection(host, port)
                    conn = Connection(reader, writer, f"{host}:{port}", key)
                status = await conn.get(f"/v1/clients/{ids[n % len(ids)]}/score", request_id)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                status, conn = 0, None
                await asyncio.sleep(0.05)
            latencies.append((time.perf_counter() - started) * 1000)
            statuses[status] += 1
            if status == 200:
                ok.append(request_id)
        if conn is not None:
            conn.writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    return latencies, statuses, ok, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--ids", type=Path, required=True)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--ok-ids", type=Path)
    args = parser.parse_args()
    ids = [int(line) for line in args.ids.read_text().split()]
    latencies, statuses, ok, elapsed = asyncio.run(
        run(args.url, args.key, ids, args.seconds, args.connections, args.prefix))
    p50, p95, p99 = np.percentile(latencies, [50, 95, 99]) if latencies else (0.0, 0.0, 0.0)
    if args.ok_ids:
        args.ok_ids.write_text("\n".join(ok) + "\n")
    print(json.dumps({
        "requests": len(latencies), "ok": statuses[200], "rps_ok": round(statuses[200] / elapsed, 1),
        "p50_ms": round(float(p50), 2), "p95_ms": round(float(p95), 2), "p99_ms": round(float(p99), 2),
        "statuses": {str(k): v for k, v in sorted(statuses.items())}, "seconds": round(elapsed, 1),
    }))


if __name__ == "__main__":
    main()
