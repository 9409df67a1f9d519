from django.urls import path

from baskets import views
from baskets.conditions import views as conditions

app_name = "baskets"

urlpatterns = [
    path("j/<str:code>/baskets/grid/", views.grid, name="grid"),
    path("j/<str:code>/baskets/suggestions/", views.suggestions_of_table, name="suggestions"),
    path("j/<str:code>/baskets/<int:pk>/", views.basket, name="basket"),
    path("j/<str:code>/baskets/<int:pk>/slot/", views.slot, name="slot"),
    path("j/<str:code>/baskets/<int:pk>/new/", views.transaction_new, name="transaction_new"),
    path("j/<str:code>/baskets/<int:pk>/add/", views.transaction_create, name="transaction_create"),
    path("j/<str:code>/baskets/t/<int:pk>/edit/", views.transaction_edit, name="transaction_edit"),
    path(
        "j/<str:code>/baskets/t/<int:pk>/delete/",
        views.transaction_delete,
        name="transaction_delete",
    ),
    path(
        "j/<str:code>/baskets/t/<int:pk>/score/", views.transaction_score, name="transaction_score"
    ),
    path("j/<str:code>/baskets/<int:pk>/conditions/", conditions.edit, name="conditions"),
    path(
        "j/<str:code>/baskets/<int:pk>/conditions/slot/",
        conditions.slot,
        name="conditions_slot",
    ),
]
