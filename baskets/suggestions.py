"""Reads: which offers at a table may answer which needs (``matching.py`` on the table's
post-its), for the phone, the console and the report.

Computed on read, never in a write: a write's transaction and its broadcast do not wait
for the model. Each process keeps the last result per table, keyed by what the matcher
reads of the table's post-its (id, sub-group, kind, theme, text, last change), so a
post-it written, changed or removed at the table recomputes it and nothing else does.
Costs: two queries (post-its with their territories; the pairs already in a basket).
"""

from dataclasses import dataclass, field

from baskets import matching
from baskets.models import AnsweredNeed, Basket
from workshops import stats
from workshops.kept import Kept
from workshops.models import PostIt, Table, Workshop

ON_PHONE = 3  # suggestions under each post-it on a phone
# A need whose best offer scores below this "seems unanswered" (console, report). On seed
# 000 the pairs no table negotiated score 0.46 at the median, and the lowest best score of
# a need a table answered is 0.54 (docs/negotiation.md): halfway, rounded.
ANSWER_THRESHOLD = 0.5
# A phone shows what "may" answer, down to this: below every pair a table negotiated on
# seed 000 (0.37), above a tenth of the pairs none did (0.32).
SUGGESTION_FLOOR = 0.35
CACHED_TABLES = 256


@dataclass(frozen=True)
class Pairing:
    """One suggested offer → need at a table."""

    offer: PostIt
    need: PostIt
    score: float
    in_basket: bool  # a transaction of the table already gives this offer for this need


@dataclass
class TableSuggestions:
    table: Table
    postits: dict[int, PostIt] = field(default_factory=dict)
    # need id -> its offers, best first (at most matching.DEFAULT_LIMIT)
    ranked: dict[int, list[tuple[int, float]]] = field(default_factory=dict)
    in_basket: frozenset[tuple[int, int]] = frozenset()  # (offer id, need id)

    def _pairing(self, offer_id: int, need_id: int, score: float) -> Pairing:
        return Pairing(
            self.postits[offer_id],
            self.postits[need_id],
            score,
            (offer_id, need_id) in self.in_basket,
        )

    def for_need(self, need_id: int, limit: int = ON_PHONE) -> list[Pairing]:
        return [
            self._pairing(offer_id, need_id, score)
            for offer_id, score in self.ranked.get(need_id, [])
            if score >= SUGGESTION_FLOOR
        ][:limit]

    def for_offer(self, offer_id: int, limit: int = ON_PHONE) -> list[Pairing]:
        """The needs of others for which this offer is among their first ``ON_PHONE``: those
        it comes first for first (a score says how well one need is covered, so scores of
        different needs compare less well than ranks), then by score."""
        found = [
            (rank, -score, self._pairing(offer_id, need_id, score))
            for need_id, offers in self.ranked.items()
            for rank, (candidate, score) in enumerate(offers)
            if candidate == offer_id and rank < ON_PHONE and score >= SUGGESTION_FLOOR
        ]
        return [pairing for _, _, pairing in sorted(found, key=lambda row: row[:2])][:limit]

    @property
    def needs_in_baskets(self) -> set[int]:
        return {need for _, need in self.in_basket}

    def unanswered_needs(self) -> list[PostIt]:
        """The needs for which no offer at the table scores ``ANSWER_THRESHOLD``."""
        return [
            need
            for need in self.postits.values()
            if need.kind == PostIt.Kind.NEED
            and not any(score >= ANSWER_THRESHOLD for _, score in self.ranked.get(need.pk, []))
        ]


_cache = Kept(CACHED_TABLES)  # table id: (its post-its as ranked, the ranking)


def _table_postits(tables: list[Table]) -> list[PostIt]:
    return list(
        PostIt.objects.filter(subgroup__table__in=tables)
        .select_related("subgroup__territory")
        .order_by("created_at", "id")
    )


