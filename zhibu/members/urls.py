from django.urls import path

from zhibu.members import exchange_views, views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("new/", views.member_create, name="create"),
    path("me/", views.me, name="me"),
    path("export.xlsx", exchange_views.export, name="export"),
    path("import/", exchange_views.import_upload, name="import"),
    path("import/template.xlsx", exchange_views.import_template, name="import_template"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/edit/", views.member_edit, name="edit"),
    path("<int:pk>/status/", views.member_status, name="status"),
    path("<int:pk>/transfer/", views.member_transfer, name="transfer"),
    path("<int:pk>/id-number/", views.member_reveal_id, name="reveal_id"),
]
