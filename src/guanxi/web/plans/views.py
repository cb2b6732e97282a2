"""Plan pages: list, edit with items (htmx), submit; HQ consolidation and the company plan;
printing (PDF) and export (Excel), registered as reads and watermarked."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.access.models import Channel
from guanxi.access.register import ReadNotRegistered, read_of
from guanxi.access.scope import acting_person, may, may_in_unit
from guanxi.approvals.services import Refused
from guanxi.documents.excel import workbook
from guanxi.documents.pdf import pdf_response, render_pdf
from guanxi.organisation.models import Unit
from guanxi.paging import keyset_page
from guanxi.plans import selectors, services
from guanxi.plans.models import Plan, PlanItem, PlanStatus, Snapshot, period_label, period_start
from guanxi.policy.loader import current as current_policy
from guanxi.versioning import StaleVersion
from guanxi.web.customer_io.views import xlsx_response
from guanxi.web.plans.common import attempt, int_or_none, refused
from guanxi.web.plans.forms import ItemForm, PeriodForm, PlanOpenForm
from guanxi.web.reads import find, page_read, record_read
from guanxi.web.views import is_htmx

PAGE_SIZE = 50


def _kind_names(language: str) -> dict[str, str]:
    return {key: kind.name(language) for key, kind in current_policy().plans.items()}


@login_required
def plan_list_page(request: HttpRequest) -> HttpResponse:
    actor = acting_person(request.user)
    if not may(actor, "plan.view"):
        raise PermissionDenied
    form = PlanOpenForm(request.POST or None, actor=actor, language=request.LANGUAGE_CODE)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_open(actor=actor, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            return redirect("plan-detail", plan.pk)
    filters = selectors.PlanFilters(
        kind=request.GET.get("kind", "")[:16], status=request.GET.get("status", "")[:16]
    )
    page = keyset_page(
        selectors.plan_list(actor=actor, filters=filters),
        after=request.GET.get("after"),
        size=PAGE_SIZE,
    )
    response = render(
        request,
        "plans/list.html",
        {
            "page": page,
            "form": form,
            "filters": filters,
            "kinds": _kind_names(request.LANGUAGE_CODE),
            "statuses": PlanStatus.choices,
            "can_change": may(actor, "plan.change"),
            "can_consolidate": may(actor, "plan.consolidate"),
        },
        status=400 if request.method == "POST" else 200,
    )
    page_read(request, page.items, unit_field="unit", query=request.GET)
    return response


def _plan(
    request: HttpRequest, pk: int, channel: Channel = Channel.PAGE, require: str | None = None
) -> Plan:
    return selectors.plan_get(
        actor=acting_person(request.user), pk=pk, channel=channel, request=request, require=require
    )


def _detail_context(
    request: HttpRequest, plan: Plan, form: ItemForm | None = None
) -> dict[str, Any]:
    actor = acting_person(request.user)
    can_change = plan.editable and may_in_unit(actor, "plan.change", plan.unit_id)
    spec = services.plan_kind(plan.kind)
    return {
        "plan": plan,
        "spec": spec,
        "fields": set(spec.fields),
        "items": list(selectors.plan_items(plan)),
        "totals": selectors.plan_totals(plan),
        "form": form or (ItemForm(actor=actor, plan=plan) if can_change else None),
        "can_change": can_change,
        "can_submit": can_change and plan.unit.kind in spec.submitted_by,
        "can_decide": plan.status == PlanStatus.SUBMITTED
        and may_in_unit(actor, "plan.consolidate", plan.unit.parent_id),
        "can_export": may_in_unit(actor, "plan.export", plan.unit_id),
        "deadline": services.deadline(plan),
        "snapshots": Snapshot.objects.filter(plan=plan)
        .select_related("submitted_by")
        .order_by("-revision"),
        "kind_name": spec.name(request.LANGUAGE_CODE),
    }


@login_required
def plan_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        plan = _plan(request, pk)
    except ReadNotRegistered:
        return refused(request, str(ReadNotRegistered.message), reverse("plan-list"), 503)
    return render(request, "plans/detail.html", _detail_context(request, plan))


@login_required
@require_POST
def item_add_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = acting_person(request.user)
    plan = _plan(request, pk, require="plan.change")
    form = ItemForm(request.POST, actor=actor, plan=plan)
    status = 400
    if form.is_valid():
        try:
            services.item_add(actor=actor, plan=plan, data=form.item_data())
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        except Refused as refusal:
            return refused(request, str(refusal), reverse("plan-detail", args=[pk]), 409)
        else:
            if not is_htmx(request):
                return redirect("plan-detail", pk)
            plan.refresh_from_db()
            form, status = None, 200  # type: ignore[assignment]
    context = _detail_context(request, plan, form)
    template = "plans/_items.html" if is_htmx(request) else "plans/detail.html"
    return render(request, template, context, status=200 if is_htmx(request) else status)


def _item_initial(item: PlanItem) -> dict[str, Any]:
    return {
        "when": item.when,
        "name": item.name,
        "place": item.place,
        "customer": item.customer_id,
        "customer_count": item.customer_count,
        "key_persons": [c.pk for c in item.key_persons.all()],
        "gifts": item.gifts,
        "our_people": [p.pk for p in item.our_people.all()],
        "content": item.content,
        "documents": item.documents,
        "cost": item.cost,
    }


@login_required
def item_edit_page(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """Correct one row of a draft or returned plan; a stale save shows both versions."""
    actor = acting_person(request.user)
    plan = _plan(request, pk, require="plan.change")
    target = PlanItem.objects.filter(plan=plan, pk=item).select_related("customer").first()
    if target is None:
        raise Http404
    back = reverse("plan-detail", args=[pk])
    if reason := services.not_editable(plan):
        return refused(request, reason, back, 409)
    stale: StaleVersion | None = None
    version = target.version
    if request.method == "POST":
        form = ItemForm(request.POST, actor=actor, plan=plan)
        version = int_or_none(request.POST.get("version")) or 0
        if form.is_valid():
            try:
                services.item_update(
                    actor=actor, item=target, version=version, data=form.item_data()
                )
            except StaleVersion as error:
                stale = error
                target.refresh_from_db()
                version = target.version
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, messages)
            except Refused as refusal:
                return refused(request, str(refusal), back, 409)
            else:
                return redirect(back)
    else:
        form = ItemForm(initial=_item_initial(target), actor=actor, plan=plan)
    spec = services.plan_kind(plan.kind)
    return render(
        request,
        "plans/item_edit.html",
        {
            "plan": plan,
            "item": target,
            "form": form,
            "version": version,
            "stale": stale,
            "fields": set(spec.fields),
            "kind_name": spec.name(request.LANGUAGE_CODE),
        },
        status=409 if stale else (400 if request.method == "POST" else 200),
    )


@login_required
@require_POST
def item_delete_page(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    actor = acting_person(request.user)
    plan = _plan(request, pk, require="plan.change")
    target = PlanItem.objects.filter(plan=plan, pk=item).first()
    back = reverse("plan-detail", args=[pk])
    if target is None:
        return redirect(back)
    version = int_or_none(request.POST.get("version")) or 0
    return attempt(
        request, lambda: services.item_delete(actor=actor, item=target, version=version), back
    )


@login_required
@require_POST
def plan_transition_page(request: HttpRequest, pk: int, transition: str) -> HttpResponse:
    actor = acting_person(request.user)
    plan = _plan(request, pk)
    version = int_or_none(request.POST.get("version")) or 0
    comment = request.POST.get("comment", "")[:2000]
    back = (
        request.POST.get("next", "")
        if request.POST.get("next", "").startswith("/plans/")
        else reverse("plan-detail", args=[pk])
    )
    calls = {
        "submit": lambda: services.plan_submit(actor=actor, plan=plan, version=version),
        "accept": lambda: services.plan_accept(actor=actor, plan=plan, version=version),
        "return": lambda: services.plan_return(
            actor=actor, plan=plan, version=version, comment=comment
        ),
    }
    if transition not in calls:
        return refused(request, _("Unknown action."), back, 400)
    return attempt(request, calls[transition], back)


def _require_consolidate(request: HttpRequest) -> None:
    """HQ's pages: consolidating over the root unit, not merely over one's own line."""
    roots = Unit.objects.filter(parent__isnull=True).values_list("pk", flat=True)
    if not any(may_in_unit(request.user, "plan.consolidate", root) for root in roots):
        raise PermissionDenied


@login_required
def consolidation_page(request: HttpRequest) -> HttpResponse:
    """HQ sees every unit's plan for the period side by side, with totals (PLAN-4)."""
    _require_consolidate(request)
    form = PeriodForm(request.GET or None, language=request.LANGUAGE_CODE)
    kind, period, day = form.values()
    starts = period_start(period, day)
    plans = list(
        selectors.consolidation(actor=request.user, kind=kind, period=period, starts=starts)
    )
    response = render(
        request,
        "plans/consolidation.html",
        {
            "form": form,
            "plans": plans,
            "kind": kind,
            "period": period,
            "starts": starts,
            "label": period_label(period, starts),
            "kind_name": _kind_names(request.LANGUAGE_CODE).get(kind, kind),
        },
    )
    page_read(request, plans, unit_field="unit")
    return response


