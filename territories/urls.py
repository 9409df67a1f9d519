from django.urls import path

from territories import views

app_name = "territories"

urlpatterns = [
    path("", views.territory_list, name="list"),
    path("new/", views.territory_create, name="create"),
    path("<int:pk>/", views.territory_detail, name="detail"),
    path("<int:pk>/edit/", views.territory_edit, name="edit"),
]
