from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, TypeVar

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import authenticate
from django.db.models import Model, QuerySet
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from guanxi.access.models import AccessLogEntry, Channel
from guanxi.access.scope import acting_person, fetch, may, may_in_unit, scope_of, visible
from guanxi.access.selectors import LogFilters, log_entries
from guanxi.api import serializers as s
from guanxi.api.listreads import RegistersListReads
from guanxi.api.pagination import PathPagination, SeqPagination, SortKeyPagination
from guanxi.api.prefetch import prefetch_page
from guanxi.customers import services as customer_services
from guanxi.customers.models import Customer
from guanxi.customers.selectors import SORTS, CustomerFilters, customer_list, customer_page
from guanxi.organisation import services as org_services
from guanxi.organisation.models import Membership, Person, Unit
from guanxi.paging import KeysetPage
from guanxi.params import int_param

M = TypeVar("M", bound=Model)


def _existing(instance: M | None) -> M:
    if instance is None:  # DRF gives an update an instance; this keeps the type honest
        raise PermissionDenied
    return instance


CHANGES = frozenset({"PATCH", "PUT", "DELETE"})


class ScopedViewSet(RegistersListReads, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Querysets come from the access module; subclasses say what, never how to scope.

    `get_queryset` and `get_object` are sealed here so no endpoint can read around the scope,
    every single-record read is registered, and every list page registers one list read
    (`RegistersListReads`; `registers_lists = False` opts out, with the reason).
    """

    model: ClassVar[type[Model]]
    view_permission: ClassVar[str]
    # What a change (PATCH, PUT, DELETE) needs on the record: refused before the record's
    # read is registered, so a refused change leaves no read behind.
    change_permission: ClassVar[str | None] = None
    unit_field: ClassVar[str] = "owning_unit"

    def base_queryset(self) -> QuerySet[Any]:
        return self.model._default_manager.all()

    def get_queryset(self) -> QuerySet[Any]:
        return visible(
            self.request.user, self.base_queryset(), self.view_permission, self.unit_field
        )

    def paginate_queryset(self, queryset: QuerySet[Any]) -> list[Any] | None:
        """The page's relations prefetched without a queryset per row (`prefetch_page`)."""
        lookups = list(getattr(queryset, "_prefetch_related_lookups", ()))
        if not lookups:
            return super().paginate_queryset(queryset)
        page = super().paginate_queryset(queryset.prefetch_related(None))
        if page is not None:
            prefetch_page(page, lookups)
        return page

    def get_object(self) -> Any:
        return fetch(
            self.request.user,
            self.base_queryset(),
            self.view_permission,
            channel=Channel.API,
            request=self.request,
            unit_field=self.unit_field,
            require=self.change_permission if self.request.method in CHANGES else None,
            pk=self.kwargs["pk"],
        )


class CustomerPagination(SortKeyPagination):
    """Keyset pages in the chosen `ordering`; `cursor` holds the sort key and the id (CUS-10)."""

    def cut(self, queryset: QuerySet[Any, Any], request: Request, size: int) -> KeysetPage[Any]:
        query = request.query_params.get("q", "")
        return customer_page(
            queryset,
            sort=request.query_params.get("ordering", "") or "newest",
            after=request.query_params.get("cursor"),
            size=size,
            # as on the list page: the plain list is merged from one index range per unit
            unit_ids=None if query else scope_of(request.user).unit_ids("customer.view"),
        )


class CustomerViewSet(
    ScopedViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):
    """Customer units 客户单位 of the reader's organisation line. Each detail read is registered."""

    model = Customer
    view_permission = "customer.view"
    change_permission = "customer.change"
    serializer_class = s.CustomerSerializer
    pagination_class = CustomerPagination
    http_method_names = ["get", "post", "patch", "head", "options"]

    def base_queryset(self) -> QuerySet[Customer]:
        return Customer.objects.select_related("owning_unit")

    def get_queryset(self) -> QuerySet[Customer]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no reader, no rows
            return Customer.objects.none()
        params = self.request.query_params
        ordering = params.get("ordering", "") or "newest"
        if ordering not in SORTS:
            raise ValidationError(
                {"ordering": _("Sort by one of: %(sorts)s.") % {"sorts": ", ".join(SORTS)}}
            )
        filters = CustomerFilters(
            query=params.get("q", "")[:100],
            tier=params.get("tier", "")[:32],
            unit=int_param(params, "unit", strict=True),
            industry=params.get("industry", "")[:32],
            manager=int_param(params, "manager", strict=True),
            sort=ordering,
        )
        return customer_list(actor=acting_person(self.request.user), filters=filters)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                str,
                description="Name (Chinese substring), full pinyin or initials (zhyt), a "
                "contact's name or phone number, or a credit code",
            ),
            OpenApiParameter("tier", str, description="Tier key from the policy"),
            OpenApiParameter("industry", str, description="Industry option key from the policy"),
            OpenApiParameter("manager", int, description="Id of the customer manager"),
            OpenApiParameter("unit", int, description="Owning unit id; its subtree is included"),
            OpenApiParameter(
                "ordering",
                str,
                enum=list(SORTS),
                description="newest (default), name (pinyin order) or tier (policy rank)",
            ),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer: BaseSerializer[Customer]) -> None:
        data = dict(serializer.validated_data)
        data.pop("version", None)
        serializer.instance = customer_services.customer_create(
            actor=acting_person(self.request.user), **data
        )

    def perform_update(self, serializer: BaseSerializer[Customer]) -> None:
        data = dict(serializer.validated_data)
        version = data.pop("version")
        serializer.instance = customer_services.customer_update(
            actor=acting_person(self.request.user),
            customer=_existing(serializer.instance),
            version=version,
            **data,
        )


