"""Reading the change history, always through the access module.

History is scoped by the unit that owned the customer when the change was made (`unit_id`,
kept on each row so scoping needs no join), under `customer.view`. Reading it is a
confidential read (DOC-4): one register entry for the customer whose history is read.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import QuerySet
from django.http import HttpRequest

from guanxi.access.models import Channel
from guanxi.access.register import Read, client_address, read_of, register_reads
from guanxi.access.scope import User, visible
from guanxi.customers.models import Customer
from guanxi.history.models import Change
from guanxi.history.triggers import tracked_tables
from guanxi.organisation.models import Person

PERMISSION = "customer.view"


def _scoped(actor: User, queryset: QuerySet[Change]) -> QuerySet[Change]:
    return visible(actor, queryset, PERMISSION, unit_field="unit").order_by("-id")


def history_for_customer(
    *, actor: User, customer: Customer, field: str = "", person: int | None = None
) -> QuerySet[Change]:
    """The history of a customer the actor was already allowed to read (customer_get);
    narrowed to one field (`table.column`, see display.field_choices) and one person."""
    queryset = _scoped(actor, Change.objects.filter(customer_id=customer.pk))
    if field:
        table, _dot, column = field.partition(".")
        queryset = queryset.filter(table=table, changes__has_key=column)
    if person is not None:
        queryset = queryset.filter(actor_id=person)
    return queryset


def history_people(*, actor: User, customer: Customer) -> list[tuple[int, str]]:
    """The people who changed the customer's archive, for the person filter: two queries."""
    ids = (
        history_for_customer(actor=actor, customer=customer)
        .exclude(actor_id=None)
        .order_by()
        .values_list("actor_id", flat=True)
        .distinct()
    )
    people = Person.objects.filter(pk__in=list(ids))
    return sorted(((p.pk, str(p)) for p in people), key=lambda pair: pair[1])


def history_for_record(*, actor: User, table: str, record_id: object) -> QuerySet[Change]:
    """The history of one row of a tracked table; nothing for other tables."""
    if table not in tracked_tables(apps.get_model):
        return Change.objects.none()
    return _scoped(actor, Change.objects.filter(table=table, record_id=str(record_id)))


def customer_history_read(
    *, actor: Person, customer_id: int, channel: Channel, request: HttpRequest | None
) -> QuerySet[Change]:
    """A customer's history and the read registered; nothing for a customer out of sight."""
    customer = (
        visible(actor, Customer.objects.only("id", "owning_unit_id"), PERMISSION)
        .filter(pk=customer_id)
        .first()
    )
    if customer is None:
        return Change.objects.none()
    _register(actor, read_of(customer), channel, request)
    return history_for_customer(actor=actor, customer=customer)


def record_history_read(
    *,
    actor: Person,
    table: str,
    record_id: object,
    channel: Channel,
    request: HttpRequest | None,
) -> QuerySet[Change]:
    """A record's history, registered as a read of its customer (or of the record itself
    when it belongs to no customer, as market reports)."""
    queryset = history_for_record(actor=actor, table=table, record_id=record_id)
    latest = queryset.values("customer_id", "unit_id").first()
    if latest is None:
        return queryset
    if latest["customer_id"] is not None:
        read = Read(Customer._meta.label_lower, str(latest["customer_id"]), latest["unit_id"])
    else:
        label = tracked_tables(apps.get_model)[table]._meta.label_lower
        read = Read(label, str(record_id), latest["unit_id"])
    _register(actor, read, channel, request)
    return queryset


def _register(actor: Person, read: Read, channel: Channel, request: HttpRequest | None) -> None:
    register_reads(actor=actor, reads=[read], channel=channel, address=client_address(request))
