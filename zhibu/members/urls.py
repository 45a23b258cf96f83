from django.urls import path

from zhibu.members import discipline_views, exchange_views, mobile_views, training_views, views

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
    # 培训档案 (MEM-5) and 流动党员 (MEM-3)
    path("training/", training_views.training_index, name="training_index"),
    path("training/branch/<int:pk>/", training_views.training_branch, name="training_branch"),
    path("training/branch/<int:pk>/export.xlsx", training_views.training_export, name="training_export"),
    path("<int:pk>/training/new/", training_views.training_add, name="training_add"),
    path("mobile/", mobile_views.mobile_index, name="mobile_index"),
    path("mobile/branch/<int:pk>/", mobile_views.mobile_branch, name="mobile_branch"),
    path("mobile/branch/<int:pk>/export.xlsx", mobile_views.mobile_export, name="mobile_export"),
    path("<int:pk>/mobile/new/", mobile_views.mobile_register, name="mobile_register"),
    path("mobile/<int:pk>/", mobile_views.mobile_detail, name="mobile_detail"),
    path("mobile/<int:pk>/decide/", mobile_views.mobile_decide, name="mobile_decide"),
    path("mobile/<int:pk>/edit/", mobile_views.mobile_edit, name="mobile_edit"),
    path("mobile/<int:pk>/report/", mobile_views.mobile_report_add, name="mobile_report"),
    path("mobile/<int:pk>/return/", mobile_views.mobile_return, name="mobile_return"),
    # 党纪处分 (RULES B-6)
    path("<int:pk>/discipline/new/", discipline_views.discipline_add, name="discipline_add"),
    path("discipline/<int:pk>/restore/", discipline_views.discipline_restore, name="discipline_restore"),
]
