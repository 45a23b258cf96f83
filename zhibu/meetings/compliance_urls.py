from django.urls import path

from zhibu.meetings import compliance_views as views

app_name = "compliance"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("export.xlsx", views.overview_export, name="overview_export"),
    path("branch/<int:pk>/", views.branch, name="branch"),
    path("branch/<int:pk>/export.xlsx", views.branch_export, name="branch_export"),
    path("import/", views.import_upload, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
]
