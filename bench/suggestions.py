"""How well the match suggestions find the pairs a real workshop negotiated.

    python bench/suggestions.py [tests/data/seed000_matches.json]

The set is ``suggest_matches``'s input plus ``"matches": [{"offer", "need"}]``, the pairs
the workshop's tables negotiated. For every need with at least one true offer among its
candidates (the offers of the other territories at its table), each ranking is scored:

- recall@k: the share of those needs with a true offer in their first k;
- MRR: the mean of 1 / the rank of the first true offer (whole ranking);
- precision@3: the mean share of true offers in the first 3.

Rankings side by side: the matcher (``baskets/matching.py``), the matcher with every
post-it's theme blanked (meaning alone), a random ranking (the mean
of ``RANDOM_DRAWS`` shuffles), TF-IDF over the same content lemmas (cosine, IDF over the
table's post-its), and that TF-IDF plus a same-theme bonus (the best of ``BASELINE_BONUSES``
on this very set, so the baseline is given its best chance). Figures: docs/negotiation.md.
"""

import json
import math
import random
import statistics
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from baskets.matching import (  # noqa: E402
    Card,
    default_encoder,
    same_theme,
    suggest,
    tables_of_set,
    territory_names_of_set,
)

DEFAULT_SET = Path(__file__).resolve().parent.parent / "tests/data/seed000_matches.json"
RANDOM_DRAWS = 500
BASELINE_BONUSES = (0.05, 0.1, 0.15, 0.2, 0.3, 0.5)
KS = (1, 3, 5)
TIMED_TABLE_SIZE = 100
TIMED_RUNS = 15


def candidates(cards: list[Card], need: Card) -> list[Card]:
    return [c for c in cards if c.kind == "offer" and c.territory != need.territory]


def tfidf_vector(lemmas: tuple[str, ...], document_frequency: Counter, count: int) -> dict:
    """Term frequency x smoothed IDF (ln((1 + n) / (1 + df)) + 1), of norm 1."""
    vector = {
        lemma: n * (math.log((1 + count) / (1 + document_frequency[lemma])) + 1)
        for lemma, n in Counter(lemmas).items()
    }
    norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
    return {lemma: w / norm for lemma, w in vector.items()}


def tfidf_rankings(tables: list[list[Card]], theme_bonus: float) -> dict:
    encoder = default_encoder()
    rankings = {}
    for cards in tables:
        lemmas = {
            card: meaning.words
            for card, meaning in zip(cards, encoder.meanings(c.text for c in cards), strict=True)
        }
        document_frequency = Counter(lemma for card in cards for lemma in set(lemmas[card]))
        vectors = {
            card: tfidf_vector(lemmas[card], document_frequency, len(cards)) for card in cards
        }
        for need in (c for c in cards if c.kind == "need"):
            scored = []
            for offer in candidates(cards, need):
                cosine = sum(
                    w * vectors[offer].get(lemma, 0.0) for lemma, w in vectors[need].items()
                )
                scored.append((cosine + theme_bonus * same_theme(need, offer), offer.id))
            scored.sort(key=lambda pair: -pair[0])
            rankings[need.id] = [offer_id for _, offer_id in scored]
    return rankings


def matcher_rankings(tables: list[list[Card]], names: list[str]) -> dict:
    rankings = {}
    for cards in tables:
        for need, suggestions in suggest(cards, limit=len(cards), territory_names=names).items():
            rankings[need] = [s.offer for s in suggestions]
    return rankings


def random_rankings(tables: list[list[Card]], rng: random.Random) -> dict:
    rankings = {}
    for cards in tables:
        for need in (c for c in cards if c.kind == "need"):
            ids = [offer.id for offer in candidates(cards, need)]
            rng.shuffle(ids)
            rankings[need.id] = ids
    return rankings


