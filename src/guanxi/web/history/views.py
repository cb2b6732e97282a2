from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from guanxi.access.models import Channel
from guanxi.access.register import ReadNotRegistered
from guanxi.customers.selectors import customer_get
from guanxi.history.display import describe
from guanxi.history.selectors import history_for_customer
from guanxi.paging import keyset_page

PAGE_SIZE = 50


@login_required
def customer_history_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A customer's change history, newest first; 404 outside the reader's line."""
    try:
        customer = customer_get(actor=request.user, pk=pk, channel=Channel.PAGE, request=request)
    except ReadNotRegistered:
        return render(
            request, "web/unavailable.html", {"message": ReadNotRegistered.message}, status=503
        )
    page = keyset_page(
        history_for_customer(actor=request.user, customer=customer),
        after=request.GET.get("after"),
        size=PAGE_SIZE,
    )
    entries = describe(page.items, reader=request.user, language=request.LANGUAGE_CODE)
    return render(
        request,
        "history/customer.html",
        {"customer": customer, "page": page, "entries": entries},
    )
