from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from restitution import exports
from workshops.codes import normalise_code
from workshops.models import Workshop


class Command(BaseCommand):
    help = (
        "Export a workshop: PATH ending in .json (the whole workshop, to import again), "
        ".xlsx (one sheet per kind), or a directory (one CSV file per kind)."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="the workshop's join code")
        parser.add_argument("path")

    def workshop(self, code: str) -> Workshop:
        workshop = Workshop.objects.filter(code=normalise_code(code)).first()
        if workshop is None:
            raise CommandError(f"No workshop has the code {code!r}.")
        return workshop

    def handle(self, *args, code, path, **options):
        workshop = self.workshop(code)
        target = Path(path)
        with translation.override(settings.LANGUAGE_CODE):
            if target.suffix == ".json":
                target.write_bytes(exports.json_bytes(workshop))
            elif target.suffix == ".xlsx":
                target.write_bytes(exports.xlsx_bytes(workshop))
            elif target.suffix == "":
                target.mkdir(parents=True, exist_ok=True)
                for name, text in exports.csv_files(workshop).items():
                    (target / name).write_text(text, encoding="utf-8")
            else:
                raise CommandError("PATH ends in .json or .xlsx, or is a directory (CSV files).")
        self.stdout.write(f"{workshop.code} → {target}")
