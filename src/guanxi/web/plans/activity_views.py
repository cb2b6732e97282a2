"""Activity pages: list, record (planned or unplanned), carry out, write off; and the approval
inbox, request status and delegation pages."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from guanxi.access.models import Channel
from guanxi.access.scope import (
    acting_person,
    may,
    may_in_unit,
    scope_of,
    visible,
    visible_units,
)
from guanxi.activities import selectors, services
from guanxi.activities.models import Activity, ActivityStatus
from guanxi.approvals import selectors as approval_selectors
from guanxi.approvals import services as approval_services
from guanxi.approvals.services import Refused
from guanxi.customers.models import Customer
from guanxi.feedback import policies as feedback_policies
from guanxi.feedback.models import FormRecord
from guanxi.organisation.models import Person
from guanxi.paging import keyset_page, keyset_page_in_units
from guanxi.plans.models import PlanItem
from guanxi.versioning import StaleVersion
from guanxi.web.plans.common import attempt, int_or_none, refused
from guanxi.web.plans.forms import AREA, CHOICES_CAP, DATE, NUMBER, SELECT, TEXT, plan_kind_choices
from guanxi.web.reads import page_read

PAGE_SIZE = 50
# The inbox shows two lists on one page; HQ waits on tens of thousands of steps at scale.
INBOX_PAGE_SIZE = 25


class ActivityForm(forms.Form):
    plan_item = forms.TypedChoiceField(
        label=_("Plan item (empty: unplanned)"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=SELECT,
    )
    unit = forms.TypedChoiceField(
        label=_("Unit (unplanned)"), coerce=int, required=False, empty_value=None, widget=SELECT
    )
    kind = forms.ChoiceField(label=_("Kind (unplanned)"), required=False, widget=SELECT)
    name = forms.CharField(label=_("Activity name"), max_length=200, widget=TEXT)
    date = forms.DateField(label=_("Date"), widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=200, required=False, widget=TEXT)
    customer = forms.TypedChoiceField(
        label=_("Customer"), coerce=int, required=False, empty_value=None, widget=SELECT
    )
    cost = forms.DecimalField(
        label=_("Actual cost (yuan)"),
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=2,
        initial=0,
        widget=NUMBER,
    )
    result = forms.CharField(label=_("Short result"), max_length=4000, required=False, widget=AREA)

    def __init__(self, *args: Any, actor: Person, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        items = (
            visible(actor, PlanItem.objects.all(), "plan.view", "plan__unit")
            .filter(plan__status="accepted")
            .select_related("plan", "plan__unit")
            .order_by("-when", "-id")[:CHOICES_CAP]
        )
        self.fields["plan_item"].choices = (  # type: ignore[attr-defined]
            [("", "—")]
            + [(i.pk, f"{i.plan.unit.name} · {i.when} · {i.name or i.content[:30]}") for i in items]
        )
        units = visible_units(actor, "activity.change").order_by("path")[:CHOICES_CAP]
        self.fields["unit"].choices = [("", "—")] + [(u.pk, u.name) for u in units]  # type: ignore[attr-defined]
        self.fields["kind"].choices = [("", "—"), *plan_kind_choices(language)]  # type: ignore[attr-defined]
        customers = visible(actor, Customer.objects.all(), "customer.view").order_by("name")
        self.fields["customer"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *customers.values_list("id", "name")[:CHOICES_CAP],
        ]

    def data_for_service(self) -> services.ActivityData:
        data = self.cleaned_data
        customer = None
        if data.get("customer"):
            customer = visible(
                self.actor, Customer.objects.filter(pk=data["customer"]), "customer.view"
            ).first()
        return services.ActivityData(
            name=data["name"],
            date=data["date"],
            place=data.get("place") or "",
            customer=customer,
            our_people=[self.actor],
            cost=data["cost"],
            result=data.get("result") or "",
        )


@login_required
def activity_list_page(request: HttpRequest) -> HttpResponse:
    actor = acting_person(request.user)
    if not may(actor, "activity.view"):
        raise PermissionDenied
    status = request.GET.get("status", "")[:16]
    rows = selectors.activity_list(actor=actor, filters=selectors.ActivityFilters(status=status))
    page = keyset_page_in_units(
        rows,
        unit_field="unit_id",
        unit_ids=scope_of(actor).unit_ids("activity.view"),
        after=request.GET.get("after"),
        size=PAGE_SIZE,
    )
    response = render(
        request,
        "plans/activities.html",
        {
            "page": page,
            "status": status,
            "statuses": ActivityStatus.choices,
            "can_record": may(actor, "activity.change"),
        },
    )
    page_read(request, page.items, unit_field="unit")
    return response


@login_required
def activity_new_page(request: HttpRequest) -> HttpResponse:
    actor = acting_person(request.user)
    if not may(actor, "activity.change"):
        raise PermissionDenied
    form = ActivityForm(request.POST or None, actor=actor, language=request.LANGUAGE_CODE)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        item = None
        if data.get("plan_item"):
            item = (
                visible(
                    actor, PlanItem.objects.filter(pk=data["plan_item"]), "plan.view", "plan__unit"
                )
                .select_related("plan", "plan__unit")
                .first()
            )
        unit = visible_units(actor, "activity.change").filter(pk=data.get("unit") or 0).first()
        try:
            activity = services.activity_record(
                actor=actor,
                data=form.data_for_service(),
                plan_item=item,
                unit=unit,
                kind=data.get("kind") or "",
            )
        except (ValidationError, Refused) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            form.add_error(None, " ".join(messages))
        else:
            return redirect("activity-detail", activity.pk)
    return render(
        request,
        "web/form.html",
        {"form": form, "title": _("Record an activity"), "back": reverse("activity-list")},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def activity_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = acting_person(request.user)
    activity = selectors.activity_get(actor=actor, pk=pk, channel=Channel.PAGE, request=request)
    return render(
        request,
        "plans/activity.html",
        {
            "activity": activity,
            "approvals": list(approval_services.subject_status(subject=activity).values()),
            "people": list(activity.our_people.all()),
            "can_write_off": activity.status == ActivityStatus.CARRIED_OUT
            and may_in_unit(actor, "activity.write_off", activity.unit_id),
            "can_carry_out": activity.status == ActivityStatus.REQUESTED
            and may_in_unit(actor, "activity.change", activity.unit_id),
            **_form_links(actor, activity),
        },
    )


FORM_ROUTES = {"visit": "visit-record", "care": "care-record", "seminar": "seminar-feedback"}


def _form_links(actor: Person, activity: Activity) -> dict[str, Any]:
    """The activity's form (服务回访记录表 …), or whether the reader may fill it in now."""
    record = FormRecord.objects.filter(activity=activity).only("pk", "unit_id").first()
    route = FORM_ROUTES.get(activity.kind, "")
    return {
        "form_route": route,
        "form_record": record,
        "can_fill_form": record is None
        and bool(route)
        and activity.status != ActivityStatus.REQUESTED
        and feedback_policies.owns_unit(actor, activity.unit_id),
    }


