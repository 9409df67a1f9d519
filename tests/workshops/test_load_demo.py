"""`make run`'s demo: what a facilitator finds after `load_demo`, and the same after a second run."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from territories.models import KeyFact, Territory
from tests.conftest import fr
from tests.fixtures.rooms import LAPTOP, demo_workshop
from workshops.demo import (
    DEMO_USERNAME,
    KEY_FACTS,
    TABLE_1_POSTITS,
    TERRITORIES,
)
from workshops.models import Participant, Phase, PostIt, SubGroup, Table, Workshop

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo_settings(settings, tmp_path):
    """The password file goes to a folder of the test's own, never to the real var/."""
    settings.VAR_DIR = tmp_path
    settings.PUBLIC_URL = ""


def printed(output: str, label: str) -> str:
    found = re.search(rf"^\s*{re.escape(label)}\s*: (\S+)$", output, re.MULTILINE)
    assert found, f"{label!r} is not printed"
    return found.group(1)


def logs_in(password: str) -> bool:
    response = Client().post("/login/", {"username": DEMO_USERNAME, "password": password})
    return response.status_code == 302


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Workshop,
            Territory,
            KeyFact,
            Table,
            SubGroup,
            Phase,
            PostIt,
            Participant,
            get_user_model(),
        )
    }


# The first run ----------------------------------------------------------------------


def test_it_creates_an_open_workshop_with_the_demo_territories_tables_and_phases(load_demo):
    load_demo()

    workshop = demo_workshop()
    assert workshop.status == Workshop.Status.OPEN
    assert workshop.current_phase is None  # the doors are open, phase 1 waits for the console
    assert workshop.created_by.username == DEMO_USERNAME
    assert list(workshop.facilitators.all()) == [workshop.created_by]
    assert sorted(workshop.territories.values_list("name", flat=True)) == sorted(
        data["name"] for data in TERRITORIES
    )
    for data in TERRITORIES:
        territory = Territory.objects.get(name=data["name"])
        assert (territory.short_name, territory.color, territory.sheet) == (
            data["short_name"],
            data["color"],
            data["sheet"],
        )
        assert [(f.label, f.value, f.source) for f in territory.key_facts.all()] == KEY_FACTS[
            data["name"]
        ]
    assert list(workshop.tables.values_list("number", flat=True)) == [1, 2, 3]
    assert SubGroup.objects.filter(table__workshop=workshop).count() == 9
    assert [(p.kind, p.name) for p in workshop.phases.all()] == [
        (Phase.Kind.FORMULATION, fr("Offers and needs")),
        (Phase.Kind.NEGOTIATION, fr("Negotiation")),
        (Phase.Kind.CONDITIONS, fr("Conditions")),
        (Phase.Kind.PLENARY, fr("Plenary")),
    ]


def test_it_puts_the_seeded_postits_at_table_1_only(load_demo):
    load_demo()

    workshop = demo_workshop()
    seeded = PostIt.objects.filter(subgroup__table__workshop=workshop).order_by("pk")
    assert [
        (p.subgroup.territory.short_name, p.kind, p.text, p.theme) for p in seeded
    ] == TABLE_1_POSTITS
    assert {p.subgroup.table.number for p in seeded} == {1}
    assert not seeded.exclude(author=None).exists()  # nobody wrote them: no participant yet
    assert not Participant.objects.exists()


def test_it_prints_the_urls_the_code_and_credentials_that_let_the_facilitator_in(
    load_demo, tmp_path
):
    output = load_demo()

    workshop = demo_workshop()
    assert printed(output, "Facilitator login") == f"{LAPTOP}/login/"
    assert printed(output, "username") == DEMO_USERNAME
    assert printed(output, "Console") == f"{LAPTOP}/w/{workshop.pk}/console/"
    assert printed(output, "Projector view") == f"{LAPTOP}/w/{workshop.pk}/projector/"
    assert printed(output, "Participants join") == f"{LAPTOP}/j/{workshop.code}/"
    assert printed(output, "Join code") == workshop.code
    assert "phones cannot reach 127.0.0.1" in output
    password = printed(output, "password")
    assert (tmp_path / "demo-password").read_text() == password  # kept for the next run
    assert oct((tmp_path / "demo-password").stat().st_mode & 0o777) == oct(0o600)
    assert logs_in(password)

    client = Client()
    client.login(username=DEMO_USERNAME, password=password)
    assert client.get(f"/w/{workshop.pk}/console/").status_code == 200
    assert client.get("/territories/new/").status_code == 200  # may add to the library


def test_it_prints_the_public_url_for_the_phones(load_demo, settings):
    settings.PUBLIC_URL = "http://192.168.1.20:8000"

    output = load_demo()

    assert printed(output, "Participants join") == (
        f"http://192.168.1.20:8000/j/{demo_workshop().code}/"
    )
    assert printed(output, "Console").startswith(f"{LAPTOP}/w/")  # the laptop's own address
    assert "phones cannot reach" not in output


def test_it_reuses_the_library_s_territories_of_the_same_name(load_demo, territories):
    load_demo()

    assert Territory.objects.count() == 3
    assert set(demo_workshop().territories.all()) == set(territories)


