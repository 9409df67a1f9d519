"""The report's PDF built off the request path, on the large workshop of bench/restitution.py.

A Daphne process and a `manage.py report_worker` process on a throwaway database, as `make
run` starts them. The bench queues a build (as the "build" button does), then until it
is ready: asks Daphne for a page every 0.2 s (how long each answer takes while the
worker lays out the PDF) and reads the build's row every 0.1 s (how long each step
took). Printed: the seconds from the click to the worker's claim, each step, the total,
the PDF's size, and Daphne's answer times idle and during the build. Figures:
docs/performance.md, "Restitution".

    python bench/report_build.py                  # SQLite in a temporary directory
    python bench/report_build.py --database-url postgres://postgres@127.0.0.1:5432/paniers_bench
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.request import urlopen

from fanout import free_port, log_tail, start_daphne, stop_process

ROOT = Path(__file__).resolve().parent.parent
# bench/restitution.py's workshop; loaded by path, its name being the app's too.
_spec = importlib.util.spec_from_file_location(
    "bench_restitution", ROOT / "bench" / "restitution.py"
)
bench_restitution = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_restitution)


def answer_ms(url: str) -> float:
    start = time.perf_counter()
    with urlopen(url, timeout=60) as response:
        response.read()
    return (time.perf_counter() - start) * 1000


def summary(times: list[float]) -> str:
    if not times:
        return "none"
    return f"median {statistics.median(times):.0f} ms, max {max(times):.0f} ms ({len(times)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--tables", type=int, default=15)
    parser.add_argument("--territories", type=int, default=5)
    args = parser.parse_args()
    bench_restitution.setup(args.database_url)
    from django.db import connection

    from restitution import services
    from restitution.models import ReportBuild

    workshop, user, postits, baskets, _transactions = bench_restitution.build(
        args.tables, args.territories
    )
    print(f"{connection.vendor}: {postits} post-its, {baskets} baskets")
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings", PYTHONUNBUFFERED="1")
    port = free_port()
    url = f"http://127.0.0.1:{port}/login/"
    logs = Path(tempfile.mkdtemp(prefix="paniers-report-build-"))
    processes = [
        start_daphne(port, env, logs / "daphne.log"),
        subprocess.Popen(
            [sys.executable, "manage.py", "report_worker", "--no-reload", "-v", "0"],
            cwd=ROOT,
            env=env,
        ),
    ]
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                answer_ms(url)
                break
            except OSError:
                if time.monotonic() > deadline:
                    print(log_tail(logs / "daphne.log"), file=sys.stderr)
                    raise
                time.sleep(0.2)
        time.sleep(2)  # the worker's own start
        idle = [answer_ms(url) for _ in range(10)]

        clicked = time.perf_counter()
        build_row, _created = services.request_build(workshop=workshop, language="fr", user=user)
        seen: dict[str, float] = {}
        during: list[float] = []
        next_page = clicked
        while True:
            row = ReportBuild.objects.without_pdf().get(pk=build_row.pk)
            now = time.perf_counter() - clicked
            key = row.step or row.status
            seen.setdefault(key, now)
            if row.status in ("ready", "failed"):
                seen.setdefault(row.status, now)
                break
            if time.perf_counter() >= next_page:
                during.append(answer_ms(url))
                next_page = time.perf_counter() + 0.2
            time.sleep(0.1)
        marks = sorted(seen.items(), key=lambda item: item[1])
        print("  ".join(f"{name} at {at:.1f} s" for name, at in marks))
        print(f"status {row.status}, {row.size:,} bytes {row.error}")
        print(f"Daphne idle          {summary(idle)}")
        print(f"Daphne during build  {summary(during)}")
    finally:
        for process in processes:
            stop_process(process)
        shutil.rmtree(logs, ignore_errors=True)


if __name__ == "__main__":
    main()