def _activity(request: HttpRequest, pk: int) -> Activity:
    return selectors.activity_get(
        actor=acting_person(request.user), pk=pk, channel=Channel.PAGE, request=request
    )


@login_required
@require_POST
def activity_write_off_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = acting_person(request.user)
    activity = _activity(request, pk)
    version = int_or_none(request.POST.get("version")) or 0
    return attempt(
        request,
        lambda: services.activity_write_off(actor=actor, activity=activity, version=version),
        reverse("activity-detail", args=[pk]),
    )


@login_required
@require_POST
def activity_carry_out_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = acting_person(request.user)
    activity = _activity(request, pk)
    version = int_or_none(request.POST.get("version")) or 0
    try:
        cost = Decimal(request.POST.get("cost", "") or activity.cost)
        day = datetime.date.fromisoformat(request.POST.get("date", "") or activity.date.isoformat())
    except (ArithmeticError, ValueError):
        return refused(
            request,
            str(_("Enter a valid date and amount.")),
            reverse("activity-detail", args=[pk]),
            400,
        )
    data = services.ActivityData(
        name=activity.name,
        date=day,
        place=activity.place,
        customer=activity.customer,
        our_people=list(activity.our_people.all()),
        cost=cost,
        result=request.POST.get("result", "")[:4000],
    )
    return attempt(
        request,
        lambda: services.activity_carry_out(
            actor=actor, activity=activity, version=version, data=data
        ),
        reverse("activity-detail", args=[pk]),
    )


