from django.urls import include, path

from zhibu.api import api

urlpatterns = [
    path("", include("zhibu.accounts.urls")),
    path("orgs/", include("zhibu.orgs.urls")),
    path("members/", include("zhibu.members.urls")),
    path("audit/", include("zhibu.audit.urls")),
    path("rules/", include("zhibu.rulebook.urls")),
    path("goals/", include("zhibu.goals.urls")),
    path("assessment/members/", include("zhibu.member_assessment.urls")),
    path("meetings/", include("zhibu.meetings.urls")),
    path("compliance/", include("zhibu.meetings.compliance_urls")),
    path("development/", include("zhibu.development.urls")),
    path("dues/", include("zhibu.dues.urls")),
    path("funds/", include("zhibu.dues.funds_urls")),
    path("notifications/", include("zhibu.notifications.urls")),
    path("api/", api.urls),
]
