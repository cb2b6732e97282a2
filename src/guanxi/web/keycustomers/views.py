"""Pages for key-customer visits, annual customer plans and campaigns (PLAN-5–7).

Each page reads through the access module (single records via `fetch`, registered) and each
save calls one service; refusals come back as form errors (400), stale versions as 409."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.access.models import Channel
from guanxi.access.register import Read, client_address, read_of, register_reads
from guanxi.access.scope import acting_person, fetch, may, may_in_unit, visible, visible_units
from guanxi.customers.models import Customer
from guanxi.customers.selectors import customer_get
from guanxi.documents.excel import Rate, workbook
from guanxi.documents.pdf import pdf_response, render_pdf
from guanxi.keycustomers import campaigns, customer_plans, visits
from guanxi.keycustomers import models as k
from guanxi.keycustomers import selectors as sel
from guanxi.paging import keyset_page
from guanxi.params import int_param
from guanxi.versioning import StaleVersion
from guanxi.web.archive.views import _attempt, _render
from guanxi.web.customer_io.views import xlsx_response
from guanxi.web.keycustomers import forms as f
from guanxi.web.reads import find, page_read, record_read

PAGE_SIZE = 25


def _require(request: HttpRequest, permission: str) -> None:
    if not may(request.user, permission):
        raise PermissionDenied


def _changes(form: BaseForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data.pop("version", None)
    return data


def _form_page(
    request: HttpRequest,
    form: BaseForm,
    save: Callable[[], Any],
    *,
    title: str,
    back: str,
    done: Callable[[Any], str],
) -> HttpResponse:
    if request.method != "POST" or not form.is_valid():
        return _render(request, form, title=title, back=back, status=400 if form.errors else 200)
    return _attempt(request, form, save, title=title, back=back, done=done)


def _refused(
    request: HttpRequest, back: str, error: ValidationError | StaleVersion
) -> HttpResponse:
    """A refused action on a detail page: say why, change nothing."""
    status = 409 if isinstance(error, StaleVersion) else 400
    messages = [str(error)] if isinstance(error, StaleVersion) else error.messages
    return render(
        request, "keycustomers/refused.html", {"messages": messages, "back": back}, status=status
    )


# --------------------------------------------------------------------------- visits


def _visit(request: HttpRequest, pk: int) -> k.VisitPlan:
    return fetch(
        request.user,
        k.VisitPlan.objects.select_related("customer"),
        "visit.view",
        channel=Channel.PAGE,
        request=request,
        unit_field=sel.VISIT_UNIT,
        pk=pk,
    )


@login_required
def visit_list_page(request: HttpRequest) -> HttpResponse:
    _require(request, "visit.view")
    filters = sel.VisitFilters(
        direction=request.GET.get("direction", "")[:16], status=request.GET.get("status", "")[:16]
    )
    page = keyset_page(
        sel.visit_list(actor=request.user, filters=filters),
        after=request.GET.get("after"),
        size=PAGE_SIZE,
    )
    response = render(
        request,
        "keycustomers/visit_list.html",
        {
            "page": page,
            "filters": filters,
            "directions": k.VisitDirection.choices,
            "statuses": k.VisitStatus.choices,
            "can_change": may(request.user, "visit.change"),
        },
    )
    page_read(request, page.items, unit_field=sel.VISIT_UNIT)
    return response


@login_required
def visit_create_page(request: HttpRequest) -> HttpResponse:
    actor = acting_person(request.user)
    _require(request, "visit.change")
    direction = request.GET.get("direction", k.VisitDirection.OUTGOING)
    if direction not in k.VisitDirection.values:
        direction = k.VisitDirection.OUTGOING
    customer_id = int_param(request.GET, "customer")
    if customer_id is None:
        return _customer_picker(request, direction)
    customer = customer_get(actor=actor, pk=customer_id, channel=Channel.PAGE, request=request)
    form = f.VisitForm(request.POST or None, customer=customer)
    title = f"{customer.name} · {k.VisitDirection(direction).label}"
    return _form_page(
        request,
        form,
        lambda: visits.visit_create(
            actor=actor, direction=direction, customer=customer, **_changes(form)
        ),
        title=title,
        back=reverse("keycustomers:visit-list"),
        done=lambda v: reverse("keycustomers:visit-detail", args=[v.pk]),
    )


def _customer_picker(request: HttpRequest, direction: str) -> HttpResponse:
    """Step one of a new visit: find the customer (search, at most 50 shown)."""
    query = request.GET.get("q", "").strip()[:100]
    customers: QuerySet[Customer] = visible(
        request.user, Customer.objects.all(), "visit.change", "owning_unit"
    )
    if query:
        customers = customers.filter(name__icontains=query)
    return render(
        request,
        "keycustomers/pick_customer.html",
        {"customers": list(customers.order_by("-id")[:50]), "q": query, "direction": direction},
    )


@login_required
def visit_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk)
    can_change = may(request.user, "visit.change", visit, unit_field=sel.VISIT_UNIT)
    return render(
        request,
        "keycustomers/visit_detail.html",
        {
            "visit": visit,
            "their_people": list(visit.their_people.all()),
            "our_people": list(visit.our_people.all()),
            "units": list(visit.notified_units.all()),
            "itinerary": list(visit.itinerary.all()),
            "materials": list(visit.materials.all()),
            "follow_ups": list(visit.follow_ups.select_related("owner")),
            "can_change": can_change,
            "can_export": may(request.user, "plan.export", visit, unit_field=sel.VISIT_UNIT),
            "summary_form": f.SummaryForm(initial={"version": visit.version}),
            "upload_form": f.UploadForm(),
        },
    )


@login_required
def visit_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The visit plan (拜访方案) or incoming-visit plan on paper: `plan.export`, registered."""
    visit = find(
        request,
        k.VisitPlan.objects.select_related("customer", "created_by"),
        "visit.view",
        unit_field=sel.VISIT_UNIT,
        pk=pk,
    )
    if not may(request.user, "plan.export", visit, unit_field=sel.VISIT_UNIT):
        raise PermissionDenied  # before any read is registered: a refused print leaves none
    their_people = list(visit.their_people.select_related("customer"))
    record_read(
        request,
        [read_of(visit, sel.VISIT_UNIT)]
        + [read_of(c, "customer__owning_unit") for c in their_people],
        channel=Channel.DOCUMENT,
    )
    kind = "来访接待方案" if visit.direction == k.VisitDirection.INCOMING else "拜访方案"
    context = {
        "visit": visit,
        "title": f"{visit.customer.name} {kind}",
        "their_people": their_people,
        "our_people": list(visit.our_people.all()),
        "units": list(visit.notified_units.all()),
        "itinerary": list(visit.itinerary.all()),
        "materials": list(visit.materials.all()),
    }
    data = render_pdf("keycustomers/visit_print.html", context, reader=acting_person(request.user))
    return pdf_response(data, f"visit-{visit.pk}.pdf")


