from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.urls import include, path

from workshops import stats


def stats_view(request):
    return JsonResponse(stats.snapshot())


urlpatterns = [
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("workshops.urls")),
]

if settings.PANIERS_STATS:  # bench/ reads render and broadcast counts here
    urlpatterns.append(path("__stats__/", stats_view))
