from django.urls import path

from workshops.views import facilitator, participant

app_name = "workshops"

urlpatterns = [
    path("", participant.join_start, name="join_start"),
    path("j/<str:code>/", participant.join, name="join"),
    path("j/<str:code>/board/", participant.phone_board, name="phone_board"),
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
]