def _company(request: HttpRequest) -> tuple[PeriodForm, str, Any, Any]:
    _require_consolidate(request)
    form = PeriodForm(request.GET or None, language=request.LANGUAGE_CODE)
    _kind, period, day = form.values()
    starts = period_start(period, day)
    items = selectors.company_items(actor=request.user, period=period, starts=starts)
    return form, period, starts, items


@login_required
def company_plan_page(request: HttpRequest) -> HttpResponse:
    """The company plan: HQ's items plus accepted unit plans, per-unit and per-kind totals."""
    form, period, starts, items = _company(request)
    page = keyset_page(
        items.select_related("plan", "plan__unit", "customer"),
        after=request.GET.get("after"),
        size=PAGE_SIZE,
    )
    response = render(
        request,
        "plans/company.html",
        {
            "form": form,
            "period": period,
            "starts": starts,
            "label": period_label(period, starts),
            "totals": selectors.company_totals(items),
            "page": page,
            "kinds": _kind_names(request.LANGUAGE_CODE),
            "query": request.GET.urlencode(),
        },
    )
    page_read(request, page.items, unit_field="plan__unit")
    return response


def _register(request: HttpRequest, objects: list[Any], channel: Channel) -> None:
    reads = [read_of(obj, "plan__unit" if isinstance(obj, PlanItem) else "unit") for obj in objects]
    record_read(request, reads, channel=channel)


