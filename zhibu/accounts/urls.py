from django.contrib.auth import views as auth_views
from django.urls import path

from zhibu.accounts import exports, views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/tokens/", views.tokens, name="tokens"),
    path("accounts/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("accounts/users/", views.user_list, name="user_list"),
    path("accounts/users/export.xlsx", exports.user_export, name="user_export"),
    path("accounts/users/new/", views.user_create, name="user_create"),
    path("accounts/users/<int:pk>/", views.user_detail, name="user_detail"),
    path("accounts/users/<int:pk>/roles/", views.role_grant, name="role_grant"),
    path("accounts/users/<int:pk>/roles/<int:assignment_pk>/revoke/", views.role_revoke, name="role_revoke"),
    path("accounts/users/<int:pk>/password/", views.user_password_reset, name="user_password_reset"),
    path("accounts/users/<int:pk>/unlock/", views.user_unlock, name="user_unlock"),
]
