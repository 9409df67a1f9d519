"""Nothing that shows participants' words or the organiser's data is kept by a cache: every
page, fragment and download says ``Cache-Control: private, no-store`` (config/no_store.py)."""

import pytest

from restitution.models import ReportBuild

pytestmark = pytest.mark.django_db

NO_STORE = "private, no-store"


def test_every_download_says_no_store(full_workshop, user_client, owner):
    laptop = user_client(owner)
    pk = full_workshop.pk
    ReportBuild.objects.create(
        workshop=full_workshop, language="fr", status="ready", progress=100, pdf=b"%PDF-1.7"
    )
    for url in (
        f"/w/{pk}/exports/workshop.json",
        f"/w/{pk}/exports/workshop.xlsx",
        f"/w/{pk}/exports/postits.csv",
        f"/w/{pk}/report.pdf?lang=fr",
    ):
        response = laptop.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == NO_STORE, url


def test_every_page_says_no_store_whoever_asks(client, user_client, phone, owner, workshop):
    laptop = user_client(owner)
    for who, url in (
        (client, "/"),
        (client, f"/j/{workshop.code}/"),
        (client, "/nope/"),
        (phone, f"/j/{workshop.code}/board/"),
        (laptop, f"/w/{workshop.pk}/console/"),
        (laptop, f"/w/{workshop.pk}/projector/"),
        (laptop, f"/w/{workshop.pk}/report/"),
    ):
        response = who.get(url)
        assert response.status_code == (404 if url == "/nope/" else 200), url
        assert response["Cache-Control"] == NO_STORE, url