def _document(request: HttpRequest, pk: int, channel: Channel) -> tuple[Plan, list[PlanItem]]:
    """The plan and its items for print or export. Found without registering: the read of the
    plan and of every item is registered only once `plan.export` allowed it (a refused
    print leaves no entry)."""
    plan = find(request, selectors.plan_queryset(), "plan.view", unit_field="unit", pk=pk)
    if not may_in_unit(request.user, "plan.export", plan.unit_id):
        raise PermissionDenied
    items = list(selectors.plan_items(plan))
    _register(request, [plan, *items], channel)
    return plan, items


def _item_row(item: PlanItem, fields: set[str]) -> list[object]:
    row: list[object] = [item.when.isoformat()]
    people = ", ".join(f"{c.name} {c.position}".strip() for c in item.key_persons.all())
    ours = ", ".join(str(p) for p in item.our_people.all())
    values = {
        "name": item.name,
        "place": item.place,
        "customer": item.customer.name if item.customer else "",
        "customer_count": item.customer_count,
        "key_persons": people,
        "gifts": item.gifts,
        "our_people": ours,
        "content": item.content,
        "documents": item.documents,
        "cost": item.cost,  # a Decimal: a money cell in the workbook, `|yuan` in the PDF
    }
    return row + [values[f] for f in COLUMN_ORDER if f in fields]


