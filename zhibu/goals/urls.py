from django.urls import path

from zhibu.goals import views

app_name = "goals"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("mine/", views.mine, name="mine"),
    path("mine/export.xlsx", views.mine_export, name="mine_export"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/adopt/", views.plan_adopt, name="plan_adopt"),
    path("plans/<int:pk>/copy/", views.plan_copy, name="plan_copy"),
    path("plans/<int:pk>/review/", views.plan_review, name="plan_review"),
    path("plans/<int:pk>/export.xlsx", views.plan_export, name="plan_export"),
    path("plans/<int:pk>/goals/new/", views.goal_create, name="goal_create"),
    path("plans/<int:pk>/members/<int:member_pk>/", views.responsibility, name="responsibility"),
    path("<int:pk>/", views.goal_detail, name="goal_detail"),
    path("<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("<int:pk>/cancel/", views.goal_cancel, name="goal_cancel"),
    path("<int:pk>/evaluate/", views.goal_evaluate, name="goal_evaluate"),
    path("<int:pk>/progress/", views.progress_report, name="progress_report"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("excellence/", views.excellence_list, name="excellence_list"),
    path("excellence/new/", views.excellence_create, name="excellence_create"),
    path("excellence/<int:pk>/", views.excellence_detail, name="excellence_detail"),
    path("excellence/<int:pk>/reviews/new/", views.excellence_review, name="excellence_review"),
    path("excellence/<int:pk>/export.xlsx", views.excellence_export, name="excellence_export"),
]
