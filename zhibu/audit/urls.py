from django.urls import path

from zhibu.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("export.xlsx", views.export, name="export"),
    path("<int:pk>/", views.event_detail, name="detail"),
]
