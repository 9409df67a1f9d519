"""Builds are fair between organisers (restitution/services.py, ``request_build``): one
queued or running build per workshop, whatever its language, and a few per facilitator,
so that one organiser's thirty clicks cannot hold another's report for minutes."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from restitution import services
from restitution.models import ReportBuild
from tests.restitution.test_build import HTMX, build_url
from workshops import services as workshop_services

pytestmark = pytest.mark.django_db(transaction=True)


def rooms(owner, territories, count: int) -> list:
    return [
        workshop_services.workshop_create(
            created_by=owner, title=f"Atelier {n}", territories=territories, table_count=1
        )
        for n in range(count)
    ]


def test_another_language_waits_for_the_build_under_way(workshop, laptop):
    laptop.post(build_url(workshop), {"lang": "fr"}, **HTMX)
    refused = laptop.post(build_url(workshop), {"lang": "en"}, **HTMX)
    assert refused.status_code == 409
    assert "autre langue est en cours de fabrication" in refused.content.decode()
    assert list(ReportBuild.objects.values_list("language", flat=True)) == ["fr"]
    assert DBTaskResult.objects.count() == 1


def test_a_facilitator_has_a_few_builds_at_once_and_others_are_not_held(
    owner, other_facilitator, territories, user_client, settings
):
    settings.REPORT_BUILDS_PER_USER = 2
    laptop = user_client(owner)
    first, second, third = rooms(owner, territories, 3)
    for room in (first, second):
        assert laptop.post(build_url(room), {"lang": "fr"}, **HTMX).status_code == 200
    refused = laptop.post(build_url(third), {"lang": "fr"}, **HTMX)
    assert refused.status_code == 429
    assert "Vous avez déjà 2 rapports en cours de fabrication" in refused.content.decode()
    assert ReportBuild.objects.filter(requested_by=owner).count() == 2

    [theirs] = rooms(other_facilitator, territories, 1)
    build, created = services.request_build(workshop=theirs, language="fr", user=other_facilitator)
    assert created and build.status == "queued"


def test_a_stuck_build_no_longer_counts(owner, territories, settings):
    settings.REPORT_BUILDS_PER_USER = 1
    stuck_room, next_room = rooms(owner, territories, 2)
    stuck, _ = services.request_build(workshop=stuck_room, language="fr", user=owner)
    with pytest.raises(services.BuildRefused):
        services.request_build(workshop=next_room, language="fr", user=owner)
    long_ago = timezone.now() - timedelta(seconds=settings.REPORT_BUILD_STALE_SECONDS + 1)
    ReportBuild.objects.filter(pk=stuck.pk).update(touched=long_ago)
    build, created = services.request_build(workshop=next_room, language="fr", user=owner)
    assert created


def test_the_database_holds_one_pending_build_per_workshop(workshop, owner):
    from django.db import IntegrityError, transaction

    ReportBuild.objects.create(workshop=workshop, language="fr", requested_by=owner)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportBuild.objects.create(workshop=workshop, language="en", requested_by=owner)
