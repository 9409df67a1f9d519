"""What a process keeps of its own reads: a small store that forgets the least recently
used entry past its size, safe across the threads that serve requests. Used for what many
phones of a table ask for at once (the phone board, the suggestions)."""

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any


class Kept:
    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        """The value kept under ``key`` (now the most recently used), or None."""
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