COLUMN_ORDER = (
    "name",
    "place",
    "customer",
    "customer_count",
    "key_persons",
    "content",
    "documents",
    "gifts",
    "our_people",
    "cost",
)
COLUMN_NAMES = {
    "name": _("Activity name"),
    "place": _("Place"),
    "customer": _("Customer"),
    "customer_count": _("Number of customer people"),
    "key_persons": _("Main customer people and positions"),
    "content": _("Content"),
    "documents": _("Documents prepared"),
    "gifts": _("Planned gifts"),
    "our_people": _("Our main people and positions"),
    "cost": _("Total cost (yuan)"),
}


def _columns(fields: set[str]) -> list[str]:
    return [str(_("Time"))] + [str(COLUMN_NAMES[f]) for f in COLUMN_ORDER if f in fields]


@login_required
def plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan laid out like the paper form, watermarked with reader, unit and time."""
    try:
        plan, items = _document(request, pk, Channel.DOCUMENT)
    except ReadNotRegistered:
        return refused(request, str(ReadNotRegistered.message), reverse("plan-list"), 503)
    spec = services.plan_kind(plan.kind)
    fields = set(spec.fields)
    context = {
        "plan": plan,
        "title": f"{plan.unit.name} {plan.label} {spec.name_zh}",
        "columns": _columns(fields),
        "rows": [_item_row(item, fields) for item in items],
        "total": sum((item.cost for item in items), start=Decimal("0")),
        "spec": spec,
        "has_cost": "cost" in fields,
    }
    data = render_pdf("plans/print.html", context, reader=acting_person(request.user))
    return pdf_response(data, f"plan-{plan.pk}-{plan.label}.pdf")


@login_required
def plan_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        plan, items = _document(request, pk, Channel.EXPORT)
    except ReadNotRegistered:
        return refused(request, str(ReadNotRegistered.message), reverse("plan-list"), 503)
    spec = services.plan_kind(plan.kind)
    fields = set(spec.fields)
    data = workbook(
        reader=acting_person(request.user),
        title=f"{plan.unit.name} {plan.label} {spec.name_zh}（{spec.clause}）",
        header=_columns(fields),
        rows=(_item_row(item, fields) for item in items),
        sheet=plan.label,
    )
    return xlsx_response(data, f"plan-{plan.pk}-{plan.label}.xlsx")


@login_required
def company_plan_pdf(request: HttpRequest) -> HttpResponse:
    if not may(request.user, "plan.export"):
        raise PermissionDenied
    _form, period, starts, items = _company(request)
    rows = list(
        items.select_related("plan", "plan__unit", "customer")
        .prefetch_related("key_persons", "our_people")
        .order_by("plan__unit__path", "plan__kind", "when", "id")
    )
    try:  # a list of many plans' items: one list read per owning unit, with the period asked
        page_read(request, rows, unit_field="plan__unit", channel=Channel.DOCUMENT)
    except ReadNotRegistered:
        return refused(request, str(ReadNotRegistered.message), reverse("plan-company"), 503)
    context = {
        "title": f"{period_label(period, starts)} 公司客户关怀、服务回访与研讨会计划",
        "rows": rows,
        "totals": selectors.company_totals(items),
        "kinds": _kind_names("zh-hans"),
    }
    data = render_pdf("plans/company_print.html", context, reader=acting_person(request.user))
    return pdf_response(data, f"company-plan-{period_label(period, starts)}.pdf")
