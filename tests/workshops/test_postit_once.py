"""The same compose form sent twice writes one post-it: a retry after a lost answer, or a
write queued on a phone and sent again, is answered as saved and never duplicates."""

import re
import uuid

import pytest
from django.db import IntegrityError, transaction

from workshops import phases, services
from workshops.models import PostIt, Workshop

pytestmark = pytest.mark.django_db


def form_client_id(html: str) -> str:
    return re.search(r'name="client_id" value="([0-9a-f-]{36})"', html).group(1)


def send(client, workshop, client_id, text="Une chaufferie bois partagée"):
    return client.post(
        f"/j/{workshop.code}/postits/",
        {"kind": "offer", "text": text, "theme": "", "client_id": client_id},
    )


def test_each_blank_compose_form_carries_an_id_of_its_own(phone, alice):
    page = phone.get(f"/j/{alice.workshop.code}/").content.decode()
    first = form_client_id(page)

    answer = send(phone, alice.workshop, first).content.decode()

    assert uuid.UUID(first)
    assert form_client_id(answer) != first  # the next post-it is another write


def test_the_same_form_sent_twice_is_one_post_it_answered_as_saved_twice(
    phone, alice, django_capture_on_commit_callbacks
):
    client_id = str(uuid.uuid4())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = send(phone, alice.workshop, client_id)
        again = send(phone, alice.workshop, client_id)

    assert (first.status_code, again.status_code) == (200, 200)
    postit = PostIt.objects.get()
    assert str(postit.client_id) == client_id
    assert again.content.decode().count(f'id="postit-{postit.pk}"') == 1
    assert len(callbacks) == 1  # announced once


def test_a_repeat_is_answered_as_saved_even_once_the_phase_has_closed(phone, alice):
    """The write was committed: it is never reported as failed."""
    client_id = str(uuid.uuid4())
    assert send(phone, alice.workshop, client_id).status_code == 200
    phases.set_status(alice.workshop, Workshop.Status.CLOSED)

    assert send(phone, alice.workshop, client_id).status_code == 200
    assert send(phone, alice.workshop, str(uuid.uuid4()), "Une autre").status_code == 409
    assert PostIt.objects.count() == 1


def test_a_repeat_does_not_change_what_was_written(phone, alice):
    client_id = str(uuid.uuid4())
    send(phone, alice.workshop, client_id, "Le texte envoyé")

    send(phone, alice.workshop, client_id, "Un autre texte")

    assert list(PostIt.objects.values_list("text", flat=True)) == ["Le texte envoyé"]


def test_ids_belong_to_their_author(participant_client, alice, bruno):
    """Another participant sending the same id writes a post-it of their own."""
    client_id = str(uuid.uuid4())
    for person in (alice, bruno):
        client = participant_client(person)
        client.defaults["HTTP_HX_REQUEST"] = "true"
        assert send(client, alice.workshop, client_id).status_code == 200

    assert sorted(PostIt.objects.values_list("author", flat=True)) == sorted([alice.pk, bruno.pk])


def test_a_form_without_an_id_still_writes_each_time(phone, alice):
    """Pages loaded before ids existed send none: each send is a new post-it, as before."""
    for _ in range(2):
        assert send(phone, alice.workshop, "").status_code == 200

    assert PostIt.objects.count() == 2


def test_the_service_gives_back_what_the_same_id_wrote_and_writes_nothing(alice):
    client_id = uuid.uuid4()
    first = services.postit_create(
        subgroup=alice.subgroup, author=alice, kind="need", text="De l'eau", client_id=client_id
    )

    again = services.postit_create(
        subgroup=alice.subgroup, author=alice, kind="offer", text="Autre", client_id=client_id
    )

    assert again == first
    assert PostIt.objects.count() == 1


def test_two_rows_with_one_id_cannot_exist(alice):
    """Two sends at the same instant both pass the look-up: the database keeps one."""
    client_id = uuid.uuid4()
    PostIt.objects.create(
        subgroup=alice.subgroup, author=alice, kind="offer", text="Un", client_id=client_id
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        PostIt.objects.create(
            subgroup=alice.subgroup, author=alice, kind="offer", text="Deux", client_id=client_id
        )
