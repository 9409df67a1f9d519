"""Which offers of the other territories at a table may answer each need: meaning, not words.

No database and no Django here (like ``balance.py``): ``suggestions.py`` turns a table's
post-its into ``Card``s; ``suggest_matches`` and ``bench/suggestions.py`` feed it sets
read from JSON. docs/negotiation.md, "Suggestions", explains it in the screens' words.

The score of an offer for a need is the similarity of their meanings plus a bonus when
both carry the same theme:

- **Meaning**: each text becomes the content lemmas of spaCy's French pipeline
  (``fr_core_news_md``: "installateurs" → "installateur", "structurées" → "structurer"; stop
  words, numbers and punctuation dropped), each lemma its word vector (300 dimensions,
  trained on French web text). Every content word of the need finds its nearest word in
  the offer, and the meaning is the mean of those best cosines: how much of the need the
  offer covers (one way: an offer's other words do not count against it). A shared word
  is just a cosine of 1 among others, so "Lignes de bus et de train" answers "Moins de
  voitures sur les routes" without a word in common (tests/baskets/test_matching.py).
  Words that every post-it uses to say what it is ("besoin", "offre", "développer", ...:
  ``FRAMING_LEMMAS``, the method's vocabulary, not a workshop's) and the territories' names
  carry no meaning here.
- **Theme**: the same theme on both adds ``THEME_BONUS``; a post-it without a theme gets
  none. One number, taken from the middle-low of a plateau of equal figures on seed 000,
  not fitted to a point: see docs/negotiation.md.

Everything model-bound is in ``FrenchEncoder``: the pipeline loads once per process, on the
first text, behind a lock, with only the pipes lemmas need (no parser, no entities), and
each text's lemmas and vectors are kept (``TEXT_CACHE_SIZE``), so a table whose post-its
did not change costs only the arithmetic.
"""

import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from blis.py import gemm as blis_gemm

MODEL_NAME = "fr_core_news_md"
MODEL_EXCLUDE = ("parser", "ner", "senter")
THEME_BONUS = 0.15
DEFAULT_LIMIT = 10
TEXT_CACHE_SIZE = 20_000
CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "ADV", "X"})
# The words a post-it uses to say that it is an offer or a need, or that something exists
# or should grow: the method's own vocabulary, which says nothing of what is offered.
FRAMING_LEMMAS = frozenset(
    {
        "besoin",
        "offre",
        "offrir",
        "demande",
        "développer",
        "développement",
        "renforcer",
        "proposer",
        "possibilité",
        "présence",
        "potentiel",
        "disposer",
        "avoir",
        "être",
        "faire",
        "pouvoir",
        "vouloir",
        "devoir",
        "notre",
        "nos",
        "territoire",
    }
)


@dataclass(frozen=True)
class Card:
    """One post-it as the matcher sees it."""

    id: str | int
    territory: str | int
    kind: str  # "offer" or "need"
    theme: str
    text: str


@dataclass(frozen=True)
class Suggestion:
    offer: str | int
    score: float


@dataclass(frozen=True)
class Meaning:
    """A text's content lemmas and their unit word vectors (one row each)."""

    lemmas: tuple[str, ...]  # those with a vector, in order
    vectors: np.ndarray  # one row per lemma, of norm 1: shape (len(lemmas), 300)
    words: tuple[str, ...] = ()  # every content lemma, with a vector or not

    def without(self, words: frozenset[str]) -> "Meaning":
        if not words or words.isdisjoint(self.lemmas):
            return self
        keep = [i for i, lemma in enumerate(self.lemmas) if lemma not in words]
        return Meaning(tuple(self.lemmas[i] for i in keep), self.vectors[keep], self.words)


