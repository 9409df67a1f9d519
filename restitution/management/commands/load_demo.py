"""`make run`'s demo workshop and its facilitator, printed with how to reach them.

The worked example spans every app, and each writes its own part, in this order (each
step reads what the one before wrote): the room (territories, workshop, table 1's
post-its: ``workshops/demo.py``), table 1's baskets (``baskets/demo.py``), their
verdicts and conditions (``baskets/conditions/demo.py``), the draft action list
(``restitution/demo.py``). The command lives in the restitution, the app at the top of
the layering (workshops ← baskets ← plenary ← restitution), because it is the one app
that may import all the others: the order is stated here, not left to INSTALLED_APPS.
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse

from baskets import demo as basket_demo
from baskets.conditions import demo as condition_demo
from restitution import demo as restitution_demo
from workshops import demo as room_demo
from workshops.demo import DEMO_USERNAME
from workshops.links import is_loopback
from workshops.models import Workshop


class Command(BaseCommand):
    help = "Create (once) the demo workshop and its facilitator, then print how to reach them."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="", help="URL printed for the laptop")

    def handle(self, *args, base_url, **options):
        password = self._facilitator_password()
        workshop = self._demo_workshop()
        laptop = base_url.rstrip("/") or "http://127.0.0.1:8000"
        phones = settings.PUBLIC_URL or laptop
        join = phones + reverse("workshops:join", args=[workshop.code])
        self.stdout.write(
            "\n".join(
                [
                    "",
                    "Paniers demo workshop ready",
                    f"  Facilitator login : {laptop}/login/",
                    f"      username      : {DEMO_USERNAME}",
                    f"      password      : {password}",
                    f"  Console           : {laptop}"
                    + reverse("workshops:console", args=[workshop.pk]),
                    f"  Projector view    : {laptop}"
                    + reverse("workshops:projector", args=[workshop.pk]),
                    f"  Participants join : {join}",
                    f"  Join code         : {workshop.code}",
                    "",
                ]
            )
        )
        if is_loopback(phones):
            self.stdout.write(
                "  (phones cannot reach 127.0.0.1: see the README, "
                "HOST=0.0.0.0 PUBLIC_URL=http://<laptop-ip>:8000 make run)\n"
            )

    def _facilitator_password(self) -> str:
        """Generated once and kept in var/ (git-ignored), so every `make run` prints it.

        A stored password that does not open this database's account (var/ kept from
        another database) is replaced: the one printed always works.
        """
        path = settings.VAR_DIR / "demo-password"
        user_model = get_user_model()
        user = user_model.objects.filter(username=DEMO_USERNAME).first()
        stored = path.read_text().strip() if path.exists() else ""
        if user is not None and stored and user.check_password(stored):
            return stored
        password = secrets.token_urlsafe(9)
        if user is None:
            user = user_model(username=DEMO_USERNAME, first_name="Animateur", is_staff=True)
        user.is_staff = True
        user.set_password(password)
        user.save()
        self._grant_territory_library(user)
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(password)
        path.chmod(0o600)
        return password

    def _grant_territory_library(self, user) -> None:
        """The demo facilitator may add to and edit the territory library."""
        from django.contrib.auth.models import Permission

        user.user_permissions.add(*Permission.objects.filter(content_type__app_label="territories"))

    @transaction.atomic
    def _demo_workshop(self) -> Workshop:
        """Made once, in one transaction: a second run finds it and changes nothing."""
        user = get_user_model().objects.get(username=DEMO_USERNAME)
        existing = room_demo.find_demo_workshop(user)
        if existing is not None:
            return existing
        workshop = room_demo.write_demo_workshop(user)
        basket_demo.write_demo_baskets(workshop)
        condition_demo.write_demo_conditions(workshop)
        restitution_demo.write_demo_actions(workshop)
        return workshop
