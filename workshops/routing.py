from django.urls import path

from workshops import consumers

# Each route is named: tests/workshops/test_socket_permissions.py has cases for each name.
websocket_urlpatterns = [
    path("ws/j/<str:code>/", consumers.PhoneConsumer.as_asgi(), name="phone"),
    path("ws/w/<int:pk>/screen/", consumers.ScreenConsumer.as_asgi(), name="screen"),
    path("ws/w/<int:pk>/console/", consumers.ConsoleConsumer.as_asgi(), name="console"),
]