@login_required
@require_POST
def visit_summarise_page(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk)
    actor = acting_person(request.user)
    form = f.SummaryForm(request.POST)
    back = reverse("keycustomers:visit-detail", args=[pk])
    title = _("Summary of %(theme)s") % {"theme": visit.theme}

    def save() -> k.VisitPlan:
        data = _changes(form)
        items = [
            visits.NewFollowUp(title=t, owner=o, due_on=d) for t, o, d in data.pop("follow_ups")
        ]
        return visits.visit_summarise(
            actor=actor,
            visit=visit,
            version=form.cleaned_data.get("version") or 0,
            follow_ups=items,
            **data,
        )

    return _form_page(request, form, save, title=title, back=back, done=lambda _v: back)


@login_required
@require_POST
def material_upload_page(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk)
    form = f.UploadForm(request.POST, request.FILES)
    back = reverse("keycustomers:visit-detail", args=[pk])
    if not form.is_valid():
        return _refused(request, back, ValidationError(_("Choose a file to upload.")))
    try:
        visits.material_add(
            actor=acting_person(request.user), visit=visit, upload=form.cleaned_data["file"]
        )
    except ValidationError as error:
        return _refused(request, back, error)
    return redirect(back)


@login_required
def material_download(request: HttpRequest, pk: int, material: int) -> FileResponse:
    """Served as an attachment, never inline; the material's own read is registered too."""
    visit = find(
        request,
        k.VisitPlan.objects.select_related("customer"),
        "visit.view",
        unit_field=sel.VISIT_UNIT,
        pk=pk,
    )
    item = k.BriefingMaterial.objects.filter(visit=visit, pk=material).first()
    if item is None:
        raise Http404  # before any read is registered: a missing material leaves none
    record_read(
        request,
        [read_of(visit, sel.VISIT_UNIT), read_of(item, "visit__customer__owning_unit")],
        channel=Channel.PAGE,
    )
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.name,
        content_type="application/octet-stream",
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def follow_up_list_page(request: HttpRequest) -> HttpResponse:
    _require(request, "visit.view")
    items = list(sel.follow_ups_open_for(actor=request.user)[:200])
    response = render(request, "keycustomers/follow_ups.html", {"items": items})
    page_read(request, items, unit_field=sel.FOLLOW_UP_UNIT)
    return response


