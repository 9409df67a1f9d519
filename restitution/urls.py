from django.urls import path

from restitution import views

app_name = "restitution"

urlpatterns = [
    path("w/import/", views.import_view, name="import"),
    path("w/<int:pk>/exports/", views.exports_page, name="exports"),
    path("w/<int:pk>/report/", views.report_page, name="report"),
    path("w/<int:pk>/report/colours.css", views.report_colours, name="colours"),
    path("w/<int:pk>/report.pdf", views.report_pdf, name="pdf"),
    path("w/<int:pk>/exports/workshop.json", views.export_json, name="json"),
    path("w/<int:pk>/exports/workshop.xlsx", views.export_xlsx, name="xlsx"),
    path("w/<int:pk>/exports/<slug:kind>.csv", views.export_csv, name="csv"),
]
