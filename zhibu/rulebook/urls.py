from django.urls import path

from zhibu.rulebook import views

app_name = "rulebook"
urlpatterns = [
    path("", views.rule_list, name="list"),
    path("<str:key>/", views.rule_edit, name="edit"),
]