@login_required
def approval_inbox_page(request: HttpRequest) -> HttpResponse:
    """What waits on me, and the requests of my unit line and my own, with where they stand."""
    actor = acting_person(request.user)
    waiting = keyset_page(
        approval_selectors.inbox(actor=actor),
        after=request.GET.get("waiting_after"),
        size=INBOX_PAGE_SIZE,
    )
    page = approval_selectors.approval_page(
        actor=actor,
        status=request.GET.get("status", "")[:16],
        after=request.GET.get("after"),
        size=INBOX_PAGE_SIZE,
    )
    response = render(request, "approvals/inbox.html", {"waiting": waiting, "page": page})
    shown = {step.approval.pk: step.approval for step in waiting.items}
    shown.update((approval.pk, approval) for approval in page.items)
    page_read(request, shown.values(), unit_field="requesting_unit")
    return response


@login_required
def approval_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = acting_person(request.user)
    approval = approval_selectors.approval_get(
        actor=actor, pk=pk, channel=Channel.PAGE, request=request
    )
    steps = approval_selectors.approval_steps(approval)
    current = next((s for s in steps if s.decision == "pending"), None)
    can_decide = (
        current is not None
        and approval.requested_by_id != actor.pk
        and (current.unit_id, current.role) in approval_services.deciders(actor)
    )
    subject_url = ""
    if approval.subject_type.model == "activity":
        subject_url = reverse("activity-detail", args=[approval.subject_id])
    return render(
        request,
        "approvals/detail.html",
        {
            "approval": approval,
            "steps": steps,
            "can_decide": can_decide,
            "subject_url": subject_url,
        },
    )


@login_required
@require_POST
def approval_decide_page(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    actor = acting_person(request.user)
    if decision not in ("approve", "reject"):
        raise Http404
    approval = approval_selectors.approval_get(
        actor=actor, pk=pk, channel=Channel.PAGE, request=request
    )
    comment = request.POST.get("comment", "")[:2000]
    return attempt(
        request,
        lambda: approval_services.approval_decide(
            actor=actor, approval=approval, approve=decision == "approve", comment=comment
        ),
        reverse("approval-detail", args=[pk]),
    )


class DelegationForm(forms.Form):
    delegate = forms.TypedChoiceField(label=_("Delegate"), coerce=int, widget=SELECT)
    starts = forms.DateField(label=_("From"), widget=DATE)
    ends = forms.DateField(label=_("Until"), widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=200, required=False, widget=TEXT)

    def __init__(self, *args: Any, actor: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = [m.unit.path for m in actor.memberships.select_related("unit")]
        people = Person.objects.filter(is_active=True).exclude(pk=actor.pk)
        if units:
            people = people.filter(memberships__unit__path__in=units).distinct()
        self.fields["delegate"].choices = [  # type: ignore[attr-defined]
            (p.pk, str(p)) for p in people.order_by("username")[:CHOICES_CAP]
        ]


@login_required
def delegation_page(request: HttpRequest) -> HttpResponse:
    actor = acting_person(request.user)
    form = DelegationForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        delegate = Person.objects.filter(pk=data["delegate"]).first()
        try:
            if delegate is None:
                raise ValidationError(_("Choose a delegate."))
            approval_services.delegation_create(
                actor=actor,
                delegate=delegate,
                starts=data["starts"],
                ends=data["ends"],
                note=data.get("note") or "",
            )
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            return redirect("approval-delegations")
    return render(
        request,
        "approvals/delegations.html",
        {
            "form": form,
            "delegations": approval_selectors.delegations_of(actor=actor)[:100],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def delegation_cancel_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = acting_person(request.user)
    delegation = approval_selectors.delegations_of(actor=actor).filter(pk=pk).first()
    back = reverse("approval-delegations")
    if delegation is None:
        return redirect(back)
    version = int_or_none(request.POST.get("version")) or 0
    try:
        approval_services.delegation_cancel(actor=actor, delegation=delegation, version=version)
    except StaleVersion as stale:
        return refused(request, str(stale), back, 409)
    return redirect(back)
