"""Setting a workshop up: its territories, tables, themes, phases and co-facilitators.

Plain forms that post and redirect: set-up happens before the room fills, on a laptop.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from workshops import access, phases, services
from workshops.forms import FacilitatorForm, PhaseForm, WorkshopForm
from workshops.models import Phase


def _back_to_setup(pk: int) -> HttpResponse:
    return redirect("workshops:setup", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = access.get_workshop_for_facilitator(request, pk)
    form = WorkshopForm(request.POST or None, initial=WorkshopForm.initial_for(workshop))
    if request.method == "POST" and form.is_valid():
        try:
            services.workshop_update(workshop, **form.cleaned_data)
        except ValidationError as error:
            workshop.refresh_from_db()  # rolled back: show what is saved, not what was sent
            form.add_error(None, error)
        else:
            messages.success(request, _("Set-up saved."))
            return _back_to_setup(pk)
    context = {
        "workshop": workshop,
        "form": form,
        "phases": workshop.phases.all(),
        "is_owner": access.is_owner(request.user, workshop),
        "facilitators": workshop.facilitators.order_by("username"),
        "facilitator_form": FacilitatorForm(),
    }
    return render(request, "workshops/setup.html", context, status=422 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def phase_edit(request: HttpRequest, pk: int, phase_pk: int | None = None) -> HttpResponse:
    """Add a phase, or change one (also while it runs: its deadline moves with its duration)."""
    workshop = access.get_workshop_for_facilitator(request, pk)
    phase = get_object_or_404(workshop.phases, pk=phase_pk) if phase_pk else Phase()
    form = PhaseForm(request.POST or None, instance=phase)
    if request.method == "POST" and form.is_valid():
        try:
            phases.phase_save(workshop, form.instance)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _back_to_setup(pk)
    context = {"workshop": workshop, "form": form, "phase": phase if phase_pk else None}
    return render(request, "workshops/phase_form.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def phase_move(request: HttpRequest, pk: int, phase_pk: int) -> HttpResponse:
    workshop = access.get_workshop_for_facilitator(request, pk)
    phase = get_object_or_404(workshop.phases, pk=phase_pk)
    phases.phase_move(workshop, phase, -1 if request.POST.get("direction") == "up" else 1)
    return _back_to_setup(pk)


@login_required
@require_POST
def phase_delete(request: HttpRequest, pk: int, phase_pk: int) -> HttpResponse:
    workshop = access.get_workshop_for_facilitator(request, pk)
    phase = get_object_or_404(workshop.phases, pk=phase_pk)
    try:
        phases.phase_delete(workshop, phase)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back_to_setup(pk)


@login_required
@require_POST
def facilitator_add(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = access.get_workshop_for_owner(request, pk)
    form = FacilitatorForm(request.POST)
    if form.is_valid():
        try:
            user = services.facilitator_add(workshop, form.cleaned_data["username"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("%(username)s can now run this workshop.") % {"username": user}
            )
    return _back_to_setup(pk)


@login_required
@require_POST
def facilitator_remove(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    workshop = access.get_workshop_for_owner(request, pk)
    user = get_object_or_404(get_user_model(), pk=user_pk, facilitated_workshops=workshop)
    try:
        services.facilitator_remove(workshop, user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back_to_setup(pk)
