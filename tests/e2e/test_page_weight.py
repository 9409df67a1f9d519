"""A phone's first load is at most 50 KB on the wire (issue 8), against a real Daphne.

The Daphne serves static files as after ``make run``: ``collectstatic``'s hashed, gzipped
copies (tests/e2e/servers.py ``collected_var_dir``). A participant joins over plain HTTP,
then the phone page and every asset it names are fetched with ``Accept-Encoding: gzip``.
Bytes are counted as sent: bodies still compressed, plus the status line and headers of
each response. bench/page_weight.py prints the same figures file by file.
"""

import gzip
import http.client
import re
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest

from tests.conftest import subgroup_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BUDGET = 50_000  # bytes, headers included
A_YEAR = 365 * 24 * 3600
ASSET = re.compile(r'<(?:script[^>]*\ssrc|link[^>]*\shref)="(/[^"]+)"')
HASHED = re.compile(r"\.[0-9a-f]{12}\.(?:js|css)$")
CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Sent:
    path: str
    status: int
    headers: dict[str, str]
    body: bytes  # as sent: compressed when Content-Encoding says so
    header_bytes: int

    @property
    def wire(self) -> int:
        return self.header_bytes + len(self.body)

    def text(self) -> str:
        raw = gzip.decompress(self.body) if self.headers.get("content-encoding") else self.body
        return raw.decode()


def get(port: int, path: str, cookie: str = "") -> Sent:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        conn.request("GET", path, headers={"Accept-Encoding": "gzip", "Cookie": cookie})
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    pairs = response.getheaders()
    header_bytes = len(f"HTTP/1.1 {response.status} {response.reason}\r\n\r\n") + sum(
        len(f"{name}: {value}\r\n") for name, value in pairs
    )
    return Sent(path, response.status, {k.lower(): v for k, v in pairs}, body, header_bytes)


def join(port: int, workshop) -> str:
    """Joins table 1 as Brest Métropole, as a phone's form does; the Cookie it then sends."""
    subgroup = subgroup_of(workshop, 1, "BM")
    page = get(port, f"/j/{workshop.code}/")
    csrf = SimpleCookie(page.headers["set-cookie"])["csrftoken"].value
    form = {
        "first_name": "Yuna",
        "table": subgroup.table_id,
        "territory": subgroup.territory_id,
        "csrfmiddlewaretoken": csrf,
    }
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        conn.request(
            "POST",
            f"/j/{workshop.code}/",
            body=urlencode(form),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={csrf}",
                "Origin": f"http://127.0.0.1:{port}",
            },
        )
        response = conn.getresponse()
        response.read()
        cookies = SimpleCookie()
        for value in response.msg.get_all("Set-Cookie") or []:
            cookies.load(value)
    finally:
        conn.close()
    assert response.status == 302 and "sessionid" in cookies, response.status
    return f"csrftoken={csrf}; sessionid={cookies['sessionid'].value}"


@pytest.fixture
def first_load(daphne, workshop) -> list[Sent]:
    """The phone page after joining, then each asset it names: what a new phone downloads."""
    port = daphne.port
    cookie = join(port, workshop)
    page = get(port, f"/j/{workshop.code}/", cookie)
    assert page.status == 200
    assets = [get(port, path) for path in dict.fromkeys(ASSET.findall(page.text()))]
    assert all(asset.status == 200 for asset in assets), [(a.path, a.status) for a in assets]
    return [page, *assets]


def test_it_weighs_at_most_50_kb_on_the_wire(first_load):
    page, *assets = first_load
    assert {re.sub(r"\.[0-9a-f]{12}", "", a.path) for a in assets} >= {
        "/static/css/paniers.css",
        "/static/vendor/htmx-2.0.11.min.js",
    }
    sizes = {sent.path: sent.wire for sent in first_load}
    assert sum(sizes.values()) <= BUDGET, sizes


def test_it_downloads_nothing_made_for_the_projector_or_the_facilitator(first_load):
    _page, *assets = first_load
    names = {re.sub(r"\.[0-9a-f]{12}", "", a.path) for a in assets}
    assert {"/static/js/outbox_queue.js", "/static/js/outbox.js"} <= names, names
    for_others = ("projector", "pager", "board", "facilitator", "screens", "plenary/")
    assert not [name for name in names if any(word in name for word in for_others)], names


def test_it_names_assets_by_content_and_lets_phones_keep_them(first_load):
    _page, *assets = first_load
    for asset in assets:
        assert HASHED.search(asset.path), asset.path
        assert asset.headers.get("content-encoding") == "gzip", asset.path
        cache_control = asset.headers["cache-control"]
        assert "immutable" in cache_control, (asset.path, cache_control)
        max_age = int(re.search(r"max-age=(\d+)", cache_control).group(1))
        assert max_age >= A_YEAR, (asset.path, cache_control)


def test_it_compresses_the_page_whose_csrf_token_changes_every_time(daphne, workshop):
    # Django masks the CSRF token anew in every response: gzip's lengths cannot leak it
    # (BREACH). docs/deploy.md says why the pages are compressed.
    port = daphne.port
    cookie = join(port, workshop)
    first, second = (get(port, f"/j/{workshop.code}/", cookie) for _ in range(2))
    for page in (first, second):
        assert page.headers.get("content-encoding") == "gzip"
        assert "Accept-Encoding" in page.headers["vary"]
    tokens = [CSRF_VALUE.search(page.text()).group(1) for page in (first, second)]
    assert tokens[0] != tokens[1]
