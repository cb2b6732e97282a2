"""Pages for demands 诉求 and complaints 投诉 (DEM-1–3).

Each page reads through the access module (single records via `fetch`, registered; lists via
`page_read`) and each save calls one service; refusals come back as form errors (400) or the
refusal page, stale versions as 409. Escalating and answering ask for confirmation first."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.access.models import Channel
from guanxi.access.register import read_of
from guanxi.access.scope import acting_person, fetch, may, visible
from guanxi.customers.models import Customer
from guanxi.customers.selectors import customer_get
from guanxi.demands import complaints, services
from guanxi.demands import models as d
from guanxi.demands import selectors as sel
from guanxi.organisation.models import Person, Unit
from guanxi.paging import keyset_page
from guanxi.params import int_param
from guanxi.versioning import StaleVersion
from guanxi.web.demands import forms as f
from guanxi.web.keycustomers.views import _changes, _form_page, _refused, _require
from guanxi.web.reads import find, page_read, record_read

PAGE_SIZE = 25


def _demand(request: HttpRequest, pk: int, require: str | None = None) -> d.Demand:
    return fetch(
        request.user,
        d.Demand.objects.select_related("customer", "owner", "owning_unit", "escalated_to"),
        "demand.view",
        channel=Channel.PAGE,
        request=request,
        require=require,
        pk=pk,
    )


def _owners(unit: Unit) -> QuerySet[Person]:
    """People of the unit's line above and at it: the service checks who may handle it."""
    return (
        Person.objects.filter(is_active=True, memberships__unit_id__in=unit.ancestor_ids())
        .distinct()
        .order_by("username")
    )


def _customer_picker(request: HttpRequest, permission: str, kind: str) -> HttpResponse:
    """Step one of a new demand or complaint: find the customer (at most 50 shown)."""
    query = request.GET.get("q", "").strip()[:100]
    customers = visible(request.user, Customer.objects.all(), permission, "owning_unit")
    if query:
        customers = customers.filter(name__icontains=query)
    return render(
        request,
        "demands/pick_customer.html",
        {"customers": list(customers.order_by("-id")[:50]), "q": query, "kind": kind},
    )


# --------------------------------------------------------------------------- demands


@login_required
def demand_list_page(request: HttpRequest) -> HttpResponse:
    _require(request, "demand.view")
    filters = sel.DemandFilters(
        status=request.GET.get("status", "")[:16],
        category=request.GET.get("category", "")[:32],
        overdue=request.GET.get("overdue") == "1",
    )
    page = keyset_page(
        sel.demand_list(actor=request.user, filters=filters),
        after=request.GET.get("after"),
        size=PAGE_SIZE,
    )
    response = render(
        request,
        "demands/demand_list.html",
        {
            "page": page,
            "filters": filters,
            "statuses": d.DemandStatus.choices,
            "categories": f.policy_choices("categories"),
            "severities": dict(f.policy_choices("severities")),
            "category_names": dict(f.policy_choices("categories")),
            "today": timezone.localdate(),
            "can_change": may(request.user, "demand.change"),
        },
    )
    page_read(request, page.items, query=request.GET)
    return response


@login_required
def demand_create_page(request: HttpRequest) -> HttpResponse:
    actor = acting_person(request.user)
    _require(request, "demand.change")
    customer_id = int_param(request.GET, "customer")
    if customer_id is None:
        return _customer_picker(request, "demand.change", "demand")
    customer = customer_get(actor=actor, pk=customer_id, channel=Channel.PAGE, request=request)
    form = f.DemandForm(request.POST or None, owners=_owners(customer.owning_unit))

    def save() -> d.Demand:
        demand = services.demand_create(actor=actor, customer=customer, **_changes(form))
        messages.success(request, _("The demand was registered."))
        return demand

    return _form_page(
        request,
        form,
        save,
        title=_("New demand of %(customer)s") % {"customer": customer.name},
        back=reverse("demands:demand-list"),
        done=lambda demand: reverse("demands:demand-detail", args=[demand.pk]),
    )


@login_required
def demand_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    demand = _demand(request, pk)
    actor = acting_person(request.user)
    can_escalate = services.may_escalate(actor, demand)
    return render(
        request,
        "demands/demand_detail.html",
        {
            "demand": demand,
            "events": list(demand.events.select_related("actor")),
            "category": dict(f.policy_choices("categories")).get(demand.category, ""),
            "severity": dict(f.policy_choices("severities")).get(demand.severity, ""),
            "can_change": may(actor, "demand.change", demand),
            "moves": [
                (key, label)
                for key, label in d.DemandStatus.choices
                if key in services.MOVES.get(demand.status, ())
            ],
            "can_escalate": can_escalate,
            "escalation_refusal": services.escalation_refusal(demand) if can_escalate else "",
            "today": timezone.localdate(),
        },
    )


@login_required
def demand_edit_page(request: HttpRequest, pk: int) -> HttpResponse:
    demand = _demand(request, pk, require="demand.change")
    actor = acting_person(request.user)
    initial = {
        name: getattr(demand, name) for name in ("title", "category", "severity", "description")
    }
    initial.update(owner=demand.owner_id, due_on=demand.due_on, version=demand.version)
    form = f.DemandForm(request.POST or None, initial=initial, owners=_owners(demand.owning_unit))
    back = reverse("demands:demand-detail", args=[pk])

    def save() -> d.Demand:
        saved = services.demand_update(
            actor=actor,
            demand=demand,
            version=form.cleaned_data.get("version") or 0,
            **_changes(form),
        )
        messages.success(request, _("The demand was saved."))
        return saved

    return _form_page(request, form, save, title=demand.title, back=back, done=lambda _d: back)


