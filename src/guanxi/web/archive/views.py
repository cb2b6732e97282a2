"""Pages that write the archive. Each form save calls one service; refusals come back as
form errors (400), stale versions as a 409 page that shows both versions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from guanxi.access.models import Channel
from guanxi.access.scope import acting_person, may
from guanxi.customers import archive
from guanxi.customers import services as customer_services
from guanxi.customers.models import Customer, Relationship
from guanxi.customers.selectors import contact_get, customer_get
from guanxi.versioning import StaleVersion
from guanxi.web.archive import forms as f


def _render(
    request: HttpRequest, form: BaseForm, *, title: str, back: str, status: int = 200, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "web/form.html",
        {"form": form, "title": title, "back": back, **extra},
        status=status,
    )


def _attempt(
    request: HttpRequest,
    form: BaseForm,
    save: Callable[[], Model | None],
    *,
    title: str,
    back: str,
    done: Callable[[Any], str],
) -> HttpResponse:
    """Run `save`; map the services' refusals onto the form, a stale version onto 409."""
    try:
        saved = save()
    except StaleVersion as stale:
        return _render(request, form, title=title, back=back, status=409, stale=stale)
    except ValidationError as error:
        _add_errors(form, error)
        similar = getattr(error, "similar", None)
        return _render(request, form, title=title, back=back, status=400, similar=similar)
    return redirect(done(saved))


def _add_errors(form: BaseForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def _changes(form: BaseForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data.pop("version", None)
    return data


@login_required
def customer_create(request: HttpRequest) -> HttpResponse:
    actor = acting_person(request.user)
    if not may(actor, "customer.create"):
        raise PermissionDenied
    form = f.CustomerForm(request.POST or None, actor=actor, language=request.LANGUAGE_CODE)
    title, back = _("New customer unit"), reverse("customer-list")
    if request.method != "POST" or not form.is_valid():
        return _render(request, form, title=title, back=back, status=400 if form.errors else 200)
    return _attempt(
        request,
        form,
        lambda: customer_services.customer_create(actor=actor, **_changes(form)),
        title=title,
        back=back,
        done=lambda c: reverse("customer-detail", args=[c.pk]),
    )


@login_required
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = acting_person(request.user)
    customer = customer_get(
        actor=actor, pk=pk, channel=Channel.PAGE, request=request, require="customer.change"
    )
    form = f.CustomerForm(
        request.POST or None, instance=customer, actor=actor, language=request.LANGUAGE_CODE
    )
    title = _("Edit %(name)s") % {"name": customer.name}
    back = reverse("customer-detail", args=[pk])
    if request.method != "POST" or not form.is_valid():
        return _render(request, form, title=title, back=back, status=400 if form.errors else 200)
    version = form.cleaned_data.get("version") or 0
    current = Customer.objects.get(pk=pk)
    return _attempt(
        request,
        form,
        lambda: customer_services.customer_update(
            actor=actor, customer=current, version=version, **_changes(form)
        ),
        title=title,
        back=back,
        done=lambda c: reverse("customer-detail", args=[c.pk]),
    )


def _customer_for_change(request: HttpRequest, pk: int) -> Customer:
    actor = acting_person(request.user)
    customer = customer_get(
        actor=actor, pk=pk, channel=Channel.PAGE, request=request, require="customer.change"
    )
    return customer


@login_required
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer_for_change(request, pk)
    actor = acting_person(request.user)
    profile = may(actor, "contact.view_profile", customer)
    form = f.ContactForm(
        request.POST or None, customer=customer, profile=profile, language=request.LANGUAGE_CODE
    )
    title = _("New contact at %(name)s") % {"name": customer.name}
    back = reverse("customer-detail", args=[pk])
    if request.method != "POST" or not form.is_valid():
        return _render(request, form, title=title, back=back, status=400 if form.errors else 200)
    return _attempt(
        request,
        form,
        lambda: archive.contact_create(actor=actor, customer=customer, **_changes(form)),
        title=title,
        back=back,
        done=lambda c: reverse("contact-detail", args=[c.pk]),
    )


@login_required
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = acting_person(request.user)
    contact = contact_get(
        actor=actor, pk=pk, channel=Channel.PAGE, request=request, require="customer.change"
    )
    profile = may(actor, "contact.view_profile", contact, unit_field="customer__owning_unit")
    form = f.ContactForm(
        request.POST or None,
        instance=contact,
        customer=contact.customer,
        profile=profile,
        language=request.LANGUAGE_CODE,
    )
    title = _("Edit %(name)s") % {"name": contact.name}
    back = reverse("contact-detail", args=[pk])
    if request.method != "POST" or not form.is_valid():
        return _render(request, form, title=title, back=back, status=400 if form.errors else 200)
    version = form.cleaned_data.get("version") or 0
    return _attempt(
        request,
        form,
        lambda: archive.contact_update(
            actor=actor, contact=contact, version=version, **_changes(form)
        ),
        title=title,
        back=back,
        done=lambda c: reverse("contact-detail", args=[c.pk]),
    )


@login_required
def relationship_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = acting_person(request.user)
    contact = contact_get(
        actor=actor, pk=pk, channel=Channel.PAGE, request=request, require="customer.change"
    )
    current = Relationship.objects.filter(contact=contact).prefetch_related("holders").first()
    initial = (
        {
            "buying_role": current.buying_role,
            "state": current.state,
            "holders": list(current.holders.all()),
            "concerns": current.concerns,
            "version": current.version,
        }
        if current
        else {}
    )
    form = f.RelationshipForm(request.POST or None, initial=initial)
    title = _("Relationship with %(name)s") % {"name": contact.name}
    back = reverse("contact-detail", args=[pk])
    if request.method != "POST" or not form.is_valid():
        return _render(request, form, title=title, back=back, status=400 if form.errors else 200)
    data = form.cleaned_data
    return _attempt(
        request,
        form,
        lambda: archive.relationship_set(
            actor=actor,
            contact=contact,
            buying_role=data["buying_role"],
            state=data["state"],
            holders=list(data["holders"]),
            concerns=data["concerns"],
            note=data["note"],
            version=data.get("version"),
        ),
        title=title,
        back=back,
        done=lambda _r: back,
    )


def _customer_part(
    form_class: type[f.VersionedForm], service: Callable[..., Model], title: str, **form_kwargs: Any
) -> Callable[[HttpRequest, int], HttpResponse]:
    """A page adding one record (department, dealing, operation) to a customer's archive."""

    @login_required
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        customer = _customer_for_change(request, pk)
        actor = acting_person(request.user)
        extra = {"actor": actor} if form_kwargs.get("with_actor") else {}
        form = form_class(request.POST or None, customer=customer, **extra)
        back = reverse("customer-detail", args=[pk])
        heading = f"{customer.name} · {title}"
        if request.method != "POST" or not form.is_valid():
            return _render(
                request, form, title=heading, back=back, status=400 if form.errors else 200
            )
        return _attempt(
            request,
            form,
            lambda: service(actor=actor, customer=customer, **_changes(form)),
            title=heading,
            back=back,
            done=lambda _r: back,
        )

    return view


department_create = _customer_part(f.DepartmentForm, archive.department_create, _("new department"))
dealing_create = _customer_part(
    f.DealingForm, archive.dealing_create, _("new dealing"), with_actor=True
)
operation_create = _customer_part(
    f.OperationForm, archive.operation_create, _("new operation"), with_actor=True
)
