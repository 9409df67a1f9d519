"""The per-process store behind the phone boards and the suggestions (workshops/kept.py)."""

import threading

from workshops.kept import Kept


def test_the_least_recently_used_entry_goes_first_past_the_size():
    kept = Kept(2)
    kept.put("a", 1)
    kept.put("b", 2)
    assert kept.get("a") == 1  # "a" is now the most recently used
    kept.put("c", 3)
    assert kept.get("b") is None
    assert (kept.get("a"), kept.get("c")) == (1, 3)


def test_a_value_put_again_replaces_the_one_kept():
    kept = Kept(2)
    kept.put("a", 1)
    kept.put("a", 2)
    assert kept.get("a") == 2


def test_threads_that_put_at_once_leave_it_within_its_size():
    kept = Kept(10)

    def put_many(offset: int) -> None:
        for n in range(500):
            kept.put(offset + n, n)
            kept.get(offset + n // 2)

    threads = [threading.Thread(target=put_many, args=(k * 1000,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(kept) == 10
