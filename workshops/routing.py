from django.urls import path

from workshops import consumers

websocket_urlpatterns = [
    path("ws/j/<str:code>/", consumers.PhoneConsumer.as_asgi()),
    path("ws/w/<int:pk>/screen/", consumers.ScreenConsumer.as_asgi()),
    path("ws/w/<int:pk>/console/", consumers.ConsoleConsumer.as_asgi()),
]
