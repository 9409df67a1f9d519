import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402  (needs Django set up)
from django.conf import settings  # noqa: E402

from config.limits import ConcurrencyLimit  # noqa: E402
from config.websocket_auth import SessionAuthStack  # noqa: E402
from config.websocket_origin import OriginValidator  # noqa: E402
from workshops.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": ConcurrencyLimit(django_asgi_app, settings.HTTP_CONCURRENCY),
        "websocket": OriginValidator(SessionAuthStack(URLRouter(websocket_urlpatterns))),
    }
)