class FrenchEncoder:
    """Texts to ``Meaning``s with spaCy's French pipeline, loaded on first use."""

    def __init__(self, model_name: str = MODEL_NAME, cache_size: int = TEXT_CACHE_SIZE):
        self.model_name = model_name
        self.cache_size = cache_size
        self._nlp = None
        self._load_lock = threading.Lock()
        self._cache_lock = threading.Lock()
        self._cache: OrderedDict[str, Meaning] = OrderedDict()

    def forget(self) -> None:
        """Drop the kept texts (the bench's cold runs)."""
        with self._cache_lock:
            self._cache.clear()

    @property
    def loaded(self) -> bool:
        return self._nlp is not None

    def nlp(self):
        if self._nlp is None:
            with self._load_lock:
                if self._nlp is None:
                    import spacy  # a second or two and ~400 MB: only when first needed

                    self._nlp = spacy.load(self.model_name, exclude=list(MODEL_EXCLUDE))
        return self._nlp

    def meanings(self, texts: Iterable[str]) -> list[Meaning]:
        texts = list(texts)
        with self._cache_lock:
            known = {text: self._cache.get(text) for text in texts}
        missing = list(dict.fromkeys(text for text, meaning in known.items() if meaning is None))
        if missing:
            fresh = {
                text: self._meaning(doc)
                for text, doc in zip(missing, self.nlp().pipe(missing), strict=True)
            }
            with self._cache_lock:
                for text, meaning in fresh.items():
                    self._cache[text] = meaning
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
            known.update(fresh)
        return [known[text] for text in texts]

    def _meaning(self, doc) -> Meaning:
        lemmas, rows, words = [], [], []
        for token in doc:
            lemma = content_lemma(token)
            if lemma is None:
                continue
            words.append(lemma)
            vector = self._vector(lemma, token)
            if vector is not None:
                lemmas.append(lemma)
                rows.append(vector)
        vectors = np.array(rows, dtype=np.float32) if rows else np.zeros((0, 300), np.float32)
        return Meaning(tuple(lemmas), vectors, tuple(words))

    def words(self, texts: Iterable[str]) -> frozenset[str]:
        """The content lemmas of some texts (the territories' names: see ``suggest``)."""
        return frozenset(lemma for meaning in self.meanings(texts) for lemma in meaning.lemmas)

    def _vector(self, lemma: str, token) -> np.ndarray | None:
        vocab = self.nlp().vocab
        for key in (lemma, token.lower_.strip(".-")):
            if vocab.has_vector(key):
                vector = vocab.get_vector(key)
                norm = float(np.linalg.norm(vector))
                if norm:
                    return vector / norm
        return None


def content_lemma(token) -> str | None:
    """The lemma a token contributes to a text's meaning, or None for stop words, numbers,
    punctuation and the method's framing words. Accents are kept: "côte" is not "cote"."""
    if token.is_stop or token.is_punct or token.like_num or token.pos_ not in CONTENT_POS:
        return None
    # "EnR." keeps its full stop, "bois-énergie" is one word with a vector of its own.
    lemma = token.lemma_.lower().strip(".-")
    if len(lemma) < 2 or not lemma.replace("-", "").isalpha() or lemma in FRAMING_LEMMAS:
        return None
    return lemma


def meaning_similarity(need: Meaning, offer: Meaning) -> float:
    """How much of the need the offer covers: the mean, over the need's words, of each
    one's best cosine among the offer's words (0 when either has no word with a vector).
    One way only: an offer says more than the need it answers ("Filière bois : plaquettes,
    bûches, bois d'œuvre"), and its other words must not count against it."""
    if not len(need.vectors) or not len(offer.vectors):
        return 0.0
    return float((need.vectors @ offer.vectors.T).max(axis=1).mean())


