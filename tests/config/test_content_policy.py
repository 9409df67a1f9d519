"""The Content-Security-Policy header on every response, and templates that need nothing more.

tests/e2e/test_csp.py loads every page in Chromium and fails on any violation; these are
the fast checks: the header's directives through Django's test client, and a scan of
the templates for what the policy would block.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def test_it_sends_the_strict_policy_on_every_page_whoever_asks(
    client, user_client, participant_client, owner, workshop, alice, territories
):
    laptop = user_client(owner)
    owner.is_superuser = owner.is_staff = True  # the territory library's editing pages
    owner.save()
    pages = {
        client: ["/", f"/j/{workshop.code}/", "/login/", "/admin/login/", "/nope/", "/w/"],
        participant_client(alice): [
            f"/j/{workshop.code}/",
            f"/j/{workshop.code}/board/",
            f"/j/{workshop.code}/state/",
            f"/j/{workshop.code}/postits/new/",
        ],
        laptop: [
            "/w/",
            "/w/new/",
            f"/w/{workshop.pk}/",
            f"/w/{workshop.pk}/setup/",
            f"/w/{workshop.pk}/console/",
            f"/w/{workshop.pk}/console/tables/",
            f"/w/{workshop.pk}/projector/",
            f"/w/{workshop.pk}/projector/?table=1",
            f"/w/{workshop.pk}/projector/board/",
            f"/w/{workshop.pk}/projector/sheets/{territories[0].pk}/",
            "/territories/",
            "/territories/new/",
            f"/territories/{territories[0].pk}/",
            f"/territories/{territories[0].pk}/edit/",
            "/admin/",
        ],
    }
    for client_, paths in pages.items():
        for path in paths:
            response = client_.get(path)
            assert response.status_code in {200, 302, 404}, path
            directives = policy(response)
            for name, value in STRICT.items():
                assert directives[name] == value, (path, name, directives)
            assert directives["connect-src"] == "'self' ws://testserver", path


def test_it_sends_it_on_refusals_too(client, workshop):
    assert "Content-Security-Policy" in client.delete("/")  # 405
    assert "Content-Security-Policy" in client.post("/w/1/clock/")  # 302 to the login
    assert "Content-Security-Policy" in client.post(f"/j/{workshop.code}/postits/")  # 403


def test_the_socket_origin_follows_the_page_over_https(client, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.get("/", headers={"host": "127.0.0.1:8443", "x-forwarded-proto": "https"})
    assert policy(response)["connect-src"] == "'self' wss://127.0.0.1:8443"


def test_a_phone_page_carries_no_inline_style(participant_client, alice, make_postit):
    make_postit(alice)
    html = participant_client(alice).get(f"/j/{alice.workshop.code}/").content.decode()
    assert "<style" not in html and " style=" not in html
    assert f'data-participant="{alice.pk}"' in html


# The templates ------------------------------------------------------------------

TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates"]
# An executable <script> is one without src and not of a data type (json_script is fine).
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
FORBIDDEN = {
    "inline script": INLINE_SCRIPT,
    "<style> block": re.compile(r"<style\b"),
    "style attribute": re.compile(r"\sstyle="),
    "event handler attribute": re.compile(r"\son[a-z]+=", re.IGNORECASE),
    "hx-on (needs eval)": re.compile(r"\shx-on"),
    "hx-vars (needs eval)": re.compile(r"\shx-vars="),
    "js: in hx-vals (needs eval)": re.compile(r"hx-vals=[\"']\s*(js|javascript):"),
    "htmx event filter (needs eval)": re.compile(r"hx-trigger=\"[^\"]*\w\["),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


COMMENT = re.compile(r"{#.*?#}|{% comment %}.*?{% endcomment %}", re.DOTALL)


def templates() -> list[Path]:
    return sorted(path for root in TEMPLATE_DIRS for path in root.rglob("*.html"))


def test_no_template_holds_what_the_policy_blocks():
    found = [
        f"{path.relative_to(settings.BASE_DIR)}: {what}"
        for path in templates()
        for what, pattern in FORBIDDEN.items()
        if pattern.search(COMMENT.sub("", path.read_text()))
    ]
    assert templates() and found == []


def test_htmx_is_told_not_to_eval_nor_inject_styles():
    base = (Path(settings.BASE_DIR) / "templates" / "base.html").read_text()
    config = re.search(r"name=\"htmx-config\" content='([^']*)'", base).group(1)
    for option in ('"allowEval": false', '"includeIndicatorStyles": false'):
        assert option in config
