from django.urls import path

from zhibu.development import views

app_name = "development"
urlpatterns = [
    path("", views.index, name="index"),
    path("export.xlsx", views.index_export, name="index_export"),
    path("branch/<int:pk>/", views.branch_detail, name="branch"),
    path("branch/<int:pk>/export.xlsx", views.branch_export, name="branch_export"),
    path("open/<int:pk>/", views.file_open, name="open"),
    path("<int:pk>/", views.file_detail, name="file"),
    path("<int:pk>/step/", views.step_record, name="step"),
    path("<int:pk>/review/new/", views.review_create, name="review_create"),
    path("<int:pk>/extend/", views.probation_extend, name="extend"),
    path("<int:pk>/cancel/", views.probation_cancel, name="cancel"),
    path("<int:pk>/close/", views.file_close, name="close"),
    path("<int:pk>/register/<slug:kind>.docx", views.register, name="register"),
    path("sponsor/<int:pk>/replace/", views.sponsor_replace, name="sponsor_replace"),
]