# The second run ---------------------------------------------------------------------


def test_a_second_run_changes_nothing_and_prints_the_same_workshop_and_password(load_demo):
    first = load_demo()
    before = counts()

    second = load_demo()

    assert counts() == before
    assert before["Workshop"] == 1
    assert before["PostIt"] == len(TABLE_1_POSTITS)
    for label in ("Join code", "Console", "Participants join", "username", "password"):
        assert printed(second, label) == printed(first, label)
    assert demo_workshop().status == Workshop.Status.OPEN
    assert logs_in(printed(second, "password"))


def test_a_second_run_keeps_what_the_room_did_with_the_demo(load_demo):
    load_demo()
    workshop = demo_workshop()
    subgroup = workshop.tables.get(number=2).subgroups.first()
    Participant.objects.create(workshop=workshop, subgroup=subgroup, first_name="Alice")

    load_demo()

    assert Participant.objects.filter(workshop=workshop).count() == 1
    assert PostIt.objects.count() == len(TABLE_1_POSTITS)


def test_it_prints_a_password_that_works_when_the_stored_one_is_stale(load_demo, tmp_path):
    """var/ kept from another database: the stored password is not this account's."""
    load_demo()
    (tmp_path / "demo-password").write_text("from-another-database")

    password = printed(load_demo(), "password")

    assert password != "from-another-database"
    assert logs_in(password)
    assert (tmp_path / "demo-password").read_text() == password


def test_it_prints_a_password_that_works_when_the_stored_one_is_gone(load_demo, tmp_path):
    load_demo()
    (tmp_path / "demo-password").unlink()

    password = printed(load_demo(), "password")

    assert logs_in(password)
    assert get_user_model().objects.filter(username=DEMO_USERNAME).count() == 1


# The worked example of the negotiation ------------------------------------------------


def demo_baskets():
    """Table 1's baskets as the projector reads them, by pair of short names, and the
    table's negotiation (its warnings)."""
    from baskets import selectors

    (entry,) = selectors.negotiation(demo_workshop(), table=demo_workshop().tables.get(number=1))
    return {
        frozenset({v.basket.side_a.territory.short_name, v.basket.side_b.territory.short_name}): v
        for v in entry.baskets
    }, entry


def test_table_1_carries_the_three_baskets_of_the_seed_report(load_demo):
    from baskets.balance import Gauge

    load_demo()

    views, entry = demo_baskets()
    assert set(views) == {
        frozenset({"PdB", "BM"}),
        frozenset({"BM", "COB"}),
        frozenset({"PdB", "COB"}),
    }
    on_condition = views[frozenset({"PdB", "BM"})]
    rebalanced = views[frozenset({"BM", "COB"})]
    complementary = views[frozenset({"PdB", "COB"})]
    assert [len(v.transactions) for v in (on_condition, rebalanced, complementary)] == [5, 6, 4]
    for view in views.values():
        assert view.balance.gauge == Gauge.BALANCED
        assert view.balance.a.given and view.balance.b.given  # both ways
        assert all(t.answered or "condition" in t.note for t in view.transactions)
    # Balanced on condition: the health transaction, its effort still to be said, tips it.
    health = on_condition.transactions[-1]
    assert health.note.startswith("À condition que le service de santé")
    assert (health.value, health.effort) == (4, None)
    assert on_condition.balance.unrated == 1
    assert on_condition.counts_mislead  # 2 received against 3, yet balanced by value
    # Rebalanced: the port and the investment structure, added last, level it.
    assert all(t.note.startswith("Ajouté pour rééquilibrer") for t in rebalanced.transactions[4:])
    assert rebalanced.balance.difference == 0
    # What the table is warned of: the hospital and the solar installers, each promised
    # in two baskets.
    assert sorted(offer.text for offer, _ in entry.shared_offers) == [
        "Présence d'une filière solaire dynamique (installateurs RGE).",
        "Présence de services de santé spécialisés (pôle hospitalier).",
    ]
    # And the transport problem the report calls common and hard to solve: unanswered.
    assert [need.text for need in entry.unanswered_needs] == [
        "Étendre le réseau de transport de Brest Métropole au Pays."
    ]
    assert not demo_workshop().tables.get(number=2).baskets.filter(transactions__isnull=False)


def test_without_its_last_transactions_a_basket_leans_as_the_report_says(load_demo):
    from baskets.balance import Gauge, basket_balance
    from baskets.selectors import _moves

    load_demo()

    views, _ = demo_baskets()
    for pair, kept in ((frozenset({"PdB", "BM"}), 4), (frozenset({"BM", "COB"}), 4)):
        view = views[pair]
        metropole = "a" if view.basket.side_a.territory.short_name == "BM" else "b"
        before = basket_balance(_moves(view.transactions[:kept], view.basket), tolerance=2)
        assert before.gauge == (Gauge.LEANS_A if metropole == "a" else Gauge.LEANS_B)


def test_a_second_run_writes_no_basket_twice(load_demo):
    from baskets.models import Transaction

    load_demo()
    before = Transaction.objects.count()

    load_demo()

    assert Transaction.objects.count() == before == 15
