"""Deleting a workshop (restitution/deletion.py): the page names what goes, only the
owner's typed confirmation deletes, everything of the workshop goes in every app and
nothing of another, and its open screens are told."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.apps import apps
from django.db.models import Model, RestrictedError
from django.utils import timezone, translation
from django.utils.html import escape

from baskets.models import Transaction
from config.asgi import application
from plenary.models import DotBudget
from restitution import deletion
from restitution import services as restitution_services
from restitution.models import ReportBuild
from tests.conftest import close_database_thread, fr, session_key, ws_headers
from workshops import consumers
from workshops.demo import DEMO_TITLE
from workshops.models import Connection, PostIt, Workshop

pytestmark = pytest.mark.django_db

# How each model's rows belong to a workshop: the deletion is checked against these,
# written by hand, not against the collector it uses. A new model of the project must
# say here how it belongs to a workshop, or that it is shared (None) and stays.
WORKSHOP_OF: dict[str, str | None] = {
    "territories.Territory": None,
    "territories.KeyFact": None,
    "workshops.Workshop": "pk",
    "workshops.Workshop_territories": "workshop",
    "workshops.Workshop_facilitators": "workshop",
    "workshops.Phase": "workshop",
    "workshops.Table": "workshop",
    "workshops.SubGroup": "table__workshop",
    "workshops.Participant": "workshop",
    "workshops.PostIt": "subgroup__table__workshop",
    "workshops.Connection": "participant__workshop",
    "baskets.Basket": "table__workshop",
    "baskets.Transaction": "basket__table__workshop",
    "baskets.AnsweredNeed": "transaction__basket__table__workshop",
    "baskets.ConditionItem": "workshop",
    "baskets.AllianceChoice": "workshop",
    "baskets.BasketConditions": "basket__table__workshop",
    "baskets.ConditionAnswer": "conditions__basket__table__workshop",
    "plenary.Plenary": "workshop",
    "plenary.Answer": "workshop",
    "plenary.DotBudget": "participant__workshop",
    "plenary.Dot": "participant__workshop",
    "restitution.ReportBuild": "workshop",
    "restitution.SectionText": "workshop",
    "restitution.BasketChoice": "basket__table__workshop",
    "restitution.ActionChoice": "transaction__basket__table__workshop",
}
PROJECT_APPS = {"territories", "workshops", "baskets", "plenary", "restitution"}


def project_models() -> list[type[Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in PROJECT_APPS
    ]


def rows_per_workshop() -> dict[tuple[str, int | None], int]:
    """(model, workshop) → rows, every model of the project; shared ones under None."""
    counts: dict[tuple[str, int | None], int] = {}
    for model in project_models():
        label, path = model._meta.label, WORKSHOP_OF[model._meta.label]
        if path is None:
            counts[(label, None)] = model.objects.count()
            continue
        for workshop_id in Workshop.objects.values_list("pk", flat=True):
            counts[(label, workshop_id)] = model.objects.filter(**{path: workshop_id}).count()
    return counts


def test_every_model_of_the_project_says_how_it_belongs_to_a_workshop():
    assert {model._meta.label for model in project_models()} == set(WORKSHOP_OF)


@pytest.fixture
def live_rows(full_workshop, alice):
    """What the shared full workshop lacks: an open phone's presence, a dot budget, a
    report built, the organiser's curation in the editor."""
    Connection.objects.create(channel_name="phone.1", participant=alice, last_seen=timezone.now())
    DotBudget.objects.create(participant=alice)
    ReportBuild.objects.create(
        workshop=full_workshop, language="fr", status="ready", pdf=b"%PDF-", size=5
    )
    transaction = Transaction.objects.get(basket__table__workshop=full_workshop)
    restitution_services.section_text_set(workshop=full_workshop, section="conclusion", text="À")
    restitution_services.basket_feature(basket=transaction.basket, featured=True)
    restitution_services.action_update(transaction=transaction, status="operational")
    return full_workshop


# The page ---------------------------------------------------------------------------


def test_the_page_names_what_will_go_with_counts(live_rows, laptop):
    response = laptop.get(f"/w/{live_rows.pk}/delete/")

    assert response.status_code == 200
    page = response.content.decode()
    for line in (
        f"3 {fr('tables')}",
        f"9 {fr('sub-groups')}",
        f"3 {fr('participants')}",
        f"4 {fr('post-its')}",
        f"9 {fr('baskets')}",
        f"1 {fr('transaction')}",
        f"1 {fr('answered need')}",
        f"1 {fr('basket conditions')}",
        f"1 {fr('checklist answer')}",
        f"1 {fr('feedback answer')}",
        f"3 {fr('sticky dots')}",
        f"1 {fr('dot budget')}",
        f"1 {fr('live connection')}",
    ):
        assert f"<li>{line}</li>" in page, line
    for export in ("workshop.json", "workshop.xlsx", "report.pdf"):
        assert f"/w/{live_rows.pk}/{'' if export == 'report.pdf' else 'exports/'}{export}" in page
    assert live_rows.code in page


