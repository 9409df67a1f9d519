"""Smoke test of the compose stack, through its proxy, as phones and a facilitator use it.

``first``: the join page; the proxy's static files (cached, with long cache headers) and
its body-size limit; two phones join table 1 of the demo workshop; the facilitator starts
phase 1; phone A's post-it reaches phone B's websocket; the facilitator asks for the
report's PDF and the worker builds it. What it needs again is written to ``--state``.

``again`` (after ``down`` and ``up``): phone A's session still opens its board with the
post-it on it, the facilitator's session still downloads the PDF, and a new post-it
still reaches phone B. Last, wrong join codes sent with made-up ``X-Forwarded-For``
addresses are still counted as one address (the proxy's header and TRUSTED_PROXIES).

Each step's time is printed; the whole is bounded (no step waits more than
STEP_SECONDS). Run by .ci/containers.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import re
import secrets
import sys
import time
from pathlib import Path

import aiohttp

STEP_SECONDS = 180.0
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"  # workshops/codes.py: a well-formed wrong code


class SmokeFailure(Exception):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


class Actor:
    """A browser of its own: its cookies, its CSRF token, the Origin a page would send."""

    def __init__(self, base: str, cookies: dict[str, str] | None = None):
        self.base = base
        jar = aiohttp.CookieJar(unsafe=True)  # keeps cookies for an IP address
        if cookies:
            jar.update_cookies(cookies, response_url=aiohttp.client.URL(base))
        self.http = aiohttp.ClientSession(cookie_jar=jar, timeout=aiohttp.ClientTimeout(total=60))

    def cookie(self, name: str) -> str:
        for cookie in self.http.cookie_jar:
            if cookie.key == name:
                return cookie.value
        return ""

    def headers(self, htmx: bool = True) -> dict[str, str]:
        headers = {"Origin": self.base, "X-CSRFToken": self.cookie("csrftoken")}
        if htmx:
            headers["HX-Request"] = "true"
        return headers

    async def get(self, path: str, **kwargs) -> tuple[int, bytes, aiohttp.ClientResponse]:
        async with self.http.get(self.base + path, **kwargs) as response:
            return response.status, await response.read(), response

    async def post(self, path: str, data, htmx: bool = True, **kwargs):
        headers = {**self.headers(htmx), **kwargs.pop("headers", {})}
        async with self.http.post(self.base + path, data=data, headers=headers, **kwargs) as r:
            return r.status, await r.read(), r

    async def socket(self, path: str) -> aiohttp.ClientWebSocketResponse:
        ws_base = self.base.replace("http", "ws", 1)
        return await self.http.ws_connect(
            ws_base + path, headers={"Origin": self.base}, heartbeat=None, compress=0
        )

    async def close(self) -> None:
        await self.http.close()


async def step(name: str, coroutine):
    started = time.monotonic()
    try:
        async with asyncio.timeout(STEP_SECONDS):
            result = await coroutine
    except TimeoutError:
        raise SmokeFailure(f"{name}: nothing after {STEP_SECONDS:.0f} s") from None
    print(f"  {name}: {time.monotonic() - started:.2f} s", flush=True)
    return result


async def join(phone: Actor, code: str, name: str, territory_index: int) -> None:
    status, body, _ = await phone.get(f"/j/{code}/")
    check(status == 200, f"join page of {name}: HTTP {status}")
    page = body.decode()
    tables = re.findall(r'name="table" value="(\d+)"', page)
    territories = re.findall(r'name="territory" value="(\d+)"', page)
    check(bool(tables) and len(territories) > territory_index, "join form without choices")
    form = {
        "first_name": name,
        "table": tables[0],
        "territory": territories[territory_index],
        "csrfmiddlewaretoken": phone.cookie("csrftoken"),
    }
    status, _, _ = await phone.post(f"/j/{code}/", form, htmx=False, allow_redirects=False)
    check(status == 302 and phone.cookie("sessionid"), f"{name} could not join: HTTP {status}")


async def login(facilitator: Actor, username: str, password: str) -> None:
    status, _, _ = await facilitator.get("/login/")
    check(status == 200, f"login page: HTTP {status}")
    form = {
        "username": username,
        "password": password,
        "csrfmiddlewaretoken": facilitator.cookie("csrftoken"),
    }
    status, _, _ = await facilitator.post("/login/", form, htmx=False, allow_redirects=False)
    check(status == 302 and facilitator.cookie("sessionid"), f"login: HTTP {status}")


async def post_and_receive(poster: Actor, listener: Actor, code: str, text: str) -> None:
    ws = await listener.socket(f"/ws/j/{code}/")
    try:
        data = {"kind": "offer", "text": text, "theme": ""}
        status, _, _ = await poster.post(f"/j/{code}/postits/", data)
        check(status < 300, f"post-it refused: HTTP {status}")
        async for message in ws:
            if message.type == aiohttp.WSMsgType.TEXT and text in message.data:
                return
        raise SmokeFailure(f"phone B's socket closed before the post-it came: {ws.close_code}")
    finally:
        await ws.close()


async def pdf_ready(facilitator: Actor, pk: int) -> int:
    while True:
        status, body, response = await facilitator.get(
            f"/w/{pk}/report.pdf?lang=fr", allow_redirects=False
        )
        if status == 200:
            check(body.startswith(b"%PDF"), f"report.pdf is {response.content_type}")
            return len(body)
        check(status == 302, f"report.pdf: HTTP {status}")
        await asyncio.sleep(1)


async def static_cached(visitor: Actor) -> None:
    _, body, _ = await visitor.get("/")
    paths = re.findall(r'(/static/[^"]+\.[0-9a-f]{12}\.css)"', body.decode())
    check(bool(paths), "no hashed stylesheet on the join page")
    await visitor.get(paths[0])  # the first request may fill the proxy's cache
    status, _, response = await visitor.get(paths[0])
    check(status == 200, f"{paths[0]}: HTTP {status}")
    cache_control = response.headers.get("Cache-Control", "")
    check("immutable" in cache_control, f"{paths[0]}: Cache-Control {cache_control!r}")
    cached = response.headers.get("X-Cache-Status")
    check(cached == "HIT", f"{paths[0]} not served from the proxy's cache: {cached}")


async def body_limited(visitor: Actor) -> None:
    status, _, _ = await visitor.post("/login/", b"x" * (2 * 1024 * 1024), htmx=False)
    check(status == 413, f"a 2 MB body got HTTP {status}, not the proxy's 413")


async def guesser_limited(visitor: Actor, limit: int) -> None:
    """Wrong codes from one address, each with a made-up X-Forwarded-For: nginx appends
    the address it saw, Paniers reads from the right, so they all count as one guesser."""
    rng = random.Random()
    for attempt in range(limit + 1):
        code = "".join(rng.choice(CODE_ALPHABET) for _ in range(6))
        forged = {"X-Forwarded-For": f"198.51.100.{attempt + 1}"}
        status, _, _ = await visitor.get(f"/j/{code}/", headers=forged)
        if attempt < limit:
            check(status == 404, f"wrong code {attempt + 1}: HTTP {status}, not 404")
    check(status == 429, f"wrong code {limit + 1} with a new forged address: HTTP {status}")


def read_demo(path: Path) -> dict:
    text = path.read_text()
    found = {
        "password": re.search(r"password\s*:\s*(\S+)", text),
        "username": re.search(r"username\s*:\s*(\S+)", text),
        "code": re.search(r"Join code\s*:\s*(\S+)", text),
        "pk": re.search(r"/w/(\d+)/console/", text),
    }
    check(all(found.values()), f"load_demo's output not understood:\n{text}")
    return {key: match.group(1) for key, match in found.items()}


async def first(args) -> None:
    demo = read_demo(Path(args.demo))
    code, pk = demo["code"], int(demo["pk"])
    visitor, phone_a, phone_b = Actor(args.base), Actor(args.base), Actor(args.base)
    facilitator = Actor(args.base)
    try:
        status, _, _ = await step("the join page", visitor.get("/"))
        check(status == 200, f"join page: HTTP {status}")
        await step("a static file from the proxy's cache, immutable", static_cached(visitor))
        await step("a 2 MB body refused by the proxy", body_limited(visitor))
        await step("phone A joins", join(phone_a, code, "Alice", 0))
        await step("phone B joins", join(phone_b, code, "Bruno", 1))
        await step("facilitator logs in", login(facilitator, demo["username"], demo["password"]))
        status, _, _ = await step(
            "facilitator starts phase 1",
            facilitator.post(f"/w/{pk}/clock/", {"command": "start"}),
        )
        check(status == 200, f"start: HTTP {status}")
        text = f"Smoke {secrets.token_hex(4)} covoiturage"
        await step(
            "phone A's post-it reaches phone B's socket",
            post_and_receive(phone_a, phone_b, code, text),
        )
        status, _, _ = await step(
            "facilitator asks for the PDF",
            facilitator.post(f"/w/{pk}/report/pdf/build/", {"lang": "fr"}),
        )
        check(status == 200, f"PDF build: HTTP {status}")
        size = await step("the worker builds the PDF", pdf_ready(facilitator, pk))
        print(f"  PDF: {size} bytes")
        state = {
            "code": code,
            "pk": pk,
            "text": text,
            "phone_a": {
                "sessionid": phone_a.cookie("sessionid"),
                "csrftoken": phone_a.cookie("csrftoken"),
            },
            "phone_b": {
                "sessionid": phone_b.cookie("sessionid"),
                "csrftoken": phone_b.cookie("csrftoken"),
            },
            "facilitator": {"sessionid": facilitator.cookie("sessionid")},
        }
        Path(args.state).write_text(json.dumps(state))
    finally:
        for actor in (visitor, phone_a, phone_b, facilitator):
            await actor.close()


async def again(args) -> None:
    state = json.loads(Path(args.state).read_text())
    code, pk, text = state["code"], state["pk"], state["text"]
    visitor = Actor(args.base)
    phone_a, phone_b = Actor(args.base, state["phone_a"]), Actor(args.base, state["phone_b"])
    facilitator = Actor(args.base, state["facilitator"])
    try:
        status, _, _ = await step("the join page", visitor.get("/"))
        check(status == 200, f"join page: HTTP {status}")
        status, body, _ = await step(
            "phone A's board, post-it included",
            phone_a.get(f"/j/{code}/board/", headers={"HX-Request": "true"}),
        )
        check(status == 200 and text in body.decode(), f"board: HTTP {status}, post-it gone")
        size = await step("the PDF, still there", pdf_ready(facilitator, pk))
        print(f"  PDF: {size} bytes")
        await step(
            "a new post-it still reaches phone B's socket",
            post_and_receive(phone_a, phone_b, code, f"Smoke {secrets.token_hex(4)} again"),
        )
        await step(
            "wrong codes with forged X-Forwarded-For counted as one address",
            guesser_limited(visitor, args.join_attempts),
        )
    finally:
        for actor in (visitor, phone_a, phone_b, facilitator):
            await actor.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("phase", choices=["first", "again"])
    parser.add_argument("--base", required=True, help="the proxy's URL")
    parser.add_argument("--state", required=True, help="what 'again' needs from 'first'")
    parser.add_argument("--demo", help="load_demo's output (first)")
    parser.add_argument(
        "--join-attempts", type=int, default=3, help="JOIN_ATTEMPTS_PER_WINDOW of the stack"
    )
    args = parser.parse_args()
    started = time.monotonic()
    try:
        asyncio.run(first(args) if args.phase == "first" else again(args))
    except (SmokeFailure, aiohttp.ClientError) as failure:
        print(f"smoke test ({args.phase}) FAILED: {failure}", file=sys.stderr)
        return 1
    print(f"smoke test ({args.phase}): passed in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