@login_required
@require_POST
def demand_move_page(request: HttpRequest, pk: int) -> HttpResponse:
    demand = _demand(request, pk, require="demand.change")
    form = f.MoveForm(request.POST)
    back = reverse("demands:demand-detail", args=[pk])
    if not form.is_valid():
        return _refused(request, back, ValidationError(_("Choose a status.")))
    try:
        services.demand_move(
            actor=acting_person(request.user),
            demand=demand,
            version=form.cleaned_data.get("version") or 0,
            status=form.cleaned_data["status"],
            comment=form.cleaned_data["comment"],
        )
    except (ValidationError, StaleVersion) as error:
        return _refused(request, back, error)
    messages.success(request, _("The demand's status was changed."))
    return redirect(back)


@login_required
@require_POST
def demand_escalate_page(request: HttpRequest, pk: int) -> HttpResponse:
    """First answer: a confirmation naming the level it goes to; the confirmed post escalates."""
    demand = find(request, d.Demand.objects.select_related("owning_unit"), "demand.view", pk=pk)
    actor = acting_person(request.user)
    form = f.EscalateForm(request.POST)
    back = reverse("demands:demand-detail", args=[pk])
    if not services.may_escalate(actor, demand):
        raise PermissionDenied  # before the read is registered
    record_read(request, [read_of(demand)], channel=Channel.PAGE)
    if not form.is_valid():
        return _refused(request, back, ValidationError(_("Say why the demand goes up a level.")))
    if not form.cleaned_data["confirmed"]:
        target = (demand.escalated_to or demand.owning_unit).parent
        return render(
            request,
            "demands/confirm.html",
            {
                "title": _("Escalate this demand?"),
                "question": _("The demand goes to %(unit)s with your reason.")
                % {"unit": target or "—"},
                "form": form,
                "action": reverse("demands:demand-escalate", args=[pk]),
                "back": back,
                "button": _("Escalate"),
            },
        )
    try:
        services.demand_escalate(
            actor=actor,
            demand=demand,
            version=form.cleaned_data.get("version") or 0,
            reason=form.cleaned_data["reason"],
        )
    except (ValidationError, StaleVersion) as error:
        return _refused(request, back, error)
    messages.success(request, _("The demand was escalated."))
    return redirect(back)


# ------------------------------------------------------------------------ complaints


def _complaint(request: HttpRequest, pk: int, require: str | None = None) -> d.Complaint:
    return fetch(
        request.user,
        d.Complaint.objects.select_related("customer", "owning_unit", "answered_by"),
        "complaint.view",
        channel=Channel.PAGE,
        request=request,
        require=require,
        pk=pk,
    )


@login_required
def complaint_list_page(request: HttpRequest) -> HttpResponse:
    _require(request, "complaint.view")
    filters = sel.ComplaintFilters(
        status=request.GET.get("status", "")[:16], breached=request.GET.get("breached") == "1"
    )
    page = keyset_page(
        sel.complaint_list(actor=request.user, filters=filters),
        after=request.GET.get("after"),
        size=PAGE_SIZE,
    )
    now = timezone.now()
    response = render(
        request,
        "demands/complaint_list.html",
        {
            "page": page,
            "rows": [(c, complaints.time_left(c, now)) for c in page.items],
            "filters": filters,
            "statuses": d.ComplaintStatus.choices,
            "can_change": may(request.user, "complaint.change"),
        },
    )
    page_read(request, page.items, query=request.GET)
    return response


@login_required
def complaint_create_page(request: HttpRequest) -> HttpResponse:
    actor = acting_person(request.user)
    _require(request, "complaint.change")
    customer_id = int_param(request.GET, "customer")
    if customer_id is None:
        return _customer_picker(request, "complaint.change", "complaint")
    customer = customer_get(actor=actor, pk=customer_id, channel=Channel.PAGE, request=request)
    form = f.ComplaintForm(request.POST or None)

    def save() -> d.Complaint:
        complaint = complaints.complaint_create(actor=actor, customer=customer, **_changes(form))
        messages.success(request, _("The complaint was registered; the answer clock runs."))
        return complaint

    return _form_page(
        request,
        form,
        save,
        title=_("New complaint of %(customer)s") % {"customer": customer.name},
        back=reverse("demands:complaint-list"),
        done=lambda c: reverse("demands:complaint-detail", args=[c.pk]),
    )


@login_required
def complaint_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _complaint(request, pk)
    return render(
        request,
        "demands/complaint_detail.html",
        {
            "complaint": complaint,
            "left": complaints.time_left(complaint),
            "can_change": may(request.user, "complaint.change", complaint),
            "answer_form": f.AnswerForm(initial={"version": complaint.version}),
            "hours": complaints.answer_window().total_seconds() // 3600,
        },
    )


@login_required
@require_POST
def complaint_answer_page(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _complaint(request, pk, require="complaint.change")
    form = f.AnswerForm(request.POST)
    back = reverse("demands:complaint-detail", args=[pk])
    if not form.is_valid():
        return _refused(request, back, ValidationError(_("Write the answer given.")))
    if not form.cleaned_data["confirmed"]:
        return render(
            request,
            "demands/confirm.html",
            {
                "title": _("Record this first answer?"),
                "question": _("The clock stops; the answer cannot be changed afterwards."),
                "form": form,
                "action": reverse("demands:complaint-answer", args=[pk]),
                "back": back,
                "button": _("Record the answer"),
            },
        )
    try:
        complaints.complaint_answer(
            actor=acting_person(request.user),
            complaint=complaint,
            version=form.cleaned_data.get("version") or 0,
            answer=form.cleaned_data["answer"],
        )
    except (ValidationError, StaleVersion) as error:
        return _refused(request, back, error)
    messages.success(request, _("The first answer was recorded."))
    return redirect(back)
