from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from guanxi.access.models import Channel
from guanxi.access.register import ReadNotRegistered
from guanxi.access.scope import acting_person, may, scope_of, visible_units
from guanxi.customers import photos
from guanxi.customers.models import CLASSIFICATION_FIELDS, Customer, Relationship
from guanxi.customers.relationship_map import legend, relationship_graph
from guanxi.customers.review import archive_completeness
from guanxi.customers.selectors import (
    CustomerFilters,
    contact_get,
    customer_archive,
    customer_filters_from,
    customer_get,
    customer_list,
    customer_page,
    department_get,
)
from guanxi.history.selectors import PERMISSION as HISTORY_PERMISSION
from guanxi.organisation.models import Membership, Person, Unit
from guanxi.policy.loader import current as current_policy
from guanxi.web.reads import page_read, rows_read

PAGE_SIZE = 25


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


@login_required
def home(request: HttpRequest) -> HttpResponse:
    policy = current_policy()
    memberships = Membership.objects.filter(person=acting_person(request.user)).select_related(
        "unit"
    )
    roles = [
        {
            "unit": m.unit,
            "role": policy.roles[m.role].name(request.LANGUAGE_CODE)
            if m.role in policy.roles
            else m.role,
        }
        for m in memberships
    ]
    recent = list(customer_list(actor=request.user, filters=CustomerFilters())[:8])
    page_read(request, recent)
    return render(request, "web/home.html", {"roles": roles, "recent": recent, "policy": policy})


def _filter_query(filters: CustomerFilters) -> str:
    """The list's filters as a query string, for the page links and the export."""
    values = {
        "q": filters.query,
        "tier": filters.tier,
        "unit": filters.unit or "",
        "industry": filters.industry,
        "manager": filters.manager or "",
        "sort": filters.sort,
    }
    return urlencode({key: value for key, value in values.items() if value})


@login_required
def customer_list_page(request: HttpRequest) -> HttpResponse:
    if not may(request.user, "customer.view"):
        raise PermissionDenied
    filters = customer_filters_from(request.GET)
    page = customer_page(
        customer_list(actor=request.user, filters=filters),
        sort=filters.sort,
        after=request.GET.get("after"),
        size=PAGE_SIZE,
        # a search narrows the rows through its own index; the plain list merges per unit
        unit_ids=None if filters.query else scope_of(request.user).unit_ids("customer.view"),
    )
    policy = current_policy()
    industry = policy.dimensions.get("industry")
    language = request.LANGUAGE_CODE
    context = {
        "page": page,
        "filters": filters,
        "filter_query": _filter_query(filters),
        "tiers": policy.tiers_by_rank(),
        "can_create": may(request.user, "customer.create"),
        "can_export": may(request.user, "customer.export"),
        "tier_names": {t.key: t.name(language) for t in policy.tiers.values()},
        "industries": [(o.key, o.name(language)) for o in industry.options] if industry else [],
        "sorts": [("newest", _("Newest")), ("name", _("Name (pinyin)")), ("tier", _("Tier"))],
    }
    if is_htmx(request):  # the rows only, as the search box types: no filter lists
        context["swap_export"] = True  # and the export link, so it exports what is shown
        response = render(request, "customers/_rows.html", context)
    else:
        context["units"] = _units_for_filter(request)
        context["managers"] = _managers_for_filter(request)
        context["manager_value"] = str(filters.manager) if filters.manager else ""
        response = render(request, "customers/list.html", context)
    page_read(request, page.items)
    return response


def _units_for_filter(request: HttpRequest) -> list[Unit]:
    return list(visible_units(request.user, "customer.view").order_by("path")[:500])


def _managers_for_filter(request: HttpRequest) -> list[tuple[str, str]]:
    """People of the units whose customers the reader sees: who can manage those customers.

    As (value, label) strings: at HQ this is hundreds of options on every list page, and
    whole Person rows with localised numbers cost more than the list itself."""
    units = visible_units(request.user, "customer.view").values("pk")
    people = Person.objects.filter(memberships__unit__in=units, is_active=True).distinct()
    rows = people.order_by("username").values_list(
        "pk", "display_name", "first_name", "last_name", "username"
    )[:500]
    return [(str(pk), Person.label(*names)) for pk, *names in rows]


