from django.urls import path

from restitution import editor_views, views

app_name = "restitution"

urlpatterns = [
    path("w/import/", views.import_view, name="import"),
    path("w/<int:pk>/exports/", views.exports_page, name="exports"),
    path("w/<int:pk>/report/", editor_views.report_page, name="report"),
    path("w/<int:pk>/report/text/", editor_views.report_text, name="report_text"),
    path(
        "w/<int:pk>/report/baskets/<int:basket>/", editor_views.report_basket, name="report_basket"
    ),
    path(
        "w/<int:pk>/report/actions/<int:transaction>/",
        editor_views.report_action,
        name="report_action",
    ),
    path("w/<int:pk>/report/colours.css", views.report_colours, name="colours"),
    path("w/<int:pk>/report.pdf", views.report_pdf, name="pdf"),
    path("w/<int:pk>/report/pdf/", views.pdf_progress, name="pdf_progress"),
    path("w/<int:pk>/report/pdf/build/", views.pdf_build, name="pdf_build"),
    path("w/<int:pk>/exports/workshop.json", views.export_json, name="json"),
    path("w/<int:pk>/exports/workshop.xlsx", views.export_xlsx, name="xlsx"),
    path("w/<int:pk>/exports/<slug:kind>.csv", views.export_csv, name="csv"),
    path("w/<int:pk>/delete/", views.delete_page, name="delete"),
]
