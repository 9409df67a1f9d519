from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from restitution.importer import MAX_IMPORT_BYTES, ImportRefused, import_workshop


class Command(BaseCommand):
    help = "Create a new workshop from a JSON document exported by Paniers."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--template",
            action="store_true",
            help="take the set-up only (territories, themes, phases, checklist, cards)",
        )
        parser.add_argument(
            "--user",
            help="the facilitator who will own it (default: the first superuser)",
        )

    def handle(self, *args, file, template, user, **options):
        users = get_user_model().objects
        owner = (
            users.filter(username=user).first()
            if user
            else users.filter(is_superuser=True).order_by("pk").first()
        )
        if owner is None:
            raise CommandError("No such user: pass --user USERNAME (a facilitator).")
        try:
            with Path(file).open("rb") as handle:
                raw = handle.read(MAX_IMPORT_BYTES + 1)
        except OSError as error:
            raise CommandError(str(error)) from None
        try:
            workshop = import_workshop(raw, created_by=owner, template=template)
        except ImportRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(f"{workshop.code} {workshop.title}")