def _unavailable(request: HttpRequest) -> HttpResponse:
    return render(
        request, "web/unavailable.html", {"message": ReadNotRegistered.message}, status=503
    )


@login_required
def customer_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        customer = customer_get(actor=request.user, pk=pk, channel=Channel.PAGE, request=request)
    except ReadNotRegistered:
        return _unavailable(request)
    tier = current_policy().tiers.get(customer.tier)
    archive = customer_archive(actor=request.user, customer=customer)
    try:
        rows_read(request, archive.contacts, archive.departments, unit_id=customer.owning_unit_id)
    except ReadNotRegistered:
        return _unavailable(request)
    return render(
        request,
        "customers/detail.html",
        {
            "customer": customer,
            "archive": archive,
            "graph": relationship_graph(archive.relationships, language=request.LANGUAGE_CODE),
            "map_legend": legend(),
            "tier_name": tier.name(request.LANGUAGE_CODE) if tier else customer.tier,
            "tier_clause": tier.clause if tier else "",
            "classification": _classification(customer, request.LANGUAGE_CODE),
            "can_change": may(request.user, "customer.change", customer),
            # links to the field history (CUS-12) and the archive review score (CUS-13)
            "can_see_history": may(request.user, HISTORY_PERMISSION, customer),
            "completeness": archive_completeness(customer, archive),
            "source_name": _source_name(customer.source, request.LANGUAGE_CODE),
            "photo_max_mb": photo_max_mb(),
            # the satisfaction section (ACT-6), loaded by htmx after the page
            "show_satisfaction": may(request.user, "feedback.view"),
        },
    )


def _source_name(key: str, language: str) -> str:
    """The policy's name of an information source (CUS-6); a key it no longer has, as is."""
    source = current_policy().sources.get(key) if key else None
    return source.name(language) if source else key


def photo_max_mb() -> str:
    return f"{photos.max_bytes() / 1024 / 1024:g}"


@login_required
def department_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A customer department with its three-part information (000 §5, §13.2.2; 003 附表1)."""
    try:
        department = department_get(
            actor=request.user, pk=pk, channel=Channel.PAGE, request=request
        )
    except ReadNotRegistered:
        return _unavailable(request)
    return render(request, "customers/department.html", {"department": department})


def _classification(customer: Customer, language: str) -> list[tuple[str, str]]:
    dimensions = current_policy().dimensions
    rows = []
    for key in CLASSIFICATION_FIELDS:
        dimension = dimensions.get(key)
        value = getattr(customer, key)
        option = dimension.option(value) if dimension and value else None
        label = dimension.name(language) if dimension else key
        rows.append((label, option.name(language) if option else (value or "—")))
    return rows


@login_required
def contact_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        contact = contact_get(actor=request.user, pk=pk, channel=Channel.PAGE, request=request)
    except ReadNotRegistered:
        return _unavailable(request)
    relationship = (
        Relationship.objects.filter(contact=contact)
        .prefetch_related("holders", "events__by")
        .first()
    )
    can_change = may(request.user, "customer.change", contact, unit_field="customer__owning_unit")
    profile_visible = may(
        request.user, "contact.view_profile", contact, unit_field="customer__owning_unit"
    )
    personal_requests = list(contact.requests.order_by("-id")[:10])  # PRV-1
    try:
        rows_read(request, personal_requests, unit_id=contact.customer.owning_unit_id)
    except ReadNotRegistered:
        return _unavailable(request)
    return render(
        request,
        "customers/contact.html",
        {
            "contact": contact,
            "relationship": relationship,
            "can_change": can_change,
            "profile_visible": profile_visible,
            # the photo belongs to the profile: changed only by one who may see it (PRV-1)
            "can_change_photo": can_change and profile_visible and contact.erased_at is None,
            "personal_requests": personal_requests,
            "source_name": _source_name(contact.source, request.LANGUAGE_CODE),
            "photo_max_mb": photo_max_mb(),
        },
    )
