from django.urls import path

from zhibu.orgs import exchange_views, views

app_name = "orgs"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("new/", views.create, name="create"),
    path("export.xlsx", exchange_views.export, name="export"),
    path("import/", exchange_views.import_upload, name="import"),
    path("import/template.xlsx", exchange_views.import_template, name="import_template"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/move/", views.move, name="move"),
    path("<int:pk>/dissolve/", views.dissolve, name="dissolve"),
    path("<int:pk>/committee/elect/", views.committee_elect, name="committee_elect"),
    path("<int:pk>/contact-points/new/", views.contact_point_add, name="contact_point_add"),
    path("<int:pk>/four-sync/", views.four_sync_edit, name="four_sync"),
    path("committees/<int:pk>/edit/", views.committee_edit, name="committee_edit"),
    path("committees/<int:pk>/seats/new/", views.seat_add, name="seat_add"),
    path("seats/<int:pk>/end/", views.seat_end, name="seat_end"),
    path("contact-points/<int:pk>/visits/new/", views.visit_add, name="visit_add"),
]
