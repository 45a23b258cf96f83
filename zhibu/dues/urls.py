from django.urls import path

from zhibu.dues import exchange_views

app_name = "dues"
urlpatterns = [
    # SPEC §13 import_dues (web upload and template)
    path("import/", exchange_views.import_upload, name="import"),
    path("import/template.xlsx", exchange_views.import_template, name="import_template"),
]
