"""The timeline as pages show it: the customer, found through the access module, one page of
entries, the next contact date, and the reads to register once the page is rendered."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from guanxi.access.lists import query_text
from guanxi.access.models import Channel
from guanxi.access.scope import may
from guanxi.contactreports.models import NextContact
from guanxi.contactreports.selectors import next_contact_of
from guanxi.customers.models import Customer
from guanxi.timeline.selectors import TimelinePage, page_reads, timeline_page
from guanxi.web.reads import find, record_read


@dataclass(frozen=True)
class Shown:
    customer: Customer
    page: TimelinePage
    next_contact: NextContact | None

    def register(self, request: HttpRequest) -> None:
        """The customer and the entries shown, in one append (guanxi.timeline.page_reads)."""
        reads = page_reads(self.customer, self.page, query_text(request.GET))
        record_read(request, reads, channel=Channel.PAGE)


def customer_timeline(request: HttpRequest, pk: int) -> Shown:
    """The customer (404 when out of sight) and the page of its timeline the request asks for."""
    customer = find(request, Customer.objects.select_related("manager"), "customer.view", pk=pk)
    page = timeline_page(
        actor=request.user,
        customer=customer,
        kinds=request.GET.getlist("kind"),
        after=request.GET.get("after"),
    )
    return Shown(customer=customer, page=page, next_contact=next_contact_of(customer))


def timeline_context(
    request: HttpRequest, shown: Shown, *, section: bool = False
) -> dict[str, Any]:
    customer = shown.customer
    here = "contactreports:timeline-section" if section else "contactreports:customer-timeline"
    return {
        "customer": customer,
        "page": shown.page,
        "next_contact": shown.next_contact,
        "section": section,
        "here": reverse(here, args=[customer.pk]),
        "full": reverse("contactreports:customer-timeline", args=[customer.pk]),
        "chosen": set(shown.page.kinds),
        "can_report": may(request.user, "contact_report.change", customer),
        "can_set_next": may(request.user, "next_contact.set", customer),
    }