def score(rankings: dict, truth: dict[object, set]) -> dict[str, float]:
    figures = {f"recall@{k}": 0.0 for k in KS} | {"MRR": 0.0, "precision@3": 0.0}
    judged = [need for need, offers in truth.items() if offers]
    for need in judged:
        ranking, true = rankings.get(need, []), truth[need]
        for k in KS:
            figures[f"recall@{k}"] += any(offer in true for offer in ranking[:k])
        first = next((rank for rank, offer in enumerate(ranking, 1) if offer in true), None)
        figures["MRR"] += 1 / first if first else 0.0
        figures["precision@3"] += sum(offer in true for offer in ranking[:3]) / 3
    return {name: value / len(judged) for name, value in figures.items()}


def mean_figures(runs: list[dict[str, float]]) -> dict[str, float]:
    return {name: sum(run[name] for run in runs) / len(runs) for name in runs[0]}


def truth_of(data: dict, tables: list[list[Card]]) -> dict:
    truth = {card.id: set() for cards in tables for card in cards if card.kind == "need"}
    for match in data.get("matches", []):
        truth.setdefault(match["need"], set()).add(match["offer"])
    return truth


def resident_megabytes() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def timings(cards: list[Card], names: list[str]) -> dict[str, float]:
    """Milliseconds per ``suggest`` on a table of ``TIMED_TABLE_SIZE`` post-its: median of
    ``TIMED_RUNS``, with every text known (the usual case: a table changes one post-it
    at a time), with one text new, and with none known (a process's first request)."""
    encoder = default_encoder()
    table = [
        replace(
            card, id=f"{copy}-{card.id}", text=card.text if copy == 0 else f"{card.text} ({copy})"
        )
        for copy in range(TIMED_TABLE_SIZE // len(cards) + 1)
        for card in cards
    ][:TIMED_TABLE_SIZE]

    def run_ms(prepare) -> float:
        runs = []
        for run in range(TIMED_RUNS):
            cards_of_run = prepare(run)
            started = time.perf_counter()
            suggest(cards_of_run, territory_names=names)
            runs.append((time.perf_counter() - started) * 1000)
        return statistics.median(runs)

    suggest(table, territory_names=names)
    known = run_ms(lambda run: table)
    one_new = run_ms(lambda run: [replace(table[0], text=f"{table[0].text} [{run}]"), *table[1:]])

    def cold(run):
        encoder.forget()
        return table

    return {"every text known": known, "one text new": one_new, "no text known": run_ms(cold)}


def main(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    tables = tables_of_set(data)
    truth = truth_of(data, tables)
    before = resident_megabytes()
    started = time.perf_counter()
    default_encoder().nlp()
    load_seconds = time.perf_counter() - started
    load_megabytes = resident_megabytes() - before
    names = territory_names_of_set(data)
    rows = {"matcher": score(matcher_rankings(tables, names), truth)}
    themeless = [[replace(card, theme="") for card in cards] for cards in tables]
    rows["matcher, themes ignored"] = score(matcher_rankings(themeless, names), truth)
    rng = random.Random(0)
    rows["random"] = mean_figures(
        [score(random_rankings(tables, rng), truth) for _ in range(RANDOM_DRAWS)]
    )
    rows["TF-IDF (lemmas)"] = score(tfidf_rankings(tables, 0.0), truth)
    best_bonus, best = None, None
    for bonus in BASELINE_BONUSES:
        figures = score(tfidf_rankings(tables, bonus), truth)
        if best is None or (figures["MRR"], figures["recall@3"]) > (best["MRR"], best["recall@3"]):
            best_bonus, best = bonus, figures
    rows[f"TF-IDF (lemmas) + theme {best_bonus}"] = best
    judged = sum(1 for offers in truth.values() if offers)
    postits = sum(len(cards) for cards in tables)
    print(f"{path.name}: {postits} post-its, {judged} needs with a negotiated offer")
    names = list(next(iter(rows.values())))
    print(f"| ranking | {' | '.join(names)} |")
    print(f"|---|{'---:|' * len(names)}")
    for ranking, figures in rows.items():
        print(f"| {ranking} | {' | '.join(f'{figures[n]:.2f}' for n in names)} |")
    print(f"model load: {load_seconds:.1f} s, +{load_megabytes:.0f} MB resident")
    for case, milliseconds in timings(tables[0], names).items():
        print(
            f"suggestions for a table of {TIMED_TABLE_SIZE} post-its, {case}: {milliseconds:.1f} ms"
        )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SET)
