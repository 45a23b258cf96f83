from django.urls import path

from zhibu.dues import exchange_views, views

app_name = "dues"
urlpatterns = [
    path("", views.index, name="index"),
    path("export.xlsx", views.index_export, name="index_export"),
    path("branch/<int:pk>/", views.branch_ledger, name="branch"),
    path("branch/<int:pk>/export.xlsx", views.branch_export, name="branch_export"),
    path("branch/<int:pk>/set-year/", views.set_year, name="set_year"),
    path("branch/<int:pk>/collect/", views.collect, name="collect"),
    path("branch/<int:pk>/publication/", views.publication, name="publication"),
    path("member/<int:pk>/", views.member_detail, name="member"),
    path("member/<int:pk>/export.xlsx", views.member_export, name="member_export"),
    path("member/<int:pk>/setting/", views.setting_change, name="setting"),
    path("member/<int:pk>/pay/", views.payment, name="pay"),
    path("arrears/", views.arrears_list, name="arrears"),
    path("arrears/export.xlsx", views.arrears_export, name="arrears_export"),
    path("mine/", views.mine, name="mine"),
    # SPEC §13 import_dues (web upload and template)
    path("import/", exchange_views.import_upload, name="import"),
    path("import/template.xlsx", exchange_views.import_template, name="import_template"),
]
