from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from workshops import stats
from workshops.broadcast import send_fragments


def stats_view(request):
    return JsonResponse(stats.snapshot())


@csrf_exempt
@require_POST
def bench_group_send_view(request):
    """bench/'s floor: the broadcast's own send path with a constant string, no database,
    no template."""
    groups = request.POST.getlist("group")
    if not groups or not all(group.startswith("paniers.") for group in groups):
        return HttpResponseBadRequest()
    html = f'<div id="bench-floor">bench floor bnchf{int(request.POST["seq"])}z</div>'
    send_fragments((groups, html))
    return HttpResponse(status=204)


urlpatterns = [
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("territories/", include("territories.urls")),
    path("", include("baskets.urls")),
    path("w/<int:pk>/baskets/", include("baskets.screen_urls")),
    path("", include("plenary.urls")),
    path("", include("restitution.urls")),
    path("", include("workshops.urls")),
]

if settings.PANIERS_STATS:  # bench/ reads render and broadcast counts here, and sends its floor
    urlpatterns.append(path("__stats__/", stats_view))
    urlpatterns.append(path("__bench__/group_send/", bench_group_send_view))
