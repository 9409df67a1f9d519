from django.urls import path

from plenary import screen_views, views

app_name = "plenary"

urlpatterns = [
    # Phones
    path("j/<str:code>/plenary/", views.phone, name="phone"),
    path("j/<str:code>/plenary/answer/", views.answer, name="answer"),
    path("j/<str:code>/plenary/dot/", views.dot, name="dot"),
    # Facilitators: settings, projector, console commands
    path("w/<int:pk>/plenary/settings/", screen_views.settings_page, name="settings"),
    path("w/<int:pk>/plenary/present/", screen_views.present, name="present"),
    path("w/<int:pk>/plenary/present/slide/", screen_views.slide, name="slide"),
    path("w/<int:pk>/plenary/present/move/", screen_views.move, name="move"),
    path("w/<int:pk>/plenary/present/parts/", screen_views.parts, name="parts"),
    path("w/<int:pk>/plenary/wall/", screen_views.wall, name="wall"),
    path("w/<int:pk>/plenary/wall/content/", screen_views.wall_content, name="wall_content"),
    path("w/<int:pk>/plenary/answers/show/", screen_views.show, name="show"),
    path("w/<int:pk>/plenary/voting/", screen_views.switch, {"name": "voting"}, name="voting"),
    path("w/<int:pk>/plenary/results/", screen_views.switch, {"name": "results"}, name="results"),
]
