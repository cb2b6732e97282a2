"""Forms for improvement proposals, the company plan and forwarded opinions. They only parse
input; the services decide and refuse."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.improvements.models import ItemStatus
from guanxi.improvements.services import SourceRef
from guanxi.organisation.models import Unit
from guanxi.web.keycustomers.forms import AREA, DATE, VersionedForm


def source_key(ref: SourceRef) -> str:
    """A checkbox value naming a piece of feedback on the form: rating:quality, opinion:0…"""
    detail = ref.dimension if ref.opinion is None else str(ref.opinion)
    return f"{ref.kind}:{detail}"


def departments() -> QuerySet[Unit]:
    """Departments an item or opinion can go to: the active units (000 §19.3.3 相关部门)."""
    return Unit.objects.filter(is_active=True).order_by("path")


class ProposalForm(VersionedForm):
    title = forms.CharField(label=pgettext_lazy("proposal", "Subject"), max_length=200)
    problem = forms.CharField(label=_("Problem found"), widget=forms.Textarea(attrs=AREA))
    measures = forms.CharField(label=_("Proposed measures"), widget=forms.Textarea(attrs=AREA))


class SourcedProposalForm(ProposalForm):
    """A new proposal: which of the form's feedback it answers (all ticked to begin with)."""

    sources = forms.MultipleChoiceField(
        label=_("Feedback it answers"), choices=(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sources"].choices = choices  # type: ignore[attr-defined]
        self.fields["sources"].widget.attrs.pop("class", None)


class ConfirmForm(VersionedForm):
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


class DecideForm(ConfirmForm):
    decision = forms.ChoiceField(
        choices=(("accept", _("Accept into the plan")), ("return", _("Return to the unit")))
    )
    department = forms.ModelChoiceField(
        Unit.objects.none(), label=_("Responsible department"), required=False
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DATE, required=False)
    reason = forms.CharField(label=_("Comment or reason"), required=False, max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments()  # type: ignore[attr-defined]


class ItemForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("proposal", "Subject"), max_length=200)
    measures = forms.CharField(label=_("Measures"), widget=forms.Textarea(attrs=AREA))
    department = forms.ModelChoiceField(Unit.objects.none(), label=_("Responsible department"))
    deadline = forms.DateField(label=_("Deadline"), widget=DATE, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments()  # type: ignore[attr-defined]
        for field in self.fields.values():
            if not isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "form-control")
            else:
                field.widget.attrs.setdefault("class", "form-select")


class ProgressForm(ConfirmForm):
    status = forms.ChoiceField(choices=ItemStatus.choices)
    note = forms.CharField(required=False, max_length=4000)


class AssignForm(VersionedForm):
    department = forms.ModelChoiceField(Unit.objects.none())
    deadline = forms.DateField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments()  # type: ignore[attr-defined]


class ForwardForm(forms.Form):
    opinion = forms.TypedChoiceField(label=_("Opinion"), coerce=int, choices=())
    department = forms.ModelChoiceField(Unit.objects.none(), label=_("Department concerned"))
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs=AREA)
    )

    def __init__(self, *args: Any, opinions: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["opinion"].choices = opinions  # type: ignore[attr-defined]
        self.fields["department"].queryset = departments()  # type: ignore[attr-defined]
        for name in ("opinion", "department"):
            self.fields[name].widget.attrs["class"] = "form-select"


class AnswerForm(VersionedForm):
    answer = forms.CharField(required=False, max_length=4000)
