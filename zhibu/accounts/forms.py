from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

from zhibu.accounts.models import Role, User
from zhibu.lib import idnumber
from zhibu.lib.forms import OrganisationChoiceField
from zhibu.members.models import Member
from zhibu.orgs.models import Organisation


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误。连续输错多次后账号将被暂时锁定。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"


class ChinesePasswordChangeForm(PasswordChangeForm):
    """Django's password change, with the password rules said in Chinese."""

    def validate_password_for_user(self, user: Any, password_field_name: str = "new_password2") -> None:
        from zhibu.accounts.services import password_problems

        password = self.cleaned_data.get(password_field_name)
        if password:
            for problem in password_problems(password, user):
                self.add_error(password_field_name, problem)


class BootstrapForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            else:
                widget.attrs["class"] = "form-control"


class UserForm(BootstrapForm):
    username = forms.CharField(label="用户名", max_length=150)
    full_name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(label="手机号", max_length=30, required=False)
    email = forms.EmailField(label="电子邮箱", required=False)
    member_id_number = forms.CharField(
        label="关联党员（公民身份号码）",
        max_length=18,
        required=False,
        help_text="填写后该账号可以“党员”身份查看本人信息；系统管理员不需查看名册即可关联。",
    )
    password = forms.CharField(
        label="初始密码",
        widget=forms.PasswordInput,
        required=False,
        help_text="至少8位，不能全为数字；新建账号时必填。",
    )
    is_active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args: Any, editing: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing is not None:
            self.fields["username"].disabled = True
            self.fields["password"].widget = forms.HiddenInput()

    def clean_member_id_number(self) -> Member | None:
        raw = self.cleaned_data.get("member_id_number", "")
        if not raw:
            return None
        current = getattr(self.editing, "member", None)
        if current is not None and raw == current.masked_id_number:
            return current  # the masked number shown on the page, sent back unchanged (MEM-6)
        value = idnumber.normalize(raw)
        member = Member.objects.filter(id_number=value).first()
        if member is None:
            raise forms.ValidationError("名册中没有这个公民身份号码")
        linked_accounts = User.objects.filter(member=member)
        if self.editing is not None:
            linked_accounts = linked_accounts.exclude(username=self.editing.username)
        linked = linked_accounts.first()
        if linked is not None:
            raise forms.ValidationError(f"该党员已关联账号 {linked.username}")
        return member

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.editing is None and not data.get("password"):
            self.add_error("password", "新建账号必须设置初始密码")
        return data


class RoleGrantForm(BootstrapForm):
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    organisation = OrganisationChoiceField(label="所在组织", queryset=Organisation.objects.none())

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations.exclude(kind="group")


class PasswordResetForm(BootstrapForm):
    password = forms.CharField(label="新密码", widget=forms.PasswordInput)


class TokenForm(BootstrapForm):
    name = forms.CharField(label="用途", max_length=100, help_text="例如：人力资源系统同步")
