"""Process-local counters read by bench/ (through /__stats__/ when PANIERS_STATS is on)."""

from collections import Counter

from channels.layers import InMemoryChannelLayer, get_channel_layer

_counters: Counter[str] = Counter()


def count(name: str, amount: int = 1) -> None:
    _counters[name] += amount


def snapshot() -> dict:
    """The counters, and the members of each group when the layer lives in this process
    (bench/reconnect.py counts the members left behind; Redis it reads directly)."""
    data: dict = dict(_counters)
    layer = get_channel_layer()
    if isinstance(layer, InMemoryChannelLayer):
        data["group_sizes"] = {group: len(members) for group, members in layer.groups.items()}
    return data