@login_required
@require_POST
def follow_up_update_page(request: HttpRequest, pk: int) -> HttpResponse:
    item = fetch(
        request.user,
        k.FollowUp.objects.select_related("visit__customer"),
        "visit.view",
        channel=Channel.PAGE,
        request=request,
        unit_field=sel.FOLLOW_UP_UNIT,
        pk=pk,
    )
    form = f.FollowUpForm(request.POST)
    back = request.POST.get("next") or reverse("keycustomers:follow-ups")
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("keycustomers:follow-ups")
    if not form.is_valid():
        return _refused(request, back, ValidationError(_("Choose a status.")))
    try:
        visits.follow_up_update(
            actor=acting_person(request.user),
            follow_up=item,
            version=form.cleaned_data.get("version") or 0,
            status=form.cleaned_data["status"],
            progress=form.cleaned_data["progress"],
        )
    except (ValidationError, StaleVersion) as error:
        return _refused(request, back, error)
    return redirect(back)


# ------------------------------------------------------------------- customer plans


def _plan(request: HttpRequest, pk: int, require: str | None = None) -> k.CustomerPlan:
    return fetch(
        request.user,
        k.CustomerPlan.objects.select_related("customer", "owner"),
        "customer_plan.view",
        channel=Channel.PAGE,
        request=request,
        unit_field=sel.PLAN_UNIT,
        require=require,
        pk=pk,
    )


@login_required
def plan_list_page(request: HttpRequest) -> HttpResponse:
    _require(request, "customer_plan.view")
    year = int_param(request.GET, "year", low=k.PLAN_YEAR_MIN, high=k.PLAN_YEAR_MAX)
    plans = sel.customer_plan_list(actor=request.user, year=year)
    page = keyset_page(plans, after=request.GET.get("after"), size=PAGE_SIZE)
    response = render(
        request,
        "keycustomers/plan_list.html",
        {"page": page, "year": year or "", "can_change": may(request.user, "customer_plan.change")},
    )
    page_read(request, page.items, unit_field=sel.PLAN_UNIT)
    return response


@login_required
def plan_create_page(request: HttpRequest) -> HttpResponse:
    actor = acting_person(request.user)
    _require(request, "customer_plan.change")
    customer_id = int_param(request.GET, "customer")
    if customer_id is None:
        query = request.GET.get("q", "").strip()[:100]
        customers = visible(actor, Customer.objects.all(), "customer_plan.change", "owning_unit")
        if query:
            customers = customers.filter(name__icontains=query)
        return render(
            request,
            "keycustomers/pick_customer.html",
            {"customers": list(customers.order_by("-id")[:50]), "q": query, "for_plan": True},
        )
    customer = customer_get(actor=actor, pk=customer_id, channel=Channel.PAGE, request=request)
    form = f.CustomerPlanForm(request.POST or None)
    return _form_page(
        request,
        form,
        lambda: customer_plans.customer_plan_create(
            actor=actor, customer=customer, **_changes(form)
        ),
        title=_("Customer plan for %(name)s") % {"name": customer.name},
        back=reverse("keycustomers:plan-list"),
        done=lambda p: reverse("keycustomers:plan-detail", args=[p.pk]),
    )


