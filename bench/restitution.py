"""The exports and the import of a large workshop, in this process, on a throwaway database.

A synthetic workshop: 15 tables x 5 territories (10 pairs per table: 150 baskets),
3 participants per sub-group, 13 post-its per sub-group (975), 4 transactions per basket
(600) each answering a need, every basket's conditions with the whole checklist answered,
200 feedback answers, 3 dots per participant. Printed: the seconds and bytes of the XLSX
workbook, of the CSV files and of the JSON document, and the seconds of importing that
JSON as an archive (then as a template), and the seconds, pages and peak memory of the
report's PDF (once). Figures: docs/performance.md, "Restitution".

    python bench/restitution.py                  # SQLite in a temporary directory
    python bench/restitution.py --pdf-only       # the report's PDF only (wall and CPU s)
    python bench/restitution.py --profile /tmp/pdf.prof   # the PDF under cProfile
    python bench/restitution.py --database-url postgres://postgres@127.0.0.1:5432/paniers_bench
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(database_url: str | None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
        os.environ.setdefault("SECRET_KEY", "bench-restitution-not-secret")
    else:
        var_dir = tempfile.mkdtemp(prefix="paniers-bench-")
        atexit.register(shutil.rmtree, var_dir, ignore_errors=True)  # its database and PDFs
        os.environ["PANIERS_VAR_DIR"] = var_dir
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def build(tables: int, territories: int):
    import itertools
    import uuid

    from django.contrib.auth import get_user_model

    from baskets.models import (
        AnsweredNeed,
        Basket,
        BasketConditions,
        ConditionAnswer,
        Transaction,
    )
    from baskets.services import ensure_baskets
    from plenary.models import Answer, Dot, Plenary
    from territories.models import Territory
    from workshops import services
    from workshops.models import Participant, PostIt, SubGroup

    tag = uuid.uuid4().hex[:6]
    user = get_user_model().objects.create_user(f"bench-{tag}")
    library = [
        Territory.objects.create(
            name=f"Territoire {tag} {n}", short_name=f"T{n}", sheet="Fiche " * 200
        )
        for n in range(territories)
    ]
    workshop = services.workshop_create(
        created_by=user, title="Grand atelier", territories=library, table_count=tables
    )
    ensure_baskets(workshop)
    subgroups = list(SubGroup.objects.filter(table__workshop=workshop))
    participants = Participant.objects.bulk_create(
        Participant(workshop=workshop, subgroup=s, first_name=f"P{n}")
        for s in subgroups
        for n in range(3)
    )
    by_subgroup = {}
    for p in participants:
        by_subgroup.setdefault(p.subgroup_id, []).append(p)
    themes = workshop.themes
    postits = PostIt.objects.bulk_create(
        PostIt(
            subgroup=s,
            author=by_subgroup[s.pk][n % 3],
            kind="offer" if n % 2 else "need",
            text=f"=Post-it {n} du sous-groupe {s.pk}, assez long pour ressembler à un vrai",
            theme=themes[n % len(themes)],
        )
        for s in subgroups
        for n in range(13)
    )
    offers, needs = {}, {}
    for p in postits:
        (offers if p.kind == "offer" else needs).setdefault(p.subgroup_id, []).append(p)
    baskets = list(Basket.objects.filter(table__workshop=workshop))
    moves = []
    for basket in baskets:
        for n in range(4):
            giver, receiver = (basket.side_a_id, basket.side_b_id)[:: 1 if n % 2 else -1]
            moves.append(
                (
                    Transaction(
                        basket=basket,
                        giver_id=giver,
                        offer=offers[giver][n % len(offers[giver])],
                        note="@contrepartie",
                        value=1 + n % 5,
                        effort=1 + (n + 2) % 5,
                    ),
                    needs[receiver][n % len(needs[receiver])],
                )
            )
    Transaction.objects.bulk_create(t for t, _ in moves)
    AnsweredNeed.objects.bulk_create(AnsweredNeed(transaction=t, need=need) for t, need in moves)
    items = list(workshop.condition_items.all())
    conditions = BasketConditions.objects.bulk_create(
        BasketConditions(basket=b, verdict="conditional", condition="+ de moyens") for b in baskets
    )
    ConditionAnswer.objects.bulk_create(
        ConditionAnswer(conditions=c, item=i, checked=True, text="Oui")
        for c, i in itertools.product(conditions, items)
    )
    Plenary.objects.create(workshop=workshop)
    Answer.objects.bulk_create(
        Answer(
            workshop=workshop,
            author=participants[n % len(participants)],  # 200 answers, whatever the room
            question=n % 3,
            text="Un retour",
            shown=True,
        )
        for n in range(200)
    )
    Dot.objects.bulk_create(
        Dot(participant=p, basket=baskets[(n + k) % len(baskets)])
        for n, p in enumerate(participants)
        for k in range(3)
    )
    return workshop, user, len(postits), len(baskets), len(moves)


def pages_of(raw: bytes) -> int:
    """The page count, from pdfinfo (poppler-utils)."""
    import subprocess

    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(raw)
        f.flush()
        info = subprocess.run(["pdfinfo", f.name], capture_output=True, text=True).stdout
    return int(next(ln for ln in info.splitlines() if ln.startswith("Pages:")).split()[1])


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--tables", type=int, default=15)
    parser.add_argument("--territories", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3, help="best of N for each figure")
    parser.add_argument(
        "--profile", metavar="FILE", help="profile the PDF only; cProfile stats into FILE"
    )
    parser.add_argument("--pdf-only", action="store_true", help="skip the data exports")
    parser.add_argument(
        "--featured",
        type=int,
        metavar="N",
        help="the organiser keeps N baskets per table in the report and leaves the rest out "
        "(default: every basket with a transaction, as a report before any curation)",
    )
    args = parser.parse_args()
    setup(args.database_url)
    from django.db import connection
    from django.utils import translation

    from restitution import exports
    from restitution.importer import import_workshop

    def report_pdf():
        import resource

        import weasyprint  # noqa: F401  (a server imports it once: not part of a PDF's time)

        from restitution.pdf import render_pdf

        # ru_maxrss (kB on Linux) is the process's peak resident memory: read before and
        # after, its growth is what the PDF needed above what the bench held already.
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        # CPU seconds too: on a shared machine they vary far less than the wall clock.
        cpu = time.process_time()
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            seconds, raw = timed(profiler.runcall, render_pdf, workshop, "fr")
            profiler.dump_stats(args.profile)
            pstats.Stats(args.profile).sort_stats("cumulative").print_stats(40)
        else:
            seconds, raw = timed(render_pdf, workshop, "fr")
        cpu = time.process_time() - cpu
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(
            f"PDF       {seconds:6.3f} s ({cpu:.3f} s CPU)  {len(raw):>9,} bytes  "
            f"{pages_of(raw)} pages  peak RSS {after / 1024:.0f} MB (+{(after - before) / 1024:.0f} MB)"
        )

    workshop, user, postits, baskets, transactions = build(args.tables, args.territories)
    print(
        f"{connection.vendor}: {args.tables} tables, {args.territories} territories, "
        f"{postits} post-its, {baskets} baskets, {transactions} transactions"
    )

    if args.featured is not None:
        from baskets.models import Basket
        from restitution import services

        kept = 0
        for table in workshop.tables.all():
            for n, basket in enumerate(Basket.objects.filter(table=table).order_by("pk")):
                services.basket_feature(basket=basket, featured=n < args.featured)
                kept += n < args.featured
        print(f"featured: {kept} baskets ({args.featured} per table), the others left out")

    def best(function, *a, **k):
        runs = [timed(function, *a, **k) for _ in range(args.repeat)]
        return min(r[0] for r in runs), runs[-1][1]

    if args.pdf_only or args.profile:
        with translation.override("fr"):
            report_pdf()
        return
    with translation.override("fr"):
        seconds, xlsx = best(exports.xlsx_bytes, workshop)
        print(f"XLSX      {seconds:6.3f} s  {len(xlsx):>9,} bytes")
        seconds, files = best(exports.csv_files, workshop)
        size = sum(len(text.encode()) for text in files.values())
        print(f"CSV (x{len(files)})  {seconds:6.3f} s  {size:>9,} bytes")
        seconds, document = best(exports.json_bytes, workshop)
        print(f"JSON      {seconds:6.3f} s  {len(document):>9,} bytes")
        report_pdf()
    seconds, _copy = timed(import_workshop, document, created_by=user, template=False)
    print(f"import (archive)   {seconds:6.3f} s")
    seconds, _copy = timed(import_workshop, document, created_by=user, template=True)
    print(f"import (template)  {seconds:6.3f} s")


if __name__ == "__main__":
    main()
