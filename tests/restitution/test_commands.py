import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from restitution.document import workshop_document
from workshops.models import Workshop

pytestmark = pytest.mark.django_db


def test_export_json_then_import(full_workshop, owner, tmp_path):
    path = tmp_path / "atelier.json"
    call_command("export_workshop", full_workshop.code.lower(), str(path), stdout=io.StringIO())
    assert json.loads(path.read_text()) == workshop_document(full_workshop)
    out = io.StringIO()
    call_command("import_workshop", str(path), "--user", "owner", stdout=out)
    code = out.getvalue().split()[0]
    assert workshop_document(Workshop.objects.get(code=code)) == workshop_document(full_workshop)


def test_import_as_template(full_workshop, owner, tmp_path):
    path = tmp_path / "atelier.json"
    call_command("export_workshop", full_workshop.code, str(path), stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_workshop", str(path), "--template", "--user", "owner", stdout=out)
    assert Workshop.objects.get(code=out.getvalue().split()[0]).participants.count() == 0


def test_export_xlsx_and_csv(full_workshop, tmp_path):
    call_command(
        "export_workshop", full_workshop.code, str(tmp_path / "a.xlsx"), stdout=io.StringIO()
    )
    assert len(load_workbook(tmp_path / "a.xlsx").sheetnames) == 7
    call_command("export_workshop", full_workshop.code, str(tmp_path / "csv"), stdout=io.StringIO())
    names = sorted(p.name for p in (tmp_path / "csv").iterdir())
    assert names == sorted(
        f"{k}.csv"
        for k in ("postits", "baskets", "transactions", "conditions", "feedback", "dots", "actions")
    )
    header = next(csv.reader((tmp_path / "csv" / "postits.csv").open(encoding="utf-8")))
    assert header[1] == "Territoire"


def test_errors(full_workshop, owner, tmp_path):
    with pytest.raises(CommandError, match="code"):
        call_command("export_workshop", "ZZZZZZ", str(tmp_path / "a.json"))
    with pytest.raises(CommandError, match=".json"):
        call_command("export_workshop", full_workshop.code, str(tmp_path / "a.pdf"))
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    before = Workshop.objects.count()
    with pytest.raises(CommandError, match="JSON"):
        call_command("import_workshop", str(bad), "--user", "owner")
    assert Workshop.objects.count() == before
