"""The largest document the importer accepts (every row cap of
restitution/document/limits.py reached at once), imported as an archive on a throwaway
database: how long the import holds the database, and how long a post-it written
meanwhile waits for it.

    python bench/import_limits.py [--database-url URL] [--repeat N]

Prints seconds; see docs/performance.md ("Import at its limits").
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(database_url: str | None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        folder = tempfile.mkdtemp(prefix="paniers-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def largest_document() -> dict:
    from restitution.document import FORMAT, VERSION, limits
    from workshops.services import MAX_TABLES, MAX_TERRITORIES

    territories = [
        {
            "id": n,
            "name": f"Territoire d'essai {n}",
            "short_name": f"T{n}",
            "kind": "epci",
            "color": "#2f5d8a",
            "sheet": "",
            "key_facts": [],
        }
        for n in range(1, MAX_TERRITORIES + 1)
    ]
    tables, subgroup_ids = [], []
    for number in range(1, MAX_TABLES + 1):
        seated = []
        for t in territories:
            sid = len(subgroup_ids) + 1
            subgroup_ids.append((sid, number, t["id"]))
            seated.append({"id": sid, "territory": t["id"]})
        tables.append({"number": number, "subgroups": seated})
    participants = [
        {"id": n, "subgroup": subgroup_ids[(n - 1) % len(subgroup_ids)][0], "first_name": f"P{n}"}
        for n in range(1, limits.MAX_PARTICIPANTS + 1)
    ]
    by_subgroup: dict[int, dict[str, list[int]]] = {
        s: {"offer": [], "need": []} for s, *_ in subgroup_ids
    }
    postits = []
    for n in range(1, limits.MAX_POSTITS + 1):
        sid = subgroup_ids[(n - 1) % len(subgroup_ids)][0]
        kind = "offer" if (n - 1) // len(subgroup_ids) % 2 == 0 else "need"
        by_subgroup[sid][kind].append(n)
        postits.append(
            {
                "id": n,
                "subgroup": sid,
                "author": None,
                "kind": kind,
                "text": f"Post-it {n} " * 8,
                "theme": "",
            }
        )
    baskets, sides = [], {}
    for number in range(1, MAX_TABLES + 1):
        seated = [s for s, table, _t in subgroup_ids if table == number]
        for i, a in enumerate(seated):
            for z in seated[i + 1 :]:
                baskets.append({"id": len(baskets) + 1, "table": number, "side_a": a, "side_b": z})
                sides[len(baskets)] = (a, z)
    transactions, answered = [], 0
    for n in range(1, limits.MAX_TRANSACTIONS + 1):
        basket = (n - 1) % len(baskets) + 1
        a, z = sides[basket]
        needs = by_subgroup[z]["need"]
        count = min(
            len(needs),
            (limits.MAX_ANSWERED_NEEDS - answered) // max(1, limits.MAX_TRANSACTIONS - n + 1),
        )
        answered += count
        transactions.append(
            {
                "id": n,
                "basket": basket,
                "giver": a,
                "offer": by_subgroup[a]["offer"][n % len(by_subgroup[a]["offer"])],
                "needs": needs[:count],
                "note": "en contrepartie",
                "value": 3,
                "effort": 2,
                "author": None,
            }
        )
    return {
        "format": FORMAT,
        "version": VERSION,
        "workshop": {
            "title": "Import aux limites",
            "event": "",
            "date": None,
            "place": "",
            "themes": [],
            "grace_seconds": 0,
            "balance_tolerance": 2,
        },
        "territories": territories,
        "phases": [],
        "tables": tables,
        "condition_items": [],
        "alliance_choices": [],
        "plenary": None,
        "participants": participants,
        "postits": postits,
        "baskets": baskets,
        "transactions": transactions,
        "conditions": [],
        "feedback": [
            {"question": 0, "text": f"Réponse {n}", "shown": False, "author": n % 1000 + 1}
            for n in range(limits.MAX_FEEDBACK)
        ],
        "dots": [
            {"participant": p, "basket": (p * 7 + k) % len(baskets) + 1, "transaction": None}
            for p in range(1, limits.MAX_PARTICIPANTS + 1)
            for k in range(20)
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    setup(args.database_url)

    from django.contrib.auth import get_user_model
    from django.db import close_old_connections

    from restitution.importer import import_workshop
    from territories.models import Territory
    from workshops import services
    from workshops.models import PostIt

    raw = json.dumps(largest_document()).encode()
    user = get_user_model().objects.create_user("bench")
    live = services.workshop_create(
        created_by=user,
        title="Atelier en cours",
        territories=[Territory.objects.create(name=f"Vivant {n}") for n in range(2)],
        table_count=1,
    )
    subgroup = live.tables.get().subgroups.first()
    print(f"document: {len(raw) / 2**20:.2f} MB (limit 5 MB)")
    for run in range(1, args.repeat + 1):
        waits = []

        def write_meanwhile(stop: threading.Event, waits: list[float]) -> None:
            while not stop.is_set():
                started = time.perf_counter()
                PostIt.objects.create(subgroup=subgroup, kind="offer", text="pendant l'import")
                waits.append(time.perf_counter() - started)
                time.sleep(0.05)
            close_old_connections()

        stop = threading.Event()
        writer = threading.Thread(target=write_meanwhile, args=(stop, waits))
        writer.start()
        time.sleep(0.2)
        started = time.perf_counter()
        import_workshop(raw, created_by=user, template=False)
        took = time.perf_counter() - started
        stop.set()
        writer.join()
        print(
            f"run {run}: import {took:.2f} s; a live post-it meanwhile: "
            f"max {max(waits):.2f} s, {len(waits)} written"
        )


if __name__ == "__main__":
    main()
