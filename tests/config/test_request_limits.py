"""Bodies no form needs are refused before anything parses them (config/settings.py).

Daphne has already read such a body into memory by then: the proxy's limit is what
spares the memory (docs/deploy.md); these spare the parsing, and say 400 at once.
"""

from urllib.parse import urlencode

import pytest

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


def test_it_refuses_a_megabyte_from_a_stranger(client):
    body = urlencode({"code": "x" * 1024 * 1024})  # Django alone would parse 2.5 MB
    assert client.post("/", body, content_type=FORM).status_code == 400
    assert client.post("/login/", body, content_type=FORM).status_code == 400


def test_it_refuses_a_form_with_more_fields_than_any_of_ours(client):
    body = urlencode({f"field{n}": "" for n in range(600)})  # Django alone would take 1,000
    assert client.post("/", body, content_type=FORM).status_code == 400
