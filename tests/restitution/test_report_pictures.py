"""The pictures of the report for the README and docs/restitution.md, from `make run`'s
demo workshop (with a feedback answer and a dot), drawn by poppler's pdftoppm from the
PDF the organiser downloads: the cover (docs/img/report-page1.png) and the first page of
phase 1, of phase 2 and of the draft action list (report-phase1.png, report-phase2.png,
report-actions.png). And the demo's action list, sorted as the contract of seed 004."""

import struct
import subprocess

import pytest

from restitution.pdf import render_pdf
from restitution.report import report
from tests.e2e.screens import IMG_DIR

pytestmark = pytest.mark.django_db

PDFTOPPM, PDFTOTEXT = "/usr/bin/pdftoppm", "/usr/bin/pdftotext"
# Picture name → the heading its page starts with (None: the first page).
PICTURES = {
    "report-page1": None,
    "report-phase1": "Temps 1 : offres et besoins",
    "report-phase2": "Temps 2 : les paniers",
    "report-actions": "Projet de liste d'actions",
}


def png_size(path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return struct.unpack(">II", header[16:24])


def page_starting_with(pdf, heading: str) -> int:
    text = subprocess.run([PDFTOTEXT, str(pdf), "-"], capture_output=True, text=True).stdout
    pages = text.split("\f")
    # The page where the section begins: its heading, not the index's mention of it.
    found = [n for n, page in enumerate(pages, 1) if f"\n{heading}\n" in f"\n{page}"]
    assert found, f"no page starts the section {heading!r}"
    return found[0]


def test_pictures_of_the_demo_report(demo, tmp_path):
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_pdf(demo, "fr"))
    numbers = set()
    for name, heading in PICTURES.items():
        page = 1 if heading is None else page_starting_with(pdf, heading)
        numbers.add(page)
        target = IMG_DIR / name
        subprocess.run(
            [PDFTOPPM, "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile"]
            + [str(pdf), str(target)],
            check=True,
        )
        width, height = png_size(target.with_suffix(".png"))
        assert round(height / width, 2) == round(297 / 210, 2), "an A4 portrait page"
    assert len(numbers) == len(PICTURES), "four different pages"


def test_the_demo_s_action_list_is_sorted_as_the_contract_sorted_its_own(demo):
    groups = {group.status: group.actions for group in report(demo).action_groups}
    assert [a.title for a in groups["operational"]] == [
        "Présence de services de santé spécialisés (pôle hospitalier)."
    ]
    assert [a.title for a in groups["preparation"]] == ["Port de Brest : hub import / export."]
    assert len(groups["reflection"]) == 13
