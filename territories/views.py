"""The territory library: a list, one sheet, and one form to create or edit a territory.

An invalid form comes back with status 200, like the workshop form: the page shows
each error beside its field and keeps everything typed.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from territories import access, services
from territories.forms import KeyFactFormSet, TerritoryForm
from territories.models import Territory


@login_required
def territory_list(request: HttpRequest) -> HttpResponse:
    territories = Territory.objects.annotate(key_fact_count=Count("key_facts"))
    context = {
        "territories": territories,
        "can_add": access.can_add_territory(request.user),
        "can_change": access.can_change_territory(request.user),
    }
    return render(request, "territories/territory_list.html", context)


@login_required
def territory_detail(request: HttpRequest, pk: int) -> HttpResponse:
    territory = access.get_territory_for_reading(request, pk)
    context = {"territory": territory, "can_change": access.can_change_territory(request.user)}
    return render(request, "territories/territory_detail.html", context)


def _edit(request: HttpRequest, territory: Territory) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = TerritoryForm(data, instance=territory)
    key_facts = KeyFactFormSet(data, instance=territory, prefix="facts")
    if data is not None and all([form.is_valid(), key_facts.is_valid()]):  # both, for every error
        territory = services.territory_save(form=form, key_facts=key_facts)
        return redirect("territories:detail", pk=territory.pk)
    return render(
        request, "territories/territory_form.html", {"form": form, "key_facts": key_facts}
    )


@login_required
@require_http_methods(["GET", "POST"])
def territory_create(request: HttpRequest) -> HttpResponse:
    access.require_adding(request)
    return _edit(request, Territory())


@login_required
@require_http_methods(["GET", "POST"])
def territory_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, access.get_territory_for_writing(request, pk))