class DirectoryViewSet(viewsets.GenericViewSet):  # type: ignore[type-arg]
    """The organisation is a directory every signed-in person may read; changing it is managed.

    Its lists (units, people, memberships) are our own staff, not customer-confidential
    records, so they register no list read (not a `RegistersListReads`)."""

    def _require_manage(self, unit_id: int | None = None) -> None:
        allowed = (
            may(self.request.user, "organisation.manage")
            if unit_id is None
            else may_in_unit(self.request.user, "organisation.manage", unit_id)
        )
        if not allowed:
            raise PermissionDenied(_("Only organisation administrators may change this."))

    def _require_manage_person(self, person: Person) -> None:
        """Changing a person needs the right over every unit they belong to, so an administrator
        of one division cannot take over an account of another (e.g. by changing its e-mail)."""
        units: set[int | None] = set(person.memberships.values_list("unit_id", flat=True))
        for unit_id in units or {None}:
            self._require_manage(unit_id)

    def _refuse_own_roles(self, person: Person) -> None:
        """Nobody grants or removes roles of their own: promoting oneself needs a second person."""
        if person.pk == self.request.user.pk:
            raise PermissionDenied(_("You may not change your own roles."))


class UnitViewSet(
    DirectoryViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):
    """Organisation units 组织单元: a tree of any depth, kinds from the policy."""

    queryset = Unit.objects.all()
    serializer_class = s.UnitSerializer
    pagination_class = PathPagination
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[Unit]) -> None:
        data = serializer.validated_data
        parent = data.get("parent")
        self._require_manage(parent.pk if parent else None)
        serializer.instance = org_services.unit_create(
            actor=acting_person(self.request.user),
            parent=parent,
            kind=data["kind"],
            code=data["code"],
            name=data["name"],
            name_en=data.get("name_en", ""),
        )

    def perform_update(self, serializer: BaseSerializer[Unit]) -> None:
        data = dict(serializer.validated_data)
        unit = serializer.instance
        assert unit is not None  # noqa: S101 - update always has an instance
        self._require_manage(unit.pk)
        version = data.pop("version")
        serializer.instance = org_services.unit_update(
            actor=acting_person(self.request.user), unit=unit, version=version, **data
        )


class PersonViewSet(
    DirectoryViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):
    """Our people 人员: accounts with contact details."""

    queryset = Person.objects.all()
    serializer_class = s.PersonSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[Person]) -> None:
        self._require_manage()
        data = dict(serializer.validated_data)
        data.pop("version", None)
        if data.pop("is_active", True) is False:  # refused by name rather than dropped
            raise ValidationError(
                {"is_active": [_("A new account starts active; deactivate it afterwards.")]}
            )
        data.setdefault("display_name", "")
        serializer.instance = org_services.person_create(
            actor=acting_person(self.request.user), **data
        )

    def perform_update(self, serializer: BaseSerializer[Person]) -> None:
        self._require_manage_person(_existing(serializer.instance))
        data = dict(serializer.validated_data)
        data.pop("username", None)
        version = data.pop("version")
        serializer.instance = org_services.person_update(
            actor=acting_person(self.request.user),
            person=_existing(serializer.instance),
            version=version,
            **data,
        )


