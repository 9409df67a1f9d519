"""The websocket's user, read from the session only when a consumer asks for it.

Channels' ``AuthMiddleware`` loads the user of every socket before its consumer runs: a
trip of its own through the process's one database thread, for phones too, which never
look at it. Here ``scope["user"]`` is lazy: a facilitator's screen reads it inside its
consumer's one trip (``FacilitatorConsumer.admit``), and a phone never does.
"""

from types import SimpleNamespace

from channels.middleware import BaseMiddleware
from channels.sessions import CookieMiddleware, SessionMiddleware
from django.contrib import auth
from django.utils.functional import SimpleLazyObject


class LazyUserMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        session = scope["session"]
        user = SimpleLazyObject(lambda: auth.get_user(SimpleNamespace(session=session)))
        return await super().__call__({**scope, "user": user}, receive, send)


def SessionAuthStack(inner):  # noqa: N802  (named like Channels' AuthMiddlewareStack)
    return CookieMiddleware(SessionMiddleware(LazyUserMiddleware(inner)))
