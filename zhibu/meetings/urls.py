from django.urls import path

from zhibu.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_create, name="create"),
    path("new/expected/", views.expected, name="expected"),
    path("export.xlsx", views.meeting_export, name="export"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("<int:pk>/attendance.xlsx", views.attendance_export, name="attendance_export"),
    path("<int:pk>/decisions/new/", views.decision_create, name="decision_create"),
    path("<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("<int:pk>/goals/", views.reviewed_goals, name="reviewed_goals"),
    path("attendance/<int:pk>/", views.attendance_edit, name="attendance_edit"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/new/", views.notice_create, name="notice_create"),
    path("notices/export.xlsx", views.notice_export, name="notice_export"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/edit/", views.plan_edit, name="plan_edit"),
]
