"""The negotiation's facilitator screens, under a workshop: /w/<pk>/baskets/..."""

from django.urls import path

from baskets import screen_views
from baskets.conditions import screen_views as condition_screens
from baskets.conditions import views as conditions

app_name = "baskets_screens"

urlpatterns = [
    path("tables/", screen_views.tables_screen, name="tables"),
    path("tables/content/", screen_views.tables_screen_content, name="tables_content"),
    path("tables/<int:number>/", screen_views.table_screen, name="table"),
    path("tables/<int:number>/content/", screen_views.table_screen_content, name="table_content"),
    path("pairs/<int:a>/<int:b>/", screen_views.pair_screen, name="pair"),
    path("pairs/<int:a>/<int:b>/content/", screen_views.pair_screen_content, name="pair_content"),
    path("unanswered/", screen_views.unanswered_needs, name="unanswered"),
    path("conditions/", conditions.setup, name="conditions_setup"),
    path("conditions/<int:basket_pk>/", condition_screens.basket_screen, name="conditions"),
    path("conditions/tables/", condition_screens.tables_screen, name="conditions_tables"),
    path(
        "conditions/tables/content/",
        condition_screens.tables_screen_content,
        name="conditions_tables_content",
    ),
    path(
        "conditions/tables/<int:number>/",
        condition_screens.table_screen,
        name="conditions_table",
    ),
    path(
        "conditions/tables/<int:number>/content/",
        condition_screens.table_screen_content,
        name="conditions_table_content",
    ),
    path(
        "conditions/<int:basket_pk>/edit/",
        conditions.facilitator_edit,
        name="conditions_edit",
    ),
]