def test_its_counts_are_read_in_a_fixed_number_of_queries(
    live_rows, make_postit, alice, bruno, laptop, django_assert_max_num_queries
):
    with django_assert_max_num_queries(40) as small:
        laptop.get(f"/w/{live_rows.pk}/delete/")
    for number in range(30):
        make_postit(alice if number % 2 else bruno, text=f"Encore {number}")
    with django_assert_max_num_queries(len(small)):
        laptop.get(f"/w/{live_rows.pk}/delete/")


def test_the_owner_finds_it_from_the_set_up_and_the_exports(
    workshop, laptop, user_client, cofacilitator
):
    url = f"/w/{workshop.pk}/delete/"
    for page in (f"/w/{workshop.pk}/setup/", f"/w/{workshop.pk}/exports/"):
        assert url in laptop.get(page).content.decode()
        assert url not in user_client(cofacilitator).get(page).content.decode()


# Confirming -------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["", "ABCDEF", "Atelier", "Atelier paniers !"])
def test_a_wrong_confirmation_deletes_nothing_and_keeps_the_form(live_rows, laptop, typed):
    before = rows_per_workshop()

    response = laptop.post(f"/w/{live_rows.pk}/delete/", {"confirmation": typed})

    assert response.status_code == 400
    page = response.content.decode()
    assert escape(fr("Nothing was deleted: type the workshop's code or its title.")) in page
    assert 'aria-invalid="true"' in page and f'value="{typed}"' in page
    assert f"<li>4 {fr('post-its')}</li>" in page
    assert rows_per_workshop() == before


@pytest.mark.parametrize("how", ["code", "loose code", "title", "loose title"])
def test_the_code_or_the_title_confirms(workshop, how):
    typed = {
        "code": workshop.code,
        "loose code": f" {workshop.code[:3].lower()}-{workshop.code[3:].lower()} ",
        "title": workshop.title,
        "loose title": "  atelier   PANIERS ",
    }[how]
    assert deletion.confirms(workshop, typed)


@pytest.mark.parametrize(
    "actor", ["cofacilitator", "other_facilitator", "participant", "anonymous"]
)
def test_nobody_but_the_owner_deletes_it(
    live_rows,
    actor,
    cofacilitator,
    other_facilitator,
    alice,
    user_client,
    participant_client,
    client,
):
    clients = {
        "cofacilitator": lambda: user_client(cofacilitator),
        "other_facilitator": lambda: user_client(other_facilitator),
        "participant": lambda: participant_client(alice),
        "anonymous": lambda: client,
    }
    before = rows_per_workshop()

    response = clients[actor]().post(f"/w/{live_rows.pk}/delete/", {"confirmation": live_rows.code})

    expected = {"cofacilitator": 403, "other_facilitator": 404}.get(actor, 302)
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith("/login/")
    assert rows_per_workshop() == before


def test_a_row_outside_the_workshop_that_holds_it_stops_the_deletion(
    workshop, laptop, alices_postit, monkeypatch
):
    def held(collector, objs, **kwargs):
        raise RestrictedError("held", {alices_postit})

    monkeypatch.setattr(deletion.Collector, "collect", held)
    before = rows_per_workshop()

    response = laptop.post(f"/w/{workshop.pk}/delete/", {"confirmation": workshop.code})

    assert response.status_code == 409
    assert fr("post-its") in response.content.decode()
    assert rows_per_workshop() == before


# Deleting ---------------------------------------------------------------------------


def assert_only_it_went(before, after, workshop_id: int) -> None:
    for (label, owner_id), count in before.items():
        if owner_id == workshop_id:
            assert (label, owner_id) not in after, f"{label}: the workshop is still listed"
        else:
            assert after[(label, owner_id)] == count, f"{label} of {owner_id} changed"
    deleted = [key for key in before if key[1] == workshop_id and before[key]]
    assert deleted, "the workshop had nothing to delete"


def rows_of(workshop_id: int) -> dict[str, int]:
    """Every row of the workshop, model by model, by the hand-written paths."""
    return {
        model._meta.label: model.objects.filter(**{path: workshop_id}).count()
        for model in project_models()
        if (path := WORKSHOP_OF[model._meta.label]) is not None
    }


def test_the_owner_deletes_a_full_workshop_and_only_it(
    live_rows, demo, dora, other_workshop, laptop, django_capture_on_commit_callbacks
):
    pk, title = live_rows.pk, live_rows.title
    before = rows_per_workshop()
    assert all(rows_of(pk)[label] for label in ("plenary.Dot", "baskets.ConditionAnswer"))
    with translation.override("fr"):
        parts = ", ".join(str(part) for part in deletion.contents(live_rows))

    with django_capture_on_commit_callbacks(execute=True):
        response = laptop.post(
            f"/w/{pk}/delete/", {"confirmation": live_rows.code.lower()}, follow=True
        )

    assert response.redirect_chain == [("/w/", 302)]
    assert set(rows_of(pk).values()) == {0}
    assert_only_it_went(before, rows_per_workshop(), pk)
    message = fr("Workshop “%(title)s” deleted: %(parts)s.", title=title, parts=parts)
    assert message.startswith("Atelier « Atelier paniers » supprimé : ")
    assert escape(message) in response.content.decode()


