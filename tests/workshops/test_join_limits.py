"""What strangers can hammer: guessing codes, joining in bulk, writing post-its in bulk."""

import pytest
from django.test import Client

from tests.workshops.test_join import join_data
from workshops.models import Participant, PostIt

pytestmark = pytest.mark.django_db

WRONG = "QQQQQQ"  # a code that could exist, but does not


def guess_until_throttled(client, settings, limit=2, **extra):
    settings.JOIN_ATTEMPTS_PER_WINDOW = limit
    for _attempt in range(limit):
        assert client.get(f"/j/{WRONG}/", **extra).status_code == 404
    assert client.get(f"/j/{WRONG}/", **extra).status_code == 429


def is_throttled_page(response) -> bool:
    return (
        response.status_code == 429
        and [t.name for t in response.templates][0] == "workshops/join_throttled.html"
        and 1 <= int(response["Retry-After"]) <= 600
    )


# Guessing codes ----------------------------------------------------------------------


def test_it_refuses_every_code_from_the_home_page_once_an_address_is_throttled(
    client, workshop, settings
):
    settings.JOIN_ATTEMPTS_PER_WINDOW = 3
    for _attempt in range(3):
        assert client.post("/", {"code": WRONG}).status_code == 200

    assert is_throttled_page(client.post("/", {"code": WRONG}))
    assert is_throttled_page(client.post("/", {"code": workshop.code}))  # the right one too


def test_the_throttled_page_says_when_to_try_again_and_links_home(client, workshop, settings):
    guess_until_throttled(client, settings)

    response = client.get(f"/j/{workshop.code}/")

    assert is_throttled_page(response)
    minutes = response.context["minutes"]
    assert minutes == -(-int(response["Retry-After"]) // 60)
    content = response.content.decode()
    assert f"dans {minutes} minute" in content
    assert 'href="/"' in content


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("get", ""),
        ("post", ""),
        ("get", "board/"),
        ("get", "state/"),
        ("post", "leave/"),
        ("post", "postits/"),
        ("get", "postits/new/"),
    ],
)
def test_it_refuses_every_url_with_a_code_once_an_address_is_throttled(
    client, workshop, settings, method, suffix
):
    """A right code answering 200 or 403 while wrong ones answer 429 would confirm it."""
    guess_until_throttled(client, settings)
    request = getattr(client, method)

    assert is_throttled_page(request(f"/j/{workshop.code}/{suffix}"))
    assert is_throttled_page(request(f"/j/{workshop.code.lower()}/{suffix}"))
    assert is_throttled_page(request(f"/j/{WRONG}/{suffix}"))


