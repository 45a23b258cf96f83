from django.urls import include, path

from zhibu.api import api

urlpatterns = [
    path("", include("zhibu.accounts.urls")),
    path("orgs/", include("zhibu.orgs.urls")),
    path("members/", include("zhibu.members.urls")),
    path("audit/", include("zhibu.audit.urls")),
    path("rules/", include("zhibu.rulebook.urls")),
    path("api/", api.urls),
]
