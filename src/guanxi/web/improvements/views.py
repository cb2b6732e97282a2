"""Pages for improvement proposals 改进方案, the company improvement plan and forwarded seminar
opinions (ACT-7; 000 §17.3–17.4, §19.3.3).

Each page reads through the access module (single records via `fetch` or `find` + `record_read`,
lists via `page_read`); every save is one service call; a refused action says why and changes
nothing. Submitting, accepting, returning and finishing an item ask for confirmation first."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.access.models import Channel
from guanxi.access.register import Read, read_of
from guanxi.access.scope import acting_person, fetch, may, visible_units
from guanxi.feedback.models import MODELS, FormKind, FormRecord
from guanxi.improvements import selectors as sel
from guanxi.improvements import services
from guanxi.improvements.models import (
    ImprovementProposal,
    ItemStatus,
    OpinionForward,
    OpinionStatus,
    PlanItem,
    ProposalStatus,
)
from guanxi.paging import keyset_page
from guanxi.params import int_param
from guanxi.versioning import StaleVersion
from guanxi.web.feedback.views import ROUTES
from guanxi.web.improvements import forms as f
from guanxi.web.keycustomers.views import _changes, _form_page, _refused, _require
from guanxi.web.reads import find, page_read, record_read

PAGE_SIZE = 25
UNIT_CHOICES = 500


def form_read(record: FormRecord) -> Read:
    """A form's read under its own kind's name (feedback.visitrecord …), as its pages do."""
    return Read(
        record_type=MODELS[record.kind]._meta.label_lower,
        record_id=str(record.pk),
        record_unit_id=record.unit_id,
    )


def form_url(record: FormRecord) -> str:
    return reverse(f"{ROUTES[record.kind][1]}-detail", args=[record.pk])


def _proposal(request: HttpRequest, pk: int) -> ImprovementProposal:
    return fetch(
        request.user,
        ImprovementProposal.objects.select_related("unit", "customer", "created_by", "decided_by"),
        "improvement.view",
        channel=Channel.PAGE,
        request=request,
        unit_field=sel.PROPOSAL_UNIT,
        pk=pk,
    )


def _confirm(
    request: HttpRequest,
    *,
    title: str,
    question: str,
    action: str,
    back: str,
    button: str,
    fields: dict[str, Any],
) -> HttpResponse:
    return render(
        request,
        "improvements/confirm.html",
        {
            "title": title,
            "question": question,
            "action": action,
            "back": back,
            "button": button,
            "fields": {k: ("" if v is None else v) for k, v in fields.items()},
        },
    )


# ------------------------------------------------------------------------ proposals


@login_required
def proposal_list_page(request: HttpRequest) -> HttpResponse:
    _require(request, "improvement.view")
    status = request.GET.get("status", "")[:16]
    filters = sel.ProposalFilters(
        status=status if status in ProposalStatus.values else "",
        unit=int_param(request.GET, "unit"),
    )
    page = keyset_page(
        sel.proposal_list(actor=request.user, filters=filters),
        after=request.GET.get("after"),
        size=PAGE_SIZE,
    )
    response = render(
        request,
        "improvements/proposal_list.html",
        {
            "page": page,
            "filters": filters,
            "statuses": ProposalStatus.choices,
            "units": visible_units(request.user, "improvement.view")
            .order_by("path")
            .values_list("pk", "name")[:UNIT_CHOICES],
        },
    )
    page_read(request, page.items, unit_field=sel.PROPOSAL_UNIT, query=request.GET)
    return response


def _choices(record: FormRecord) -> list[tuple[str, str]]:
    return [
        (f.source_key(ref), services.quote_of(ref)) for ref in services.suggested_sources(record)
    ]


def _refs(record: FormRecord, keys: list[str]) -> list[services.SourceRef]:
    chosen = set(keys)
    return [ref for ref in services.suggested_sources(record) if f.source_key(ref) in chosen]


@login_required
def proposal_create_page(request: HttpRequest, record: int) -> HttpResponse:
    """Turn a form's feedback into a proposal, pre-filled from its low ratings, requests and
    opinions."""
    actor = acting_person(request.user)
    found = find(
        request,
        FormRecord.objects.select_related("unit", "customer", "activity"),
        "feedback.view",
        unit_field="unit",
        pk=record,
    )
    unit = services.drawing_unit(actor, found)
    if unit is None:
        raise PermissionDenied  # before the form's read is registered
    record_read(request, [form_read(found)], channel=Channel.PAGE)
    choices = _choices(found)
    initial = {
        "title": _("Improvement after %(activity)s") % {"activity": found.activity.name},
        "problem": "\n".join(quote for _key, quote in choices),
        "sources": [key for key, _quote in choices],
    }
    form = f.SourcedProposalForm(request.POST or None, initial=initial, choices=choices)

    def save() -> ImprovementProposal:
        data = _changes(form)
        keys = data.pop("sources")
        proposal = services.proposal_create(
            actor=actor, unit=unit, sources=_refs(found, keys), **data
        )
        messages.success(request, _("The improvement proposal was drawn up as a draft."))
        return proposal

    return _form_page(
        request,
        form,
        save,
        title=_("New improvement proposal of %(unit)s") % {"unit": unit.name},
        back=form_url(found),
        done=lambda proposal: reverse("improvements:proposal-detail", args=[proposal.pk]),
    )


@login_required
def proposal_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    actor = acting_person(request.user)
    sources = list(proposal.sources.select_related("record", "record__unit"))
    record_read(
        request,
        [form_read(s.record) for s in {s.record_id: s for s in sources}.values()],
        channel=Channel.PAGE,
    )
    item = PlanItem.objects.filter(proposal=proposal).select_related("department").first()
    return render(
        request,
        "improvements/proposal_detail.html",
        {
            "proposal": proposal,
            "sources": [(s, form_url(s.record)) for s in sources],
            "events": list(proposal.events.select_related("actor")),
            "item": item,
            "can_edit": services.may_draw_up(actor, proposal.unit_id) and proposal.is_editable,
            "submit_refusal": services.submit_refusal(actor, proposal),
            "can_decide": services.may_consolidate(actor),
            "decision_refusal": services.decision_refusal(actor, proposal),
            "decide_form": f.DecideForm(
                initial={"version": proposal.version, "deadline": services.default_deadline()}
            ),
        },
    )


@login_required
def proposal_edit_page(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = find(
        request, ImprovementProposal.objects.all(), "improvement.view", unit_field="unit", pk=pk
    )
    actor = acting_person(request.user)
    if not services.may_draw_up(actor, proposal.unit_id):
        raise PermissionDenied
    record_read(request, [read_of(proposal, "unit")], channel=Channel.PAGE)
    back = reverse("improvements:proposal-detail", args=[pk])
    initial = {n: getattr(proposal, n) for n in services.PROPOSAL_FIELDS}
    form = f.ProposalForm(request.POST or None, initial={**initial, "version": proposal.version})

    def save() -> ImprovementProposal:
        saved = services.proposal_update(
            actor=actor,
            proposal=proposal,
            version=form.cleaned_data.get("version") or 0,
            **_changes(form),
        )
        messages.success(request, _("The improvement proposal was saved."))
        return saved

    return _form_page(request, form, save, title=proposal.title, back=back, done=lambda _p: back)


def _acted_on(request: HttpRequest, pk: int, allowed: Any) -> ImprovementProposal:
    """The proposal an action changes: refused (403) before its read is registered."""
    proposal = find(
        request,
        ImprovementProposal.objects.select_related("unit"),
        "improvement.view",
        unit_field="unit",
        pk=pk,
    )
    if not allowed(acting_person(request.user), proposal):
        raise PermissionDenied
    record_read(request, [read_of(proposal, "unit")], channel=Channel.PAGE)
    return proposal


@login_required
@require_POST
def proposal_submit_page(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _acted_on(request, pk, lambda a, p: services.may_draw_up(a, p.unit_id))
    form = f.ConfirmForm(request.POST)
    back = reverse("improvements:proposal-detail", args=[pk])
    if not form.is_valid():
        return _refused(request, back, ValidationError(_("The form was not filled in properly.")))
    if not form.cleaned_data["confirmed"]:
        return _confirm(
            request,
            title=_("Submit this proposal to HQ?"),
            question=_(
                "HQ marketing will accept it into the company plan or return it; "
                "until it is returned it cannot be changed."
            ),
            action=reverse("improvements:proposal-submit", args=[pk]),
            back=back,
            button=_("Submit to HQ"),
            fields={"version": form.cleaned_data.get("version")},
        )
    try:
        services.proposal_submit(
            actor=acting_person(request.user),
            proposal=proposal,
            version=form.cleaned_data.get("version") or 0,
        )
    except (ValidationError, StaleVersion) as error:
        return _refused(request, back, error)
    messages.success(request, _("The proposal was submitted to HQ."))
    return redirect(back)


@login_required
@require_POST
def proposal_decide_page(request: HttpRequest, pk: int) -> HttpResponse:
    """HQ accepts the proposal into the plan (department, deadline) or returns it (reason)."""
    proposal = _acted_on(request, pk, lambda a, _p: services.may_consolidate(a))
    form = f.DecideForm(request.POST)
    back = reverse("improvements:proposal-detail", args=[pk])
    if not form.is_valid():
        return _refused(request, back, ValidationError(list(_messages(form))))
    data = form.cleaned_data
    accept = data["decision"] == "accept"
    if accept and data["department"] is None:
        return _refused(request, back, ValidationError(_("Name the department responsible.")))
    if not data["confirmed"]:
        question = (
            _("The proposal goes into this year's company plan; %(unit)s is responsible.")
            % {"unit": data["department"]}
            if accept
            else _("The proposal goes back to %(unit)s with your reason.") % {"unit": proposal.unit}
        )
        return _confirm(
            request,
            title=_("Accept this proposal?") if accept else _("Return this proposal?"),
            question=question,
            action=reverse("improvements:proposal-decide", args=[pk]),
            back=back,
            button=_("Accept into the plan") if accept else _("Return to the unit"),
            fields={
                "version": data.get("version"),
                "decision": data["decision"],
                "department": data["department"].pk if data["department"] else "",
                "deadline": data["deadline"].isoformat() if data["deadline"] else "",
                "reason": data["reason"],
            },
        )
    actor = acting_person(request.user)
    version = data.get("version") or 0
    try:
        if accept:
            services.proposal_accept(
                actor=actor,
                proposal=proposal,
                version=version,
                department=data["department"],
                deadline=data["deadline"],
                comment=data["reason"],
            )
        else:
            services.proposal_return(
                actor=actor, proposal=proposal, version=version, reason=data["reason"]
            )
    except (ValidationError, StaleVersion) as error:
        return _refused(request, back, error)
    messages.success(
        request,
        _("The proposal was accepted into the company plan.")
        if accept
        else _("The proposal was returned to its unit."),
    )
    return redirect(back)


def _messages(form: Any) -> list[str]:
    return [str(e) for errors in form.errors.values() for e in errors]


# ------------------------------------------------------------------------- the plan


@login_required
def plan_page(request: HttpRequest) -> HttpResponse:
    """The company improvement plan of a year: the items the reader's line may see, each with
    its department, deadline and progress; overdue ones marked."""
    _require(request, "improvement.view")
    years = sel.plan_years()
    today = timezone.localdate()
    year = int_param(request.GET, "year") or (years[0] if years else today.year)
    status = request.GET.get("status", "")[:16]
    filters = sel.ItemFilters(year=year, status=status if status in ItemStatus.values else "")
    page = keyset_page(
        sel.item_list(actor=request.user, filters=filters),
        after=request.GET.get("after"),
        size=PAGE_SIZE,
    )
    actor = acting_person(request.user)
    response = render(
        request,
        "improvements/plan.html",
        {
            "page": page,
            "year": year,
            "years": years,
            "filters": filters,
            "statuses": ItemStatus.choices,
            "today": today,
            "rows": [
                (item, item.is_overdue(today), services.may_report(actor, item))
                for item in page.items
            ],
            "can_consolidate": services.may_consolidate(actor),
            "departments": f.departments().values_list("pk", "name")[:UNIT_CHOICES],
        },
    )
    page_read(request, page.items, unit_field=sel.ITEM_UNIT, query=request.GET)
    return response


@login_required
def item_create_page(request: HttpRequest) -> HttpResponse:
    actor = acting_person(request.user)
    if not services.may_consolidate(actor):
        raise PermissionDenied
    form = f.ItemForm(request.POST or None, initial={"deadline": services.default_deadline()})
    year = timezone.localdate().year

    def save() -> PlanItem:
        item = services.item_create(actor=actor, year=year, **form.cleaned_data)
        messages.success(request, _("The item was added to the company plan."))
        return item

    back = reverse("improvements:plan")
    return _form_page(
        request,
        form,
        save,
        title=_("New item of the %(year)s company improvement plan") % {"year": year},
        back=back,
        done=lambda item: f"{back}?year={item.plan.year}",
    )


def _item(request: HttpRequest, pk: int, allowed: Any) -> PlanItem:
    item = find(
        request,
        PlanItem.objects.select_related("plan"),
        "improvement.view",
        unit_field=sel.ITEM_UNIT,
        pk=pk,
    )
    if not allowed(acting_person(request.user), item):
        raise PermissionDenied
    record_read(request, [read_of(item, sel.ITEM_UNIT)], channel=Channel.PAGE)
    return item


@login_required
@require_POST
def item_progress_page(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk, services.may_report)
    form = f.ProgressForm(request.POST)
    back = f"{reverse('improvements:plan')}?year={item.plan.year}"
    if not form.is_valid():
        return _refused(request, back, ValidationError(_("Choose a status.")))
    data = form.cleaned_data
    if data["status"] == ItemStatus.DONE and not data["confirmed"]:
        return _confirm(
            request,
            title=_("Mark this item done?"),
            question=_("“%(item)s” is recorded as done with what was done.") % {"item": item},
            action=reverse("improvements:item-progress", args=[pk]),
            back=back,
            button=_("Mark done"),
            fields={"version": data.get("version"), "status": data["status"], "note": data["note"]},
        )
    try:
        services.item_progress(
            actor=acting_person(request.user),
            item=item,
            version=data.get("version") or 0,
            status=data["status"],
            note=data["note"],
        )
    except (ValidationError, StaleVersion) as error:
        return _refused(request, back, error)
    messages.success(request, _("The item's progress was recorded."))
    return redirect(back)


@login_required
@require_POST
def item_assign_page(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk, lambda a, _i: services.may_consolidate(a))
    form = f.AssignForm(request.POST)
    back = f"{reverse('improvements:plan')}?year={item.plan.year}"
    if not form.is_valid():
        return _refused(request, back, ValidationError(_("Name a department and a deadline.")))
    try:
        services.item_assign(
            actor=acting_person(request.user),
            item=item,
            version=form.cleaned_data.get("version") or 0,
            department=form.cleaned_data["department"],
            deadline=form.cleaned_data["deadline"],
        )
    except (ValidationError, StaleVersion) as error:
        return _refused(request, back, error)
    messages.success(request, _("The item was assigned."))
    return redirect(back)


# ------------------------------------------------------------------ seminar opinions


@login_required
def opinion_list_page(request: HttpRequest) -> HttpResponse:
    """Opinions forwarded to the reader's line, to acknowledge and answer."""
    _require(request, "improvement.view")
    status = request.GET.get("status", "")[:16]
    status = status if status in OpinionStatus.values else ""
    page = keyset_page(
        sel.opinion_list(actor=request.user, status=status),
        after=request.GET.get("after"),
        size=PAGE_SIZE,
    )
    actor = acting_person(request.user)
    response = render(
        request,
        "improvements/opinion_list.html",
        {
            "page": page,
            "status": status,
            "statuses": OpinionStatus.choices,
            "today": timezone.localdate(),
            "rows": [(o, services.may_answer(actor, o)) for o in page.items],
        },
    )
    page_read(request, page.items, unit_field=sel.ITEM_UNIT, query=request.GET)
    return response


