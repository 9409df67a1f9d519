"""Process-local counters read by bench/ (through /__stats__/ when PANIERS_STATS is on)."""

from collections import Counter

_counters: Counter[str] = Counter()


def count(name: str, amount: int = 1) -> None:
    _counters[name] += amount


def snapshot() -> dict[str, int]:
    return dict(_counters)
