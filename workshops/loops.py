"""One object per event loop. Daphne runs one loop, the tests one per test, and asyncio's
semaphores, events and tasks belong to the loop that first used them."""

import asyncio
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class PerLoop(Generic[T]):  # noqa: UP046  (Python 3.11: no PEP 695 syntax yet)
    def __init__(self, make: Callable[[], T]):
        self.make = make
        self._by_loop: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def get(self) -> T:
        """The running loop's object, made on first use."""
        loop = asyncio.get_running_loop()
        if loop not in self._by_loop:
            self._by_loop[loop] = self.make()
        return self._by_loop[loop]
