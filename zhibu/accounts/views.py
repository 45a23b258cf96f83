from typing import Any, cast

from axes.utils import reset as axes_reset
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from zhibu.accounts import services
from zhibu.accounts.forms import (
    ChinesePasswordChangeForm,
    LoginForm,
    PasswordResetForm,
    RoleGrantForm,
    TokenForm,
    UserForm,
)
from zhibu.accounts.http import AuthedRequest
from zhibu.accounts.models import ApiToken, Role, RoleAssignment, User
from zhibu.accounts.scoping import orgs_for, require_perm
from zhibu.lib.forms import apply_errors


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = ChinesePasswordChangeForm
    success_url = "/"

    def form_valid(self, form: Any) -> HttpResponse:
        from zhibu.audit.models import AuditEvent
        from zhibu.audit.services import audit_record

        response = super().form_valid(form)
        audit_record(
            actor=self.request.user,
            action=AuditEvent.Action.UPDATE,
            obj=cast(User, self.request.user),
            note="修改本人密码",
            ip_address=self.request.META.get("REMOTE_ADDR"),
        )
        messages.success(self.request, "密码已修改。")
        return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    from zhibu.accounts.dashboard import home_context

    return render(request, "accounts/home.html", home_context(request.user))


def _admin_orgs(user: Any) -> Any:
    return orgs_for(user, "accounts.manage").filter(is_active=True).order_by("path")


@require_perm("accounts.manage")
def user_list(request: HttpRequest) -> HttpResponse:
    # Accounts with a role inside the admin's subtree, and accounts with no role yet.
    scope = orgs_for(request.user, "accounts.manage")
    users = (
        User.objects.filter(Q(roles__organisation__in=scope) | Q(roles__isnull=True))
        .distinct()
        .prefetch_related(Prefetch("roles", queryset=RoleAssignment.objects.select_related("organisation")))
        .order_by("username")
    )
    q = request.GET.get("q", "").strip()
    if q:
        users = users.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    role = request.GET.get("role", "")
    if role:
        users = users.filter(roles__role=role)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(
        request, "accounts/user_list.html", {"page_obj": page, "q": q, "role": role, "roles": Role.choices}
    )


def _user_in_scope(request: HttpRequest, pk: int) -> User:
    scope = orgs_for(request.user, "accounts.manage")
    return get_object_or_404(
        User.objects.filter(Q(roles__organisation__in=scope) | Q(roles__isnull=True)).distinct(), pk=pk
    )


@require_perm("accounts.manage")
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=request.user,
                username=data["username"],
                full_name=data["full_name"],
                phone=data["phone"],
                email=data["email"],
                is_active=data["is_active"],
                member=data["member_id_number"],
                password=data["password"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"已创建账号 {user.username}，请为其授予角色。")
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "title": "新建账号"})


@require_perm("accounts.manage")
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = _user_in_scope(request, pk)
    initial = {
        "username": target.username,
        "full_name": target.full_name,
        "phone": target.phone,
        "email": target.email,
        "is_active": target.is_active,
        # Masked: the system admin links members without reading the registry (MEM-6).
        "member_id_number": target.member.masked_id_number if target.member else "",
    }
    form = UserForm(request.POST or None, initial=initial, editing=target)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_update(
                actor=request.user,
                user=target,
                full_name=data["full_name"],
                phone=data["phone"],
                email=data["email"],
                is_active=data["is_active"],
                member=data["member_id_number"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "账号信息已保存。")
            return redirect("accounts:user_detail", pk=target.pk)
    context = {
        "target": target,
        "form": form,
        "grant_form": RoleGrantForm(organisations=_admin_orgs(request.user)),
        "password_form": PasswordResetForm(),
        "assignments": target.roles.select_related("organisation"),
    }
    return render(request, "accounts/user_detail.html", context)


@require_POST
@require_perm("accounts.manage")
def role_grant(request: HttpRequest, pk: int) -> HttpResponse:
    target = _user_in_scope(request, pk)
    form = RoleGrantForm(request.POST, organisations=_admin_orgs(request.user))
    if form.is_valid():
        try:
            services.role_grant(
                actor=request.user,
                user=target,
                role=form.cleaned_data["role"],
                organisation=form.cleaned_data["organisation"],
            )
            messages.success(request, "角色已授予。")
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
    else:
        messages.error(request, "；".join(f"{form.fields[k].label}：{v[0]}" for k, v in form.errors.items()))
    return redirect("accounts:user_detail", pk=target.pk)


@require_POST
@require_perm("accounts.manage")
def role_revoke(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    target = _user_in_scope(request, pk)
    assignment = get_object_or_404(
        RoleAssignment,
        pk=assignment_pk,
        user=target,
        organisation__in=orgs_for(request.user, "accounts.manage"),
    )
    try:
        services.role_revoke(actor=request.user, assignment=assignment)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, "角色已撤销。")
    return redirect("accounts:user_detail", pk=target.pk)


@require_POST
@require_perm("accounts.manage")
def user_password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    target = _user_in_scope(request, pk)
    form = PasswordResetForm(request.POST)
    if form.is_valid():
        try:
            services.user_set_password(
                actor=request.user, user=target, password=form.cleaned_data["password"]
            )
            messages.success(request, "密码已重置。")
        except ValidationError as error:
            messages.error(request, "密码不符合要求：" + "；".join(error.messages))
    return redirect("accounts:user_detail", pk=target.pk)


@require_POST
@require_perm("accounts.manage")
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    target = _user_in_scope(request, pk)
    axes_reset(username=target.username)
    from zhibu.audit.models import AuditEvent
    from zhibu.audit.services import audit_record

    audit_record(actor=request.user, action=AuditEvent.Action.UPDATE, obj=target, note="解除登录锁定")
    messages.success(request, f"已解除 {target.username} 的登录锁定。")
    return redirect("accounts:user_detail", pk=target.pk)


@login_required
def tokens(request: AuthedRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _, new_key = services.token_create(
            actor=request.user, user=request.user, name=form.cleaned_data["name"]
        )
        form = TokenForm()
    context = {
        "form": form,
        "new_key": new_key,
        "tokens": ApiToken.objects.filter(user=request.user),
    }
    return render(request, "accounts/tokens.html", context)


@require_POST
@login_required
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, "令牌已撤销。")
    return redirect("accounts:tokens")