def _ranked(table_id: int, postits: list[PostIt]) -> dict[int, list[tuple[int, float]]]:
    key = tuple((p.pk, p.subgroup_id, p.kind, p.theme, p.text, p.updated_at) for p in postits)
    cached = _cache.get(table_id)
    if cached is not None and cached[0] == key:
        return cached[1]
    stats.count("suggestion_computations")
    cards = [
        matching.Card(p.pk, p.subgroup_id, p.kind, p.theme, p.text)
        for p in postits
        if p.kind in (PostIt.Kind.OFFER, PostIt.Kind.NEED)
    ]
    territories = {p.subgroup.territory for p in postits}
    names = [name for t in territories for name in (t.name, t.short_name) if name]
    ranked = {
        need: [(s.offer, s.score) for s in suggestions]
        for need, suggestions in matching.suggest(cards, territory_names=names).items()
    }
    _cache.put(table_id, (key, ranked))
    return ranked


def _in_basket(tables: list[Table]) -> set[tuple[int, int, int]]:
    """(table id, offer id, need id) of every answered need of these tables' baskets."""
    return set(
        AnsweredNeed.objects.filter(transaction__basket__table__in=tables).values_list(
            "transaction__basket__table_id", "transaction__offer_id", "need_id"
        )
    )


def for_tables(tables: list[Table]) -> list[TableSuggestions]:
    """The suggestions of these tables (of one workshop), in their order: two queries."""
    postits_of: dict[int, list[PostIt]] = {table.pk: [] for table in tables}
    for postit in _table_postits(tables):
        postits_of[postit.subgroup.table_id].append(postit)
    answered = _in_basket(tables)
    return [
        TableSuggestions(
            table,
            {p.pk: p for p in postits_of[table.pk]},
            _ranked(table.pk, postits_of[table.pk]),
            frozenset((offer, need) for t, offer, need in answered if t == table.pk),
        )
        for table in tables
    ]


def for_table(table: Table) -> TableSuggestions:
    return for_tables([table])[0]


def for_workshop(workshop: Workshop) -> list[TableSuggestions]:
    return for_tables(list(workshop.tables.order_by("number")))


def basket_ids(table: Table) -> dict[frozenset[int], int]:
    """The table's baskets by their two sub-groups: where a suggestion's tap leads."""
    return {
        frozenset(pair[:2]): pair[2]
        for pair in Basket.objects.filter(table=table).values_list("side_a", "side_b", "pk")
    }


@dataclass(frozen=True)
class PhoneSuggestion:
    pairing: Pairing
    basket_id: int
    giver_id: int  # the sub-group whose offer it is: the form's "who gives"

    @property
    def form_query(self) -> str:
        """The transaction form's query string with this offer and need chosen."""
        return f"?giver={self.giver_id}&offer={self.pairing.offer.pk}&needs={self.pairing.need.pk}"


@dataclass
class PhoneRow:
    """One of our post-its and what the table may match it with."""

    postit: PostIt
    suggestions: list[PhoneSuggestion]


def for_phone(subgroup_id: int, table: Table) -> tuple[list[PhoneRow], list[PhoneRow]]:
    """Our needs with the offers of the others that may answer them, and our offers with
    the needs of the others they may answer, in the grid's order: three queries."""
    found = for_table(table)
    baskets = basket_ids(table)

    def suggestion(pairing: Pairing) -> PhoneSuggestion | None:
        giver_id = pairing.offer.subgroup_id
        basket_id = baskets.get(frozenset((giver_id, pairing.need.subgroup_id)))
        return None if basket_id is None else PhoneSuggestion(pairing, basket_id, giver_id)

    ours = [p for p in found.postits.values() if p.subgroup_id == subgroup_id]
    needs = [
        PhoneRow(need, [s for s in map(suggestion, found.for_need(need.pk)) if s])
        for need in ours
        if need.kind == PostIt.Kind.NEED
    ]
    offers = [
        PhoneRow(offer, [s for s in map(suggestion, found.for_offer(offer.pk)) if s])
        for offer in ours
        if offer.kind == PostIt.Kind.OFFER
    ]
    return needs, offers
