"""Accounts and roles. Only the system admin calls these (the `accounts.manage` permission);
each write is audited."""

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhibu.accounts.models import ApiToken, Role, RoleAssignment, User
from zhibu.audit.models import AuditEvent
from zhibu.audit.services import audit_record, diff, snapshot

USER_FIELDS = ("username", "full_name", "phone", "email", "is_active", "member")
_AUDITED = ("username", "full_name", "phone", "email", "is_active", "member")


@transaction.atomic
def user_create(*, actor: Any, password: str, **fields: Any) -> User:
    user = User(**{k: v for k, v in fields.items() if k in USER_FIELDS})
    if User.objects.filter(username__iexact=user.username).exists():
        raise ValidationError({"username": [f"用户名{user.username}已存在"]})
    _validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, obj=user, after=snapshot(user, _AUDITED))
    return user


@transaction.atomic
def user_update(*, actor: Any, user: User, **fields: Any) -> User:
    before = snapshot(user, _AUDITED)
    for name, value in fields.items():
        if name in USER_FIELDS and name != "username":
            setattr(user, name, value)
    user.full_clean()
    user.save()
    old, new = diff(before, snapshot(user, _AUDITED))
    if old or new:
        audit_record(actor=actor, action=AuditEvent.Action.UPDATE, obj=user, before=old, after=new)
    return user


def password_problems(password: str, user: Any) -> list[str]:
    """The password rules (settings.AUTH_PASSWORD_VALIDATORS) as Chinese sentences. Django's zh-hans
    catalogue leaves the minimum-length message in English, so that one is said here."""
    try:
        validate_password(password, user)
    except ValidationError as error:
        out = []
        for item in error.error_list:
            if item.code == "password_too_short":
                out.append(f"密码太短，至少需要{(item.params or {}).get('min_length', 8)}个字符。")
            else:
                out.extend(item.messages)
        return out
    return []


def _validate_password(password: str, user: User) -> None:
    """The password rules, reported on the password field (so a form shows them under it)."""
    problems = password_problems(password, user)
    if problems:
        raise ValidationError({"password": problems})


@transaction.atomic
def user_set_password(*, actor: Any, user: User, password: str) -> None:
    _validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action=AuditEvent.Action.UPDATE, obj=user, note="重置密码")


@transaction.atomic
def role_grant(*, actor: Any, user: User, role: str, organisation: Any) -> RoleAssignment:
    if role not in Role.values:
        raise ValidationError({"role": ["未知角色"]})
    if role == Role.MEMBER:
        if user.member is None:
            raise ValidationError({"role": ["“党员”角色需要先为账号关联党员"]})
        organisation = user.member.branch
    if role in (Role.SYSTEM_ADMIN, Role.AUDITOR) and organisation.parent_id is not None:
        raise ValidationError({"organisation": [f"{Role(role).label}应在最高一级党组织授予"]})
    if role == Role.BRANCH_SECRETARY and organisation.kind not in ("branch", "general_branch"):
        raise ValidationError({"organisation": ["支部书记/支委角色应授予在党支部或党总支"]})
    if RoleAssignment.objects.filter(user=user, role=role, organisation=organisation).exists():
        raise ValidationError(
            {"role": [f"{user.display_name}已在{organisation.name}拥有{Role(role).label}角色"]}
        )
    held = {a.role for a in RoleAssignment.objects.filter(user=user)}
    duty = separation_duty(role)
    clash = {d for d in (separation_duty(r) for r in held) if d is not None and d != duty}
    if duty is not None and clash:
        raise ValidationError(
            {
                "role": [
                    f"三权分立：该账号已承担“{'、'.join(sorted(clash))}”职责，不能再兼任{Role(role).label}"
                ]
            }
        )
    assignment = RoleAssignment.objects.create(
        user=user, role=role, organisation=organisation, granted_by=_u(actor)
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.GRANT,
        obj=user,
        organisation=organisation,
        after={"role": role, "organisation": organisation.pk},
    )
    return assignment


# 三权分立 (等保 2.0): system administration, business operation and audit are three duties no
# account combines. The 党员 role goes with any of them: an IT officer is often a Party member too.
_DUTIES = {
    Role.SYSTEM_ADMIN: "系统管理",
    Role.AUDITOR: "安全审计",
    Role.ORG_OFFICER: "业务操作",
    Role.BRANCH_SECRETARY: "业务操作",
    Role.RATER: "业务操作",
    Role.INSPECTOR: "业务操作",
}


def separation_duty(role: str) -> str | None:
    return _DUTIES.get(Role(role))


@transaction.atomic
def role_revoke(*, actor: Any, assignment: RoleAssignment) -> None:
    if assignment.role == Role.SYSTEM_ADMIN:
        others = RoleAssignment.objects.filter(role=Role.SYSTEM_ADMIN, user__is_active=True).exclude(
            pk=assignment.pk
        )
        if not others.exists():
            raise ValidationError({"role": ["这是最后一个系统管理员角色，撤销后将无人能管理账号"]})
        if assignment.user_id == getattr(actor, "pk", None):
            raise ValidationError({"role": ["不能撤销自己的系统管理员角色，请由其他系统管理员办理"]})
    audit_record(
        actor=actor,
        action=AuditEvent.Action.REVOKE,
        obj=assignment.user,
        organisation=assignment.organisation,
        before={"role": assignment.role, "organisation": assignment.organisation_id},
    )
    assignment.delete()


def _u(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def token_create(*, actor: Any, user: User, name: str) -> tuple[ApiToken, str]:
    """Returns the token and its key; the key is not stored and cannot be shown again."""
    if not name.strip():
        raise ValidationError({"name": ["请填写令牌用途"]})
    key = ApiToken.new_key()
    token = ApiToken.objects.create(user=user, name=name, prefix=key[3:11], key_hash=ApiToken.hash_key(key))
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, obj=token, object_repr=f"API令牌 {name}")
    return token, key


@transaction.atomic
def token_revoke(*, actor: Any, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=token,
            note="撤销API令牌",
            object_repr=f"API令牌 {token.name}",
        )
