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
import gzip
import http.client
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

from fanout import build_fixture, free_port, log_tail, server_env, start_daphne, stop_process

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


def join(port: int, code: str, table: int, territory: int) -> str:
    """Joins as a participant; the Cookie header a phone then sends."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.request("GET", f"/j/{code}/")
    response = conn.getresponse()
    response.read()
    csrf = SimpleCookie(response.getheader("Set-Cookie", ""))["csrftoken"].value
    form = urlencode(
        {"first_name": "Yuna", "table": table, "territory": territory, "csrfmiddlewaretoken": csrf}
    )
    conn.request(
        "POST",
        f"/j/{code}/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf}",
            "Origin": f"http://{HOST}:{port}",
        },
    )
    response = conn.getresponse()
    response.read()
    conn.close()
    cookies = SimpleCookie()
    for value in response.msg.get_all("Set-Cookie") or []:
        cookies.load(value)
    if response.status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"join failed: HTTP {response.status}")
    return f"csrftoken={csrf}; sessionid={cookies['sessionid'].value}"


def first_load(port: int, code: str, cookie: str) -> list[Fetched]:
    """The phone page, then each asset it references (in the page's order)."""
    page, html = fetch(port, f"/j/{code}/", cookie)
    assets = [urlsplit(urljoin(f"/j/{code}/", src)).path for src in ASSET.findall(html)]
    return [page, *(fetch(port, path, cookie)[0] for path in dict.fromkeys(assets))]


def wait_listening(port: int, proc, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"Daphne exited:\n{log_tail(log)}")
        try:
            http.client.HTTPConnection(HOST, port, timeout=1).connect()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"Daphne not listening in 30 s:\n{log_tail(log)}")


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
        wait_listening(port, proc, log)
        cookie = join(port, fixture.code, fixture.table_ids[0], fixture.territory_ids[0])
        report(first_load(port, fixture.code, cookie))
    finally:
        if proc is not None:
            stop_process(proc)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