def test_deleting_the_demo_leaves_the_other_workshops_whole(
    live_rows, other_workshop, dora, demo, user_client, django_capture_on_commit_callbacks
):
    before = rows_per_workshop()
    demo_owner = user_client(demo.created_by)

    with django_capture_on_commit_callbacks(execute=True):
        response = demo_owner.post(f"/w/{demo.pk}/delete/", {"confirmation": DEMO_TITLE})

    assert response.status_code == 302
    assert_only_it_went(before, rows_per_workshop(), demo.pk)


def test_what_went_is_what_the_page_announced(live_rows):
    announced = [str(part) for part in deletion.contents(live_rows)]

    gone = deletion.workshop_delete(workshop=live_rows, confirmation=live_rows.code)

    assert [str(part) for part in gone] == announced


@pytest.mark.django_db(transaction=True)
def test_a_row_written_into_it_while_it_goes_makes_it_collect_again(
    full_workshop, alice, monkeypatch
):
    """As a phone's post-it arriving between the collection and the commit: the database
    refuses the commit (the new row points at a deleted sub-group), the deletion retries."""
    collections = []

    def collect_then_a_phone_writes(workshop):
        collector = collect(workshop)
        collections.append(collector)
        if len(collections) == 1:
            PostIt.objects.create(subgroup=alice.subgroup, author=alice, kind="offer", text="Tard")
        return collector

    collect = deletion._collector
    monkeypatch.setattr(deletion, "_collector", collect_then_a_phone_writes)

    deletion.workshop_delete(workshop=full_workshop, confirmation=full_workshop.code)

    assert len(collections) == 2
    assert set(rows_of(full_workshop.pk).values()) == {0}


# Its phones and screens ---------------------------------------------------------------


def test_a_phone_of_a_deleted_workshop_finds_a_clear_404(
    live_rows, alice, participant_client, django_capture_on_commit_callbacks
):
    phone = participant_client(alice)
    code = live_rows.code
    with django_capture_on_commit_callbacks(execute=True):
        deletion.workshop_delete(workshop=live_rows, confirmation=code)

    for path in (f"/j/{code}/", f"/j/{code}/state/", f"/j/{code}/board/"):
        response = phone.get(path)
        assert response.status_code == 404, path
        assert fr("This page does not exist, or no longer does") in response.content.decode()


def test_a_room_of_phones_asking_for_it_again_is_not_taken_for_a_guesser(
    live_rows, settings, client, django_capture_on_commit_callbacks
):
    settings.JOIN_ATTEMPTS_PER_WINDOW = 2
    code = live_rows.code
    with django_capture_on_commit_callbacks(execute=True):
        deletion.workshop_delete(workshop=live_rows, confirmation=code)

    assert [client.get(f"/j/{code}/").status_code for _phone in range(5)] == [404] * 5
    # Codes that never existed still count, from the same address.
    assert [client.get("/j/QQQQQQ/").status_code for _guess in range(3)] == [404, 404, 429]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("channel_layer")
async def test_its_open_sockets_are_told_then_closed_and_others_hear_nothing(
    full_workshop, alice, owner, dora, participant_client, user_client
):
    async def headers(client_of) -> list:
        return ws_headers(session_key(await database_sync_to_async(client_of)()))

    code, pk = full_workshop.code, full_workshop.pk
    phone_headers = await headers(lambda: participant_client(alice))
    laptop_headers = await headers(lambda: user_client(owner))
    sockets = {
        "phone": WebsocketCommunicator(application, f"/ws/j/{code}/", headers=phone_headers),
        "projector": WebsocketCommunicator(
            application, f"/ws/w/{pk}/screen/", headers=laptop_headers
        ),
        "console": WebsocketCommunicator(
            application, f"/ws/w/{pk}/console/", headers=laptop_headers
        ),
        "dora": WebsocketCommunicator(
            application,
            f"/ws/j/{dora.workshop.code}/",
            headers=await headers(lambda: participant_client(dora)),
        ),
    }
    for name, socket in sockets.items():
        assert (await socket.connect())[0], name

    await database_sync_to_async(deletion.workshop_delete)(
        workshop=full_workshop, confirmation=code
    )

    banner = escape(fr("This workshop no longer exists: its organiser deleted it."))
    for name in ("phone", "projector", "console"):
        told = await sockets[name].receive_output(timeout=1)
        assert told["type"] == "websocket.send" and banner in told["text"], name
        assert 'id="request-problem"' in told["text"] and 'hx-swap-oob="true"' in told["text"]
        assert "data-final" in told["text"]  # what later failed requests do not overwrite
        closed = await sockets[name].receive_output(timeout=1)
        assert closed == {"type": "websocket.close", "code": consumers.WORKSHOP_DELETED}
    assert await sockets["dora"].receive_nothing(timeout=0.1)
    for socket in sockets.values():
        await socket.disconnect(timeout=0.1)

    again = WebsocketCommunicator(application, f"/ws/j/{code}/", headers=phone_headers)
    assert not (await again.connect())[0]
    await again.disconnect(timeout=0.1)
    await close_database_thread()