def test_it_counts_wrong_codes_per_address(client, workshop, settings):
    guess_until_throttled(client, settings)

    assert client.get(f"/j/{WRONG}/", REMOTE_ADDR="10.0.0.2").status_code == 404
    assert client.get(f"/j/{workshop.code}/", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_it_counts_wrong_codes_from_the_home_page_and_join_urls_together(
    client, workshop, settings
):
    settings.JOIN_ATTEMPTS_PER_WINDOW = 2
    client.post("/", {"code": WRONG})
    client.get(f"/j/{WRONG}/")
    assert client.get(f"/j/{WRONG}/").status_code == 429


def test_it_does_not_count_right_codes(client, workshop, settings):
    settings.JOIN_ATTEMPTS_PER_WINDOW = 2
    for _attempt in range(5):
        assert client.get(f"/j/{workshop.code}/").status_code == 200
    assert client.get(f"/j/{WRONG}/").status_code == 404


@pytest.mark.parametrize("typo", ["EF4AQ", "EF4AQQQ", "OOOOOO", "<script>", "EF4-AQ0"])
def test_it_does_not_count_codes_that_cannot_exist(client, workshop, settings, typo):
    """A letter short, an O for a 0: typos a room makes, never a hit, so no guess."""
    settings.JOIN_ATTEMPTS_PER_WINDOW = 2
    for _attempt in range(4):
        assert client.get(f"/j/{typo}/").status_code == 404
        assert client.post("/", {"code": typo}).status_code == 200
    assert client.get(f"/j/{WRONG}/").status_code == 404


def test_a_phone_that_joined_keeps_working_when_its_address_is_throttled(
    client, participant_client, alice, make_postit, settings
):
    """In a venue every phone may share one address: a stranger's guesses there must not
    lock out the room. The session shows the phone is not guessing this code."""
    guess_until_throttled(client, settings)
    phone = participant_client(alice)
    code = alice.workshop.code
    postit = make_postit(alice)

    assert phone.get(f"/j/{code}/").context["participant"] == alice
    assert phone.get(f"/j/{code}/board/").status_code == 200
    assert phone.get(f"/j/{code}/state/").status_code == 200
    assert (
        phone.post(f"/j/{code}/postits/", {"kind": "offer", "text": "Du bois"}).status_code == 302
    )
    edit = phone.post(f"/p/{postit.pk}/edit/", {"kind": "need", "text": "Du foncier"})
    assert edit.status_code == 302
    assert phone.post("/", {"code": code.lower()})["Location"] == f"/j/{code}/"
    assert PostIt.objects.filter(author=alice).count() == 2


def test_a_phone_that_joined_cannot_confirm_another_code_once_throttled(
    client, participant_client, alice, other_workshop, settings
):
    guess_until_throttled(client, settings)
    phone = participant_client(alice)

    assert is_throttled_page(phone.get(f"/j/{other_workshop.code}/"))
    assert is_throttled_page(phone.post("/", {"code": other_workshop.code}))
    assert is_throttled_page(phone.get(f"/j/{WRONG}/"))


def test_a_phone_that_left_is_a_stranger_again(client, participant_client, alice, settings):
    phone = participant_client(alice)
    phone.post(f"/j/{alice.workshop.code}/leave/")
    guess_until_throttled(client, settings)

    assert is_throttled_page(phone.get(f"/j/{alice.workshop.code}/"))


def test_a_facilitator_of_the_workshop_is_not_guessing_its_code(
    client, user_client, owner, other_facilitator, workshop, settings
):
    guess_until_throttled(client, settings)

    assert user_client(owner).get(f"/j/{workshop.code}/").status_code == 200
    assert is_throttled_page(user_client(other_facilitator).get(f"/j/{workshop.code}/"))


def test_a_spoofed_forwarded_address_does_not_escape_the_limit(workshop, settings):
    """Behind a trusted proxy, the client writes the left of X-Forwarded-For itself:
    a new address there on every guess changes nothing."""
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    settings.JOIN_ATTEMPTS_PER_WINDOW = 5
    client = Client(REMOTE_ADDR="10.0.0.1")
    statuses = [
        client.get(f"/j/{WRONG}/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.7").status_code
        for n in range(8)
    ]

    assert statuses == [404] * 5 + [429] * 3
    other_phone = {"HTTP_X_FORWARDED_FOR": "203.0.113.8"}
    assert client.get(f"/j/{workshop.code}/", **other_phone).status_code == 200


# Joining in bulk ------------------------------------------------------------------------


def test_it_limits_joins_per_address_and_keeps_what_was_typed(workshop, settings):
    settings.JOINS_PER_WINDOW = 2
    for n in range(2):
        response = Client().post(f"/j/{workshop.code}/", join_data(workshop, first_name=f"P{n}"))
        assert response.status_code == 302

    response = Client().post(f"/j/{workshop.code}/", join_data(workshop, first_name="Yann"))

    assert response.status_code == 429
    form = response.context["form"]
    assert form.non_field_errors()
    assert form["first_name"].value() == "Yann"
    assert 'value="Yann"' in response.content.decode()
    assert Participant.objects.count() == 2
    other_address = Client(REMOTE_ADDR="10.0.0.2")
    assert other_address.post(f"/j/{workshop.code}/", join_data(workshop)).status_code == 302


def test_it_does_not_count_refused_join_forms(workshop, settings):
    settings.JOINS_PER_WINDOW = 1
    for _attempt in range(3):
        Client().post(f"/j/{workshop.code}/", join_data(workshop, first_name=""))

    assert Client().post(f"/j/{workshop.code}/", join_data(workshop)).status_code == 302


# Writing post-its in bulk --------------------------------------------------------------


@pytest.fixture
def phone(participant_client, alice):
    client = participant_client(alice)
    client.defaults["HTTP_HX_REQUEST"] = "true"
    return client


def test_it_limits_edits_like_new_postits_and_keeps_the_text(phone, alice, make_postit, settings):
    settings.WRITES_PER_MINUTE = 3  # the post-it written first counts too (the gate spends)
    postit = make_postit(alice, text="Avant")
    for n in range(2):
        response = phone.post(f"/p/{postit.pk}/edit/", {"kind": "offer", "text": f"Version {n}"})
        assert response.status_code == 200

    response = phone.post(f"/p/{postit.pk}/edit/", {"kind": "need", "text": "Une de trop"})

    assert response.status_code == 429
    assert response.context["form"].non_field_errors()
    assert response.context["postit"] == postit  # still editing it
    assert "Une de trop" in response.content.decode()
    postit.refresh_from_db()
    assert (postit.kind, postit.text) == ("offer", "Version 1")


def test_new_edited_and_deleted_postits_share_one_budget(phone, alice, make_postit, settings):
    settings.WRITES_PER_MINUTE = 3  # the post-it written first counts too (the gate spends)
    code = alice.workshop.code
    kept = make_postit(alice, text="À garder")
    assert phone.post(f"/j/{code}/postits/", {"kind": "offer", "text": "Un"}).status_code == 200
    assert phone.post(f"/p/{kept.pk}/edit/", {"kind": "offer", "text": "Deux"}).status_code == 200

    response = phone.post(f"/p/{kept.pk}/delete/")

    assert response.status_code == 429
    assert 'id="request-problem"' in response.content.decode()
    assert 'hx-swap-oob="true"' in response.content.decode()
    assert PostIt.objects.filter(pk=kept.pk).exists()
    created = phone.post(f"/j/{code}/postits/", {"kind": "need", "text": "Trois"})
    assert created.status_code == 429
    assert created.context["form"].data["text"] == "Trois"


def test_a_refused_delete_without_javascript_goes_back_with_a_message(
    participant_client, alice, make_postit, settings
):
    postit = make_postit(alice)
    settings.WRITES_PER_MINUTE = 1  # spent by the post-it written first

    response = participant_client(alice).post(f"/p/{postit.pk}/delete/", follow=True)

    assert response.redirect_chain == [(f"/j/{alice.workshop.code}/", 302)]
    assert len(list(response.context["messages"])) == 1
    assert PostIt.objects.filter(pk=postit.pk).exists()


def test_the_write_budget_is_per_participant(
    participant_client, alice, bruno, make_postit, settings
):
    settings.WRITES_PER_MINUTE = 2  # the post-it written first counts too (the gate spends)
    for participant in (alice, bruno):
        postit = make_postit(participant)
        client = participant_client(participant)
        assert (
            client.post(f"/p/{postit.pk}/edit/", {"kind": "need", "text": "B"}).status_code == 302
        )
