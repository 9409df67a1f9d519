from django.urls import path

from workshops.views import console, facilitator, participant, setup

app_name = "workshops"

urlpatterns = [
    path("", participant.join_start, name="join_start"),
    path("j/<str:code>/", participant.join, name="join"),
    path("j/<str:code>/board/", participant.phone_board, name="phone_board"),
    path("j/<str:code>/state/", participant.phone_state, name="phone_state"),
    path("j/<str:code>/panels/", participant.phone_panels, name="phone_panels"),
    path("j/<str:code>/leave/", participant.leave, name="leave"),
    path("j/<str:code>/postits/", participant.postit_create, name="postit_create"),
    path("j/<str:code>/postits/new/", participant.compose_form, name="compose_form"),
    path("p/<int:pk>/edit/", participant.postit_edit, name="postit_edit"),
    path("p/<int:pk>/delete/", participant.postit_delete, name="postit_delete"),
    path("w/", facilitator.workshop_list, name="list"),
    path("w/new/", facilitator.workshop_create, name="create"),
    path("w/<int:pk>/", facilitator.workshop_detail, name="detail"),
    path("w/<int:pk>/projector/", facilitator.projector, name="projector"),
    path("w/<int:pk>/projector/board/", facilitator.projector_board, name="projector_board"),
    path("w/<int:pk>/projector/view/", facilitator.projector_view, name="projector_view"),
    path(
        "w/<int:pk>/projector/sheets/<int:territory_pk>/",
        facilitator.projector_sheet,
        name="projector_sheet",
    ),
    path("w/<int:pk>/state/", console.screen_state, name="screen_state"),
    path("w/<int:pk>/console/", console.console, name="console"),
    path("w/<int:pk>/console/tables/", console.console_tables, name="console_tables"),
    path("w/<int:pk>/clock/", console.clock, name="clock"),
    path("w/<int:pk>/status/", console.status, name="status"),
    path("w/<int:pk>/setup/", setup.setup, name="setup"),
    path("w/<int:pk>/phases/new/", setup.phase_edit, name="phase_add"),
    path("w/<int:pk>/phases/<int:phase_pk>/", setup.phase_edit, name="phase_edit"),
    path("w/<int:pk>/phases/<int:phase_pk>/move/", setup.phase_move, name="phase_move"),
    path("w/<int:pk>/phases/<int:phase_pk>/delete/", setup.phase_delete, name="phase_delete"),
    path("w/<int:pk>/facilitators/", setup.facilitator_add, name="facilitator_add"),
    path(
        "w/<int:pk>/facilitators/<int:user_pk>/remove/",
        setup.facilitator_remove,
        name="facilitator_remove",
    ),
]