@login_required
def plan_edit_page(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk, require="customer_plan.change")
    actor = acting_person(request.user)
    fields = customer_plans.PLAN_FIELDS[1:]
    initial = {name: getattr(plan, name) for name in fields} | {
        "year": plan.year,
        "version": plan.version,
    }
    form = f.CustomerPlanForm(request.POST or None, initial=initial)
    back = reverse("keycustomers:plan-detail", args=[pk])

    def save() -> k.CustomerPlan:
        data = _changes(form)
        data.pop("year", None)
        return customer_plans.customer_plan_update(
            actor=actor, plan=plan, version=form.cleaned_data.get("version") or 0, **data
        )

    return _form_page(
        request, form, save, title=_("Edit customer plan"), back=back, done=lambda _p: back
    )


ROW_FORMS: dict[str, tuple[type[Any], type[f.VersionedForm]]] = {
    "contact": (k.ContactPlanRow, f.ContactRowForm),
    "action": (k.ActionPlanRow, f.ActionRowForm),
    "revenue": (k.RevenuePlanRow, f.RevenueRowForm),
}


def _row_form(kind: str, plan: k.CustomerPlan, data: Any = None) -> f.VersionedForm:
    form_class = ROW_FORMS[kind][1]
    if form_class is f.ContactRowForm:
        return f.ContactRowForm(data, customer=plan.customer, prefix=kind)
    return form_class(data, prefix=kind)


@login_required
def plan_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    can_change = may(request.user, "customer_plan.change", plan, unit_field=sel.PLAN_UNIT)
    return render(
        request,
        "keycustomers/plan_detail.html",
        {
            "plan": plan,
            "contact_rows": list(sel.contact_rows(plan)),
            "action_rows": list(plan.action_rows.select_related("owner")),
            "revenue_rows": list(plan.revenue_rows.all()),
            "totals": sel.revenue_totals(plan),
            "can_change": can_change,
            "can_export": may(request.user, "plan.export", plan, unit_field=sel.PLAN_UNIT),
            "forms": {kind: _row_form(kind, plan) for kind in ROW_FORMS} if can_change else {},
        },
    )


