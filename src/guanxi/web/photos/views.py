"""Pages for the photos of customer units and key persons (CUS-2, CUS-3): show, upload or
replace, remove. The image is served only here, through the access module, its read registered;
a refused upload says why and changes nothing."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from guanxi.access.models import Channel
from guanxi.access.register import ReadNotRegistered
from guanxi.access.scope import acting_person
from guanxi.customers import photos
from guanxi.customers.models import Contact, Customer
from guanxi.uploads import image_response

# kind -> (model, the name of its detail page)
KINDS: dict[str, tuple[type[Customer] | type[Contact], str]] = {
    "customer": (Customer, "customer-detail"),
    "contact": (Contact, "contact-detail"),
}


class PhotoForm(forms.Form):
    photo = forms.FileField(label=gettext_lazy("photo"))


def _refused(request: HttpRequest, back: str, error: ValidationError) -> HttpResponse:
    return render(
        request, "keycustomers/refused.html", {"messages": error.messages, "back": back}, status=400
    )


def _unavailable(request: HttpRequest) -> HttpResponse:
    return render(
        request, "web/unavailable.html", {"message": ReadNotRegistered.message}, status=503
    )


def _show(kind: str) -> Callable[[HttpRequest, int], HttpResponse]:
    model = KINDS[kind][0]

    @login_required
    @require_GET
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        try:
            photo = photos.photo_get(
                actor=request.user, model=model, pk=pk, channel=Channel.PAGE, request=request
            )
        except ReadNotRegistered:
            return _unavailable(request)
        return image_response(photo.data, kind=photo.kind)

    return view


def _change(kind: str, *, remove: bool) -> Callable[[HttpRequest, int], HttpResponse]:
    model, detail = KINDS[kind]

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        actor = acting_person(request.user)
        record = photos.record_for_change(actor=actor, model=model, pk=pk)
        back = reverse(detail, args=[pk])
        form = PhotoForm(request.POST, request.FILES)
        if not remove and not form.is_valid():
            return _refused(request, back, ValidationError(_("Choose a photo to upload.")))
        try:
            if remove:
                photos.photo_remove(actor=actor, record=record)
            else:
                photos.photo_set(actor=actor, record=record, upload=form.cleaned_data["photo"])
        except ValidationError as error:
            return _refused(request, back, error)
        return redirect(back)

    return view


customer_photo = _show("customer")
contact_photo = _show("contact")
customer_photo_upload = _change("customer", remove=False)
contact_photo_upload = _change("contact", remove=False)
customer_photo_remove = _change("customer", remove=True)
contact_photo_remove = _change("contact", remove=True)
