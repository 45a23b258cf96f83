from typing import Any

from django import forms
from django.core.exceptions import ValidationError


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (or the whole form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class OrganisationChoiceField(forms.ModelChoiceField):
    """Organisations indented by depth, with their code: the tree reads in a select box."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{'　' * obj.depth}{obj.name}（{obj.code}）"


class GroupChoiceField(forms.ModelChoiceField):
    """党小组 with their branch (select_related("parent") on the queryset)."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.parent.short_name or obj.parent.name} / {obj.name}"


class MemberChoiceField(forms.ModelChoiceField):
    """Members with their branch (select_related("branch") on the queryset)."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.branch.short_name or obj.branch.name}）"