def meaning_similarities(needs: Sequence[Meaning], offers: Sequence[Meaning]) -> np.ndarray:
    """``meaning_similarity`` of every need with every offer (needs x offers), in one
    matrix product over all their words: a table of 100 post-its in a few milliseconds."""
    scores = np.zeros((len(needs), len(offers)), dtype=np.float32)
    need_rows = [i for i, meaning in enumerate(needs) if len(meaning.vectors)]
    offer_columns = [j for j, meaning in enumerate(offers) if len(meaning.vectors)]
    if not need_rows or not offer_columns:
        return scores
    need_words = np.concatenate([needs[i].vectors for i in need_rows])
    offer_words = np.concatenate([offers[j].vectors for j in offer_columns])
    need_starts = np.cumsum([0] + [len(needs[i].vectors) for i in need_rows[:-1]])
    offer_starts = np.cumsum([0] + [len(offers[j].vectors) for j in offer_columns[:-1]])
    # BLIS (spaCy's own, one thread) rather than numpy's OpenBLAS, whose threads spin and
    # wait for a core on a busy server: 1-4 ms here against 50-90 ms under load.
    cosines = blis_gemm(need_words, offer_words, trans2=True)
    best_in_offer = np.maximum.reduceat(cosines, offer_starts, axis=1)
    sums = np.add.reduceat(best_in_offer, need_starts, axis=0)
    counts = np.array([len(needs[i].vectors) for i in need_rows], dtype=np.float32)
    scores[np.ix_(need_rows, offer_columns)] = sums / counts[:, None]
    return scores


def _theme_key(theme: str) -> str:
    return theme.strip().casefold()


def same_theme(need: Card, offer: Card) -> bool:
    return bool(_theme_key(need.theme)) and _theme_key(need.theme) == _theme_key(offer.theme)


_default_encoder = FrenchEncoder()


def default_encoder() -> FrenchEncoder:
    return _default_encoder


def suggest(
    cards: Sequence[Card],
    *,
    limit: int = DEFAULT_LIMIT,
    territory_names: Iterable[str] = (),
    encoder: FrenchEncoder | None = None,
) -> dict[str | int, list[Suggestion]]:
    """For each need, the offers of the other territories, best first (at most ``limit``).

    The words of ``territory_names`` carry no meaning: "Pays de Brest" on a need and on an
    offer says who writes, not what they trade."""
    encoder = encoder or _default_encoder
    needs = [card for card in cards if card.kind == "need"]
    offers = [card for card in cards if card.kind == "offer"]
    if not needs or not offers:
        return {need.id: [] for need in needs}
    names = encoder.words(territory_names)
    meanings = {
        card: meaning.without(names)
        for card, meaning in zip(cards, encoder.meanings(card.text for card in cards), strict=True)
    }
    themes = [_theme_key(offer.theme) for offer in offers]
    scores = meaning_similarities(
        [meanings[need] for need in needs], [meanings[offer] for offer in offers]
    ) + THEME_BONUS * np.array(
        [[bool(theme) and theme == _theme_key(need.theme) for theme in themes] for need in needs],
        dtype=np.float32,
    )
    suggestions = {}
    for row, need in enumerate(needs):
        order = np.argsort(-scores[row], kind="stable")
        ranked = [i for i in order if offers[i].territory != need.territory][:limit]
        suggestions[need.id] = [
            Suggestion(offers[i].id, round(float(scores[row, i]), 4)) for i in ranked
        ]
    return suggestions


def tables_of_set(data: dict) -> list[list[Card]]:
    """The post-its of an evaluation set (``suggest_matches``'s input) as tables of
    ``Card``s: grouped by ``table``, or one table when the set has none."""
    tables: dict[object, list[Card]] = {}
    for postit in data.get("postits", []):
        card = Card(
            id=postit["id"],
            territory=postit["territory"],
            kind=postit["kind"],
            theme=postit.get("theme") or "",
            text=postit.get("text") or "",
        )
        tables.setdefault(postit.get("table"), []).append(card)
    return list(tables.values())


def territory_names_of_set(data: dict) -> list[str]:
    return [
        name
        for territory in data.get("territories", [])
        for name in (territory.get("name"), territory.get("short"))
        if name
    ]


def suggest_set(
    data: dict, *, limit: int = DEFAULT_LIMIT, encoder: FrenchEncoder | None = None
) -> dict[str, list]:
    """``suggest_matches``'s output: each need's id (a JSON key: a string) to its offers'
    ids as the set writes them, best first."""
    ranked = {}
    names = territory_names_of_set(data)
    for cards in tables_of_set(data):
        suggestions_of_table = suggest(cards, limit=limit, territory_names=names, encoder=encoder)
        for need, suggestions in suggestions_of_table.items():
            ranked[str(need)] = [suggestion.offer for suggestion in suggestions]
    return ranked