@login_required
def opinion_forward_page(request: HttpRequest, record: int) -> HttpResponse:
    """The seminar's owner sends its opinions to the departments concerned (§19.3.3)."""
    actor = acting_person(request.user)
    found = find(
        request,
        FormRecord.objects.select_related("unit").filter(kind=FormKind.SEMINAR),
        "feedback.view",
        unit_field="unit",
        pk=record,
    )
    if not services.may_forward(actor, found):
        raise PermissionDenied
    record_read(request, [form_read(found)], channel=Channel.PAGE)
    opinions = [(n, str(o.get("text", ""))) for n, o in enumerate(found.opinions or [])]
    form = f.ForwardForm(request.POST or None, opinions=opinions)

    def save() -> OpinionForward:
        forward = services.opinion_forward(actor=actor, record=found, **form.cleaned_data)
        messages.success(
            request, _("The opinion was forwarded to %(unit)s.") % {"unit": forward.department}
        )
        return forward

    return _form_page(
        request,
        form,
        save,
        title=_("Forward an opinion of this seminar"),
        back=form_url(found),
        done=lambda _forward: reverse("improvements:opinion-list"),
    )


@login_required
@require_POST
def opinion_answer_page(request: HttpRequest, pk: int) -> HttpResponse:
    forward = find(
        request, OpinionForward.objects.all(), "improvement.view", unit_field=sel.ITEM_UNIT, pk=pk
    )
    actor = acting_person(request.user)
    if not services.may_answer(actor, forward):
        raise PermissionDenied
    record_read(request, [read_of(forward, sel.ITEM_UNIT)], channel=Channel.PAGE)
    form = f.AnswerForm(request.POST)
    back = reverse("improvements:opinion-list")
    if not form.is_valid():
        return _refused(request, back, ValidationError(_("Write the answer.")))
    try:
        services.opinion_answer(
            actor=actor,
            forward=forward,
            version=form.cleaned_data.get("version") or 0,
            answer=form.cleaned_data["answer"],
        )
    except (ValidationError, StaleVersion) as error:
        return _refused(request, back, error)
    messages.success(request, _("Your answer was recorded."))
    return redirect(back)


def can_forward(actor: Any, record: FormRecord) -> bool:
    return may(actor, "improvement.consolidate") and services.may_forward(actor, record)
