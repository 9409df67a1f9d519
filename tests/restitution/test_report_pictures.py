"""The pictures of the report's first pages for the README and docs/restitution.md, from
`make run`'s demo workshop (with a feedback answer and a dot): docs/img/report-pageN.png,
drawn by poppler's pdftoppm from the PDF the organiser downloads."""

import struct
import subprocess

import pytest

from restitution.pdf import render_pdf
from tests.e2e.screens import IMG_DIR
from tests.restitution.test_delete import demo  # noqa: F401  (fixture)
from tests.workshops.conftest import channel_layer  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

PDFTOPPM = "/usr/bin/pdftoppm"
PAGES = 3


def png_size(path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return struct.unpack(">II", header[16:24])


def test_pictures_of_the_demo_report_s_first_pages(demo, tmp_path):  # noqa: F811
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_pdf(demo, "fr"))
    for page in range(1, PAGES + 1):
        target = IMG_DIR / f"report-page{page}"
        subprocess.run(
            [PDFTOPPM, "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile"]
            + [str(pdf), str(target)],
            check=True,
        )
        width, height = png_size(target.with_suffix(".png"))
        assert round(height / width, 2) == round(297 / 210, 2), "an A4 portrait page"