@login_required
@require_POST
def plan_row_add_page(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in ROW_FORMS:
        raise Http404
    plan = _plan(request, pk, require="customer_plan.change")
    form = _row_form(kind, plan, request.POST)
    back = reverse("keycustomers:plan-detail", args=[pk])
    return _form_page(
        request,
        form,
        lambda: customer_plans.plan_row_add(
            actor=acting_person(request.user),
            plan=plan,
            kind=ROW_FORMS[kind][0],
            **_changes(form),
        ),
        title=_("Add a row"),
        back=back,
        done=lambda _r: back,
    )


def _row_initial(row: Any) -> dict[str, Any]:
    initial = {name: getattr(row, name) for name in customer_plans.ROW_FIELDS[type(row)]}
    for key in ("win_rate", "margin"):  # the form shows percentages, the record keeps rates
        if key in initial:
            initial[key] = f"{(initial[key] * 100).normalize():f}"
    for key in ("our_person", "their_person", "owner"):
        if key in initial:
            initial[key] = getattr(row, f"{key}_id")
    return initial | {"version": row.version}


@login_required
def plan_row_edit_page(request: HttpRequest, pk: int, kind: str, row: int) -> HttpResponse:
    """Correct a row or move an action on (status); a stale save is a 409 with both versions."""
    if kind not in ROW_FORMS:
        raise Http404
    plan = _plan(request, pk, require="customer_plan.change")
    model = ROW_FORMS[kind][0]
    target = model.objects.filter(plan=plan, pk=row).first()
    if target is None:
        raise Http404
    form = _row_form(kind, plan, request.POST or None)
    if request.method != "POST":
        form.initial = _row_initial(target)
    back = reverse("keycustomers:plan-detail", args=[pk])
    return _form_page(
        request,
        form,
        lambda: customer_plans.plan_row_update(
            actor=acting_person(request.user),
            row=target,
            version=form.cleaned_data.get("version") or 0,
            **_changes(form),
        ),
        title=_("Change a row"),
        back=back,
        done=lambda _r: back,
    )


def _plan_document(
    request: HttpRequest, pk: int, channel: Channel
) -> tuple[k.CustomerPlan, dict[str, Any]]:
    """The plan and its rows for printing or export: `plan.export` in the customer's unit, every
    row registered as read through the access module."""
    plan = find(
        request,
        k.CustomerPlan.objects.select_related("customer", "owner"),
        "customer_plan.view",
        unit_field=sel.PLAN_UNIT,
        pk=pk,
    )
    if not may(request.user, "plan.export", plan, unit_field=sel.PLAN_UNIT):
        raise PermissionDenied  # before any read is registered: a refused print leaves none
    rows: dict[str, list[Any]] = {
        "contact_rows": list(sel.contact_rows(plan)),
        "action_rows": list(plan.action_rows.select_related("owner")),
        "revenue_rows": list(plan.revenue_rows.all()),
    }
    unit = plan.customer.owning_unit_id
    record_read(
        request,
        [read_of(plan, sel.PLAN_UNIT)]
        + [Read(r._meta.label_lower, str(r.pk), unit) for group in rows.values() for r in group],
        channel=channel,
    )
    return plan, rows | {"totals": sel.revenue_totals(plan)}


def _plan_title(plan: k.CustomerPlan) -> str:
    return f"{plan.customer.name} {plan.year} 年度客户计划"


@login_required
def plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    plan, context = _plan_document(request, pk, Channel.DOCUMENT)
    data = render_pdf(
        "keycustomers/plan_print.html",
        context | {"plan": plan, "title": _plan_title(plan)},
        reader=acting_person(request.user),
    )
    return pdf_response(data, f"customer-plan-{plan.pk}-{plan.year}.pdf")


@login_required
def plan_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    plan, context = _plan_document(request, pk, Channel.EXPORT)
    totals = context["totals"]
    rows: list[list[object]] = [
        ["计划摘要", plan.summary],
        ["优势", plan.strengths],
        ["劣势", plan.weaknesses],
        ["机会", plan.opportunities],
        ["威胁", plan.threats],
        ["竞争概况", plan.competition],
        ["形势评估", plan.assessment],
        ["目标", plan.objectives],
        [],
        ["联系计划", "我方人员", "客户方人员", "职务", "已联系次数", "下次联系日期"],
    ]
    rows += [
        [
            "",
            str(r.our_person),
            r.their_person.name,
            r.position,
            r.contacts_made,
            r.next_contact_on.isoformat() if r.next_contact_on else "",
        ]
        for r in context["contact_rows"]
    ]
    rows += [[], ["行动计划", "行动", "负责人", "开始", "结束", "状态"]]
    rows += [
        [
            "",
            r.action,
            str(r.owner),
            r.starts_on.isoformat(),
            r.ends_on.isoformat(),
            r.get_status_display(),
        ]
        for r in context["action_rows"]
    ]
    rows += [
        [],
        [
            "收益计划",
            "项目",
            "合同金额（元）",
            "赢率",
            "预期收入（元）",
            "利润率",
            "利润（元）",
            "备注",
        ],
    ]
    rows += [
        [
            "",
            r.project,
            r.contract_amount,
            Rate(r.win_rate),
            r.expected_revenue,
            Rate(r.margin),
            r.profit,
            r.note,
        ]
        for r in context["revenue_rows"]
    ]
    rows.append(
        ["", "合计", totals.contract_amount, "", totals.expected_revenue, "", totals.profit, ""]
    )
    data = workbook(
        reader=acting_person(request.user),
        title=_plan_title(plan),
        header=["栏目", "内容"],
        rows=rows,
        sheet=str(plan.year),
    )
    return xlsx_response(data, f"customer-plan-{plan.pk}-{plan.year}.xlsx")


# ------------------------------------------------------------------------ campaigns


def _campaign(request: HttpRequest, pk: int) -> k.Campaign:
    """Scoped by `campaign_list` (own line + published company-wide); the read registered."""
    campaign = sel.campaign_list(actor=request.user).filter(pk=pk).first()
    if campaign is None:
        raise Http404
    register_reads(
        actor=acting_person(request.user),
        reads=[read_of(campaign, "unit")],
        channel=Channel.PAGE,
        address=client_address(request),
    )
    return campaign


@login_required
def campaign_list_page(request: HttpRequest) -> HttpResponse:
    _require(request, "campaign.view")
    page = keyset_page(
        sel.campaign_list(actor=request.user), after=request.GET.get("after"), size=PAGE_SIZE
    )
    response = render(
        request,
        "keycustomers/campaign_list.html",
        {"page": page, "can_publish": may(request.user, "campaign.publish")},
    )
    page_read(request, page.items, unit_field="unit")
    return response


@login_required
def campaign_create_page(request: HttpRequest) -> HttpResponse:
    actor = acting_person(request.user)
    _require(request, "campaign.publish")
    units = visible_units(actor, "campaign.publish").filter(is_active=True).order_by("path")
    form = f.CampaignForm(request.POST or None, units=units)
    return _form_page(
        request,
        form,
        lambda: campaigns.campaign_create(actor=actor, **_changes(form)),
        title=_("New campaign"),
        back=reverse("keycustomers:campaign-list"),
        done=lambda c: reverse("keycustomers:campaign-detail", args=[c.pk]),
    )


def _reportable(request: HttpRequest, campaign: k.Campaign) -> QuerySet[Customer]:
    customers = visible(request.user, Customer.objects.all(), "campaign.report", "owning_unit")
    if campaign.scope == k.CampaignScope.REGIONAL:
        customers = customers.filter(owning_unit__path__startswith=campaign.unit.path)
    return customers


@login_required
def campaign_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    targets = list(
        sel.campaign_targets(actor=request.user, campaign=campaign).order_by("-id")[:200]
    )
    can_report = (
        may(request.user, "campaign.report") and campaign.status == k.CampaignStatus.PUBLISHED
    )
    response = render(
        request,
        "keycustomers/campaign_detail.html",
        {
            "campaign": campaign,
            "rollup": sel.campaign_rollup(actor=request.user, campaign=campaign),
            "targets": targets,
            "statuses": k.TargetStatus.choices,
            "intents": k.CampaignIntent.choices,
            "can_publish": may_in_unit(request.user, "campaign.publish", campaign.unit_id),
            "target_form": f.TargetForm(customers=_reportable(request, campaign))
            if can_report
            else None,
        },
    )
    page_read(request, targets, unit_field=sel.TARGET_UNIT)
    return response


@login_required
@require_POST
def campaign_transition_page(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    campaign = _campaign(request, pk)
    back = reverse("keycustomers:campaign-detail", args=[pk])
    service = {"publish": campaigns.campaign_publish, "close": campaigns.campaign_close}.get(step)
    version = int_param(request.POST, "version")
    if service is None or version is None:
        raise Http404
    try:
        service(actor=acting_person(request.user), campaign=campaign, version=version)
    except (ValidationError, StaleVersion) as error:
        return _refused(request, back, error)
    return redirect(back)


@login_required
@require_POST
def campaign_target_add_page(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    form = f.TargetForm(request.POST, customers=_reportable(request, campaign))
    back = reverse("keycustomers:campaign-detail", args=[pk])
    return _form_page(
        request,
        form,
        lambda: campaigns.target_add(
            actor=acting_person(request.user), campaign=campaign, **_changes(form)
        ),
        title=_("Add a target customer"),
        back=back,
        done=lambda _t: back,
    )


@login_required
@require_POST
def campaign_target_update_page(request: HttpRequest, pk: int) -> HttpResponse:
    target = fetch(
        request.user,
        k.CampaignTarget.objects.select_related("campaign__unit", "customer__owning_unit"),
        "campaign.view",
        channel=Channel.PAGE,
        request=request,
        unit_field=sel.TARGET_UNIT,
        pk=pk,
    )
    form = f.TargetUpdateForm(request.POST)
    back = reverse("keycustomers:campaign-detail", args=[target.campaign_id])
    if not form.is_valid():
        return _refused(request, back, ValidationError(_("Choose intent and progress.")))
    try:
        campaigns.target_update(
            actor=acting_person(request.user),
            target=target,
            version=form.cleaned_data.get("version") or 0,
            **_changes(form),
        )
    except (ValidationError, StaleVersion) as error:
        return _refused(request, back, error)
    return redirect(back)
