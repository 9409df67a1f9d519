"""What a phone downloads on its first visit: the phone page and every asset it names.

It builds a throwaway SQLite workshop, runs ``collectstatic`` into a temp
``PANIERS_VAR_DIR`` as ``make run`` does, starts one Daphne, joins a participant over
HTTP, then fetches the phone page (``/j/<code>/``) and each ``<script src>`` and
``<link href>`` it references, asking for gzip as a phone's browser does. It prints,
per file, the bytes before compression (raw), the body as sent (wire), the response
headers, and the ``Cache-Control`` of each asset. See docs/performance.md.

    python bench/page_weight.py
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import http.client
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import aiohttp
from fanout import (
    HTTP_TIMEOUT,
    Fixture,
    Phone,
    Room,
    build_fixture,
    free_port,
    join_phone,
    server_env,
    start_daphne,
    stop_process,
    wait_ready,
)

HOST = "127.0.0.1"
ASSET = re.compile(r'<(?:script[^>]*\ssrc|link[^>]*\shref)="(/[^"]+)"')


@dataclass
class Fetched:
    path: str
    raw: int  # body bytes once decompressed
    wire: int  # body bytes as sent
    headers: int  # status line and response headers, as sent (approximately: reassembled)
    encoding: str
    cache_control: str


def fetch(port: int, path: str, cookie: str = "") -> tuple[Fetched, str]:
    """GET ``path`` as a phone would (gzip accepted); the figures and the decoded text."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    headers = {"Accept-Encoding": "gzip", "Accept-Language": "fr"}
    if cookie:
        headers["Cookie"] = cookie
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path}: HTTP {response.status}")
    encoding = response.getheader("Content-Encoding", "")
    raw = gzip.decompress(body) if encoding == "gzip" else body
    header_bytes = len(f"HTTP/1.1 {response.status} {response.reason}\r\n\r\n") + sum(
        len(f"{name}: {value}\r\n") for name, value in response.getheaders()
    )
    return Fetched(
        path,
        len(raw),
        len(body),
        header_bytes,
        encoding or "-",
        response.getheader("Cache-Control", ""),
    ), raw.decode("utf-8", errors="replace")


async def join(port: int, proc, log: Path, fixture: Fixture) -> str:
    """Once Daphne answers, joins table 1 as a participant, as the other benches' phones
    do; the Cookie header the phone then sends."""
    phone = Phone(index=0, table=0, territory=0, worker=0)
    async with aiohttp.ClientSession(
        cookie_jar=aiohttp.DummyCookieJar(), timeout=HTTP_TIMEOUT
    ) as http:
        await wait_ready(http, port, proc, log)
        await join_phone(http, Room(argparse.Namespace(), fixture, [port]), phone)
    return phone.cookie()


def first_load(port: int, code: str, cookie: str) -> list[Fetched]:
    """The phone page, then each asset it references (in the page's order)."""
    page, html = fetch(port, f"/j/{code}/", cookie)
    assets = [urlsplit(urljoin(f"/j/{code}/", src)).path for src in ASSET.findall(html)]
    return [page, *(fetch(port, path, cookie)[0] for path in dict.fromkeys(assets))]


def report(files: list[Fetched]) -> None:
    print(f"{'file':<48} {'raw':>8} {'wire':>8} {'headers':>8}  enc   cache-control")
    for f in files:
        name = f.path if len(f.path) <= 48 else "…" + f.path[-47:]
        print(
            f"{name:<48} {f.raw:>8} {f.wire:>8} {f.headers:>8}  {f.encoding:<5} {f.cache_control}"
        )
    raw, wire = sum(f.raw for f in files), sum(f.wire for f in files)
    headers = sum(f.headers for f in files)
    print(f"{'total':<48} {raw:>8} {wire:>8} {headers:>8}")
    print(
        f"first load: {raw / 1000:.1f} KB raw, {wire / 1000:.1f} KB of bodies on the wire, "
        f"{(wire + headers) / 1000:.1f} KB with headers"
    )


def main() -> int:
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="paniers-weight-"))
    proc = None
    try:
        args = argparse.Namespace(redis_url="", layer="core")
        env = server_env(args, f"sqlite:///{tmp / 'bench.sqlite3'}", tmp)
        fixture = build_fixture(env, tables=1)
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)  # as make run does
        port, log = free_port(), tmp / "daphne.log"
        proc = start_daphne(port, env, log)
        cookie = asyncio.run(join(port, proc, log, fixture))
        report(first_load(port, fixture.code, cookie))
    finally:
        if proc is not None:
            stop_process(proc)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