class MembershipViewSet(
    DirectoryViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
):
    """Memberships 任职: a person's role in a unit."""

    queryset = Membership.objects.select_related("unit", "person")
    serializer_class = s.MembershipSerializer

    def perform_create(self, serializer: BaseSerializer[Membership]) -> None:
        data = serializer.validated_data
        self._require_manage(data["unit"].pk)
        self._refuse_own_roles(data["person"])
        serializer.instance = org_services.membership_create(
            actor=acting_person(self.request.user),
            person=data["person"],
            unit=data["unit"],
            role=data["role"],
        )

    def perform_destroy(self, instance: Membership) -> None:
        self._require_manage(instance.unit_id)
        self._refuse_own_roles(instance.person)
        instance.delete()


def log_filters_from(params: Any) -> LogFilters:
    """The register's filters from query parameters; nonsense is a 400 naming the parameter."""
    dates: dict[str, date | None] = {}
    for name in ("date_from", "date_to"):
        raw = params.get(name, "")
        try:
            dates[name] = parse_date(raw) if raw else None
        except ValueError:
            dates[name] = None
        if raw and dates[name] is None:
            raise ValidationError({name: [_("Give a date as YYYY-MM-DD.")]})
    channel = params.get("channel", "")
    if channel and channel not in Channel.values:
        raise ValidationError({"channel": [_("Unknown channel.")]})
    return LogFilters(
        reader=params.get("reader", "").strip()[:150],
        record_type=params.get("record_type", "").strip()[:64],
        record_id=int_param(params, "record_id", strict=True),
        channel=channel,
        date_from=dates["date_from"],
        date_to=dates["date_to"],
    )


class AccessLogViewSet(ScopedViewSet, mixins.ListModelMixin):
    """The read register 查阅登记, scoped to records owned by the reader's units. A list read
    names the ids it returned (`record_ids`) and its `query`; a single read its `record_id`."""

    model = AccessLogEntry
    view_permission = "access_log.view"
    unit_field = "record_unit"
    registers_lists = False  # its entries are the register, not customer records (own rules)
    serializer_class = s.AccessLogEntrySerializer
    pagination_class = SeqPagination

    def get_queryset(self) -> QuerySet[AccessLogEntry]:
        if not may(self.request.user, self.view_permission):
            raise PermissionDenied(_("You may not see the read register."))
        filters = log_filters_from(self.request.query_params)
        return log_entries(actor=self.request.user, filters=filters)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "reader", str, description="Reader's name or username (substring, any case)"
            ),
            OpenApiParameter(
                "record_type", str, description="Record type label, e.g. customers.customer"
            ),
            OpenApiParameter(
                "record_id",
                int,
                description="A record id: its single reads and the list reads that returned it",
            ),
            OpenApiParameter("channel", str, enum=list(Channel.values), description="Channel"),
            OpenApiParameter("date_from", date, description="First day (local time zone)"),
            OpenApiParameter("date_to", date, description="Last day (local time zone)"),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)


class MeView(APIView):
    """The caller's own account: our staff, not a confidential record, so no read registered."""

    @extend_schema(responses=s.MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(s.MeSerializer(request.user).data)


class TokenView(APIView):
    """Exchange a username and password for an API token (`Authorization: Token …`)."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_scope = "token"

    @extend_schema(request=s.TokenRequestSerializer, responses=s.TokenSerializer)
    def post(self, request: Request) -> Response:
        form = s.TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        credentials = {"username": form.validated_data["username"]}
        if AxesProxyHandler.is_locked(request._request, credentials):
            raise PermissionDenied(
                _("Too many failed sign-in attempts: this account is locked for a while.")
            )
        user = authenticate(
            request._request,
            username=form.validated_data["username"],
            password=form.validated_data["password"],
        )
        if user is None:
            raise AuthenticationFailed(_("Wrong username or password."))
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key}, status=status.HTTP_200_OK)
