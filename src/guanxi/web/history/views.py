from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from guanxi.access.models import Channel
from guanxi.access.register import ReadNotRegistered
from guanxi.customers.selectors import customer_get
from guanxi.history.display import describe, grouped
from guanxi.history.selectors import history_for_customer, history_people
from guanxi.paging import keyset_page
from guanxi.web.history.forms import HistoryFilterForm
from guanxi.web.reads import page_read

PAGE_SIZE = 50


@login_required
def customer_history_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A customer's change history, newest first, grouped per change; filterable by field
    and person; 404 outside the reader's line."""
    try:
        customer = customer_get(actor=request.user, pk=pk, channel=Channel.PAGE, request=request)
    except ReadNotRegistered:
        return render(
            request, "web/unavailable.html", {"message": ReadNotRegistered.message}, status=503
        )
    form = HistoryFilterForm(
        request.GET or None, people=history_people(actor=request.user, customer=customer)
    )
    filters = form.filters()
    page = keyset_page(
        history_for_customer(actor=request.user, customer=customer, **filters),
        after=request.GET.get("after"),
        size=PAGE_SIZE,
    )
    column = str(filters.get("field") or "").partition(".")[2]
    entries = describe(
        page.items, reader=request.user, language=request.LANGUAGE_CODE, column=column
    )
    query = request.GET.copy()
    query.pop("after", None)
    response = render(
        request,
        "history/customer.html",
        {
            "customer": customer,
            "page": page,
            "entries": entries,
            "events": grouped(entries),
            "form": form,
            "query": query.urlencode(),
        },
    )
    page_read(request, page.items, unit_field="unit")
    return response
