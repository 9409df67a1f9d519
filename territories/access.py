"""Who may read or change the territory library: the one place that decides.

Reading a sheet needs a login (the views say so with @login_required); adding a
territory needs territories.add_territory and changing one territories.change_territory.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from territories.models import Territory

User = AbstractBaseUser | AnonymousUser


def can_add_territory(user: User) -> bool:
    return user.has_perm("territories.add_territory")


def can_change_territory(user: User) -> bool:
    return user.has_perm("territories.change_territory")


def require_adding(request: HttpRequest) -> None:
    if not can_add_territory(request.user):
        raise PermissionDenied


def get_territory_for_reading(request: HttpRequest, pk: int) -> Territory:
    return get_object_or_404(Territory.objects.prefetch_related("key_facts"), pk=pk)


def get_territory_for_writing(request: HttpRequest, pk: int) -> Territory:
    if not can_change_territory(request.user):
        raise PermissionDenied
    return get_object_or_404(Territory, pk=pk)
