"""The demo's draft action list, as the Brest Métropole ↔ Pays COB reciprocity contract
sorted its own (seed 004): the hospital cooperation (CHRU de Brest and Carhaix) was
already at work, the port's export opportunity was being prepared; the rest of table 1's
transactions stay themes under reflection, the default."""

from baskets.demo import HEALTH
from baskets.models import Transaction
from restitution import services
from restitution.models import ActionStatus

STATUSES = {
    ("BM", "COB", HEALTH): ActionStatus.OPERATIONAL,
    ("BM", "COB", "Port de Brest : hub import / export."): ActionStatus.PREPARATION,
}


def write_demo_actions(workshop) -> None:
    transactions = Transaction.objects.filter(
        basket__table__workshop=workshop, basket__table__number=1
    ).select_related(
        "offer", "giver__territory", "basket__side_a__territory", "basket__side_b__territory"
    )
    for transaction in transactions:
        basket = transaction.basket
        receiver = basket.side_b if transaction.giver_id == basket.side_a_id else basket.side_a
        key = (
            transaction.giver.territory.short_name,
            receiver.territory.short_name,
            transaction.offer.text,
        )
        if key in STATUSES:
            services.action_update(transaction=transaction, status=STATUSES[key])
