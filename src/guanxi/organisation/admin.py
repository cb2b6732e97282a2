"""Organisation in the admin. Writes go through the services so paths and rules hold."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from guanxi.access.scope import acting_person
from guanxi.organisation import services
from guanxi.organisation.models import Membership, Person, Unit
from guanxi.policy.loader import current as current_policy


def _kind_choices() -> list[tuple[str, str]]:
    return [(kind.key, kind.name_zh) for kind in current_policy().unit_kinds.values()]


def _role_choices() -> list[tuple[str, str]]:
    return [(role.key, role.name_zh) for role in current_policy().roles.values()]


class UnitForm(forms.ModelForm):  # type: ignore[type-arg]
    kind = forms.ChoiceField(choices=_kind_choices)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Unit
        fields = ["parent", "kind", "code", "name", "name_en", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parent = data.get("parent")
        if self.instance.pk and parent is not None and parent.path.startswith(self.instance.path):
            raise ValidationError({"parent": services.MOVE_UNDER_ITSELF})
        return data


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = UnitForm
    list_display = ["code", "name", "kind", "parent", "is_active"]
    search_fields = ["code", "name", "name_en"]
    list_filter = ["kind", "is_active"]

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            saved = services.unit_update(
                actor=acting_person(request.user),
                unit=obj,
                version=data.get("expected_version") or obj.version,
                **{key: data[key] for key in UnitForm.Meta.fields if key in data},
            )
        else:
            saved = services.unit_create(
                actor=acting_person(request.user),
                parent=data.get("parent"),
                kind=data["kind"],
                code=data["code"],
                name=data["name"],
                name_en=data.get("name_en", ""),
            )
        obj.pk = saved.pk
        obj.path = saved.path
        obj.version = saved.version


class MembershipForm(forms.ModelForm):  # type: ignore[type-arg]
    role = forms.ChoiceField(choices=_role_choices)

    class Meta:
        model = Membership
        fields = ["unit", "role"]


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    form = MembershipForm
    extra = 1
    autocomplete_fields = ["unit"]


@admin.register(Person)
class PersonAdmin(UserAdmin):  # type: ignore[type-arg]
    inlines = [MembershipInline]
    list_display = ["username", "display_name", "email", "phone", "is_active"]
    search_fields = ["username", "display_name", "email", "phone"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (None, {"fields": ("display_name", "phone")}),
    )
