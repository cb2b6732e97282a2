"""REST endpoints for plans, plan items, activities, approvals and delegations (item 9).

Thin: each action calls one service. A refused transition answers 409 with the reason, a
stale version 409, bad input 400; reads go through the access module and are registered.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from guanxi.access.models import Channel
from guanxi.access.scope import acting_person
from guanxi.activities import selectors as activity_selectors
from guanxi.activities import services as activity_services
from guanxi.activities.models import Activity
from guanxi.api.listreads import RegistersListReads
from guanxi.api.plans import serializers as s
from guanxi.api.views import ScopedViewSet
from guanxi.approvals import selectors as approval_selectors
from guanxi.approvals import services as approval_services
from guanxi.approvals.models import Approval, Delegation
from guanxi.approvals.services import Refused
from guanxi.params import id_or_none, int_param
from guanxi.plans import selectors as plan_selectors
from guanxi.plans import services as plan_services
from guanxi.plans.models import Plan, PlanItem


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "refused"


class RefusalsAreConflicts:
    """A domain refusal (wrong state, approval pending) is a 409 with its reason."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, Refused):
            exc = Conflict(str(exc))
        return super().handle_exception(exc)  # type: ignore[misc, no-any-return]


def _transition(
    request: Request, serializer: type[s.TransitionSerializer] = s.TransitionSerializer
) -> dict[str, Any]:
    body = serializer(data=request.data)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


class PlanViewSet(
    RefusalsAreConflicts,
    ScopedViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):
    """Care, service-visit and seminar plans 计划 of the reader's unit line (PLAN-1..4)."""

    model = Plan
    view_permission = "plan.view"
    change_permission = "plan.change"
    unit_field = "unit"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action in ("update", "partial_update"):
            return s.PlanUpdateSerializer
        if self.action == "return_":
            return s.ReturnSerializer
        if self.action in ("submit", "accept"):
            return s.TransitionSerializer
        return s.PlanSerializer

    def base_queryset(self) -> QuerySet[Plan]:
        return plan_selectors.with_totals(Plan.objects.select_related("unit"))

    def get_queryset(self) -> QuerySet[Plan]:
        if getattr(self, "swagger_fake_view", False):
            return Plan.objects.none()
        params = self.request.query_params
        filters = plan_selectors.PlanFilters(
            kind=params.get("kind", "")[:16],
            period=params.get("period", "")[:16],
            status=params.get("status", "")[:16],
            unit=int_param(params, "unit", strict=True),
        )
        rows = plan_selectors.plan_list(actor=acting_person(self.request.user), filters=filters)
        return plan_selectors.with_totals(rows)  # one grouped query per page, not one per row

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=["care", "visit", "seminar"]),
            OpenApiParameter("period", str, enum=["month", "quarter", "year"]),
            OpenApiParameter("status", str),
            OpenApiParameter("unit", int),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer: BaseSerializer[Plan]) -> None:
        data = serializer.validated_data
        plan = plan_services.plan_open(
            actor=acting_person(self.request.user),
            unit=data["unit"],
            kind=data["kind"],
            period=data["period"],
            day=data["day"],
            note=data.get("note", ""),
        )
        serializer.instance = self._with_totals(plan)

    def _with_totals(self, plan: Plan) -> Plan:
        return self.base_queryset().get(pk=plan.pk)

    def perform_update(self, serializer: BaseSerializer[Plan]) -> None:
        data = serializer.validated_data
        assert serializer.instance is not None  # noqa: S101 - update always has an instance
        plan = plan_services.plan_update_note(
            actor=acting_person(self.request.user),
            plan=serializer.instance,
            version=data["version"],
            note=data.get("note", serializer.instance.note),
        )
        serializer.instance = self._with_totals(plan)

    def _answer(self, plan: Plan) -> Response:
        return Response(
            s.PlanSerializer(self._with_totals(plan), context=self.get_serializer_context()).data
        )

    @extend_schema(request=s.TransitionSerializer, responses=s.PlanSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        """Submit the plan to HQ; it is frozen until returned."""
        body = _transition(request)
        plan = plan_services.plan_submit(
            actor=acting_person(request.user), plan=self.get_object(), version=body["version"]
        )
        return self._answer(plan)

    @extend_schema(request=s.ReturnSerializer, responses=s.PlanSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str) -> Response:
        """HQ returns the plan for revision; `comment` says what to revise."""
        body = _transition(request, s.ReturnSerializer)
        plan = plan_services.plan_return(
            actor=acting_person(request.user),
            plan=self.get_object(),
            version=body["version"],
            comment=body.get("comment", ""),
        )
        return self._answer(plan)

    @extend_schema(request=s.TransitionSerializer, responses=s.PlanSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        """HQ accepts the plan into the company plan."""
        body = _transition(request)
        plan = plan_services.plan_accept(
            actor=acting_person(request.user), plan=self.get_object(), version=body["version"]
        )
        return self._answer(plan)


def _item_data(data: dict[str, Any], instance: PlanItem | None = None) -> plan_services.ItemData:
    def pick(name: str, default: Any) -> Any:
        if name in data:
            return data[name]
        return getattr(instance, name) if instance is not None else default

    return plan_services.ItemData(
        when=pick("when", None),
        name=pick("name", ""),
        place=pick("place", ""),
        customer=pick("customer", None),
        customer_count=pick("customer_count", 0),
        key_persons=list(data["key_persons"])
        if "key_persons" in data
        else (list(instance.key_persons.all()) if instance else []),
        gifts=pick("gifts", ""),
        our_people=list(data["our_people"])
        if "our_people" in data
        else (list(instance.our_people.all()) if instance else []),
        content=pick("content", ""),
        documents=pick("documents", ""),
        cost=pick("cost", 0),
    )


class PlanItemViewSet(
    RefusalsAreConflicts,
    ScopedViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
):
    """Items of plans 计划项目: the fields of 000 §14.2, §16.2, §18.2 as the policy lists them."""

    model = PlanItem
    view_permission = "plan.view"
    change_permission = "plan.change"
    unit_field = "plan__unit"
    serializer_class = s.PlanItemSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def base_queryset(self) -> QuerySet[PlanItem]:
        return PlanItem.objects.select_related("plan", "plan__unit").prefetch_related(
            "key_persons", "our_people"
        )

    def get_queryset(self) -> QuerySet[PlanItem]:
        rows = super().get_queryset()
        if plan := int_param(self.request.query_params, "plan", strict=True):
            rows = rows.filter(plan_id=plan)
        return rows

    @extend_schema(parameters=[OpenApiParameter("plan", int)])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer: BaseSerializer[PlanItem]) -> None:
        data = dict(serializer.validated_data)
        if "when" not in data:
            raise ValidationError({"when": _("Give the item a date.")})
        item = _item_data(data)
        plan_services.refuse_unused(data["plan"], item)
        serializer.instance = plan_services.item_add(
            actor=acting_person(self.request.user), plan=data["plan"], data=item
        )

    def perform_update(self, serializer: BaseSerializer[PlanItem]) -> None:
        item = serializer.instance
        assert item is not None  # noqa: S101 - update always has an instance
        data = dict(serializer.validated_data)
        changes = _item_data(data, item)
        plan_services.refuse_unused(item.plan, changes)
        serializer.instance = plan_services.item_update(
            actor=acting_person(self.request.user), item=item, version=data["version"], data=changes
        )

    @extend_schema(parameters=[OpenApiParameter("version", int, required=True)])
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        version = int_param(request.query_params, "version", strict=True)
        if version is None:
            return Response(
                {"version": _("Send the version you loaded.")}, status=status.HTTP_400_BAD_REQUEST
            )
        plan_services.item_delete(
            actor=acting_person(request.user), item=self.get_object(), version=version
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


def _activity_data(data: dict[str, Any], instance: Activity | None = None) -> Any:
    def pick(name: str, default: Any) -> Any:
        if name in data:
            return data[name]
        return getattr(instance, name) if instance is not None else default

    people = data.get("our_people")
    if people is None:
        people = list(instance.our_people.all()) if instance else []
    return activity_services.ActivityData(
        name=pick("name", ""),
        date=pick("date", None),
        place=pick("place", ""),
        customer=pick("customer", None),
        our_people=list(people),
        cost=pick("cost", 0),
        result=pick("result", ""),
    )


def _same_as_item(data: dict[str, Any]) -> None:
    """An activity of a plan item takes the item's unit and kind; different ones are refused."""
    item = data.get("plan_item")
    if item is None:
        return
    wrong = {
        name: [_("An activity of a plan item belongs to the item's plan; leave this out.")]
        for name, value in (("unit", item.plan.unit), ("kind", item.plan.kind))
        if data.get(name) not in (None, "", value)
    }
    if wrong:
        raise ValidationError(wrong)


class ActivityViewSet(
    RefusalsAreConflicts,
    ScopedViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):
    """Activities 活动 carried out; `plan_item` null means unplanned (needs HQ's approval)."""

    model = Activity
    view_permission = "activity.view"
    unit_field = "unit"
    merge_unit_pages = True  # the list is the visible activities (activity_list), newest first
    serializer_class = s.ActivitySerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "write_off":
            return s.TransitionSerializer
        return s.ActivitySerializer

    def get_queryset(self) -> QuerySet[Activity]:
        if getattr(self, "swagger_fake_view", False):
            return Activity.objects.none()
        params = self.request.query_params
        unplanned = params.get("unplanned")
        filters = activity_selectors.ActivityFilters(
            status=params.get("status", "")[:16],
            kind=params.get("kind", "")[:16],
            unit=int_param(params, "unit", strict=True),
            unplanned=None if unplanned not in ("true", "false") else unplanned == "true",
        )
        return activity_selectors.activity_list(
            actor=acting_person(self.request.user), filters=filters
        ).prefetch_related("our_people")

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=["requested", "carried_out", "written_off"]),
            OpenApiParameter("kind", str),
            OpenApiParameter("unit", int),
            OpenApiParameter("unplanned", bool),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer: BaseSerializer[Activity]) -> None:
        data = dict(serializer.validated_data)
        if not data.get("plan_item") and not (data.get("unit") and data.get("kind")):
            raise ValidationError(
                {"plan_item": _("Name a plan item, or the unit and kind of an unplanned activity.")}
            )
        _same_as_item(data)
        serializer.instance = activity_services.activity_record(
            actor=acting_person(self.request.user),
            data=_activity_data(data),
            plan_item=data.get("plan_item"),
            unit=data.get("unit"),
            kind=data.get("kind", ""),
        )

    def perform_update(self, serializer: BaseSerializer[Activity]) -> None:
        activity = serializer.instance
        assert activity is not None  # noqa: S101 - update always has an instance
        data = dict(serializer.validated_data)
        change = (
            activity_services.activity_carry_out
            if activity.status == "requested"
            else activity_services.activity_update
        )
        serializer.instance = change(
            actor=acting_person(self.request.user),
            activity=activity,
            version=data["version"],
            data=_activity_data(data, activity),
        )

    @extend_schema(request=s.TransitionSerializer, responses=s.ActivitySerializer)
    @action(detail=True, methods=["post"], url_path="write-off", url_name="write-off")
    def write_off(self, request: Request, pk: str) -> Response:
        """Finance writes the cost off 核销; 409 while an approval is pending or rejected."""
        body = _transition(request)
        activity = activity_services.activity_write_off(
            actor=acting_person(request.user), activity=self.get_object(), version=body["version"]
        )
        return Response(s.ActivitySerializer(activity, context=self.get_serializer_context()).data)


class ApprovalViewSet(
    RefusalsAreConflicts,
    RegistersListReads,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
):
    """Requests for approval 审批: one's unit line's, one's own, and those waiting on one.
    A list page registers one list read, by the requesting unit."""

    unit_field = "requesting_unit"

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action in ("approve", "reject"):
            return s.DecisionSerializer
        return s.ApprovalSerializer

    def get_queryset(self) -> QuerySet[Approval]:
        if getattr(self, "swagger_fake_view", False):
            return Approval.objects.none()
        actor = acting_person(self.request.user)
        params = self.request.query_params
        if params.get("inbox") in ("1", "true"):
            waiting = approval_selectors.inbox(actor=actor).values("approval_id")
            return Approval.objects.filter(pk__in=waiting).prefetch_related("steps").order_by("-id")
        rows = approval_selectors.approval_list(
            actor=actor, status=params.get("status", "")[:16], kind=params.get("kind", "")[:64]
        )
        return rows.prefetch_related("steps", "steps__unit")

    def get_object(self) -> Approval:
        return approval_selectors.approval_get(
            actor=acting_person(self.request.user),
            pk=id_or_none(self.kwargs["pk"]) or 0,
            channel=Channel.API,
            request=self.request,
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("inbox", bool, description="Only requests waiting on me"),
            OpenApiParameter("status", str, enum=["pending", "approved", "rejected", "withdrawn"]),
            OpenApiParameter("kind", str),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def _decide(self, request: Request, approve: bool) -> Response:
        body = s.DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        approval = approval_services.approval_decide(
            actor=acting_person(request.user),
            approval=self.get_object(),
            approve=approve,
            comment=body.validated_data.get("comment", ""),
        )
        return Response(s.ApprovalSerializer(approval).data)

    @extend_schema(request=s.DecisionSerializer, responses=s.ApprovalSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        """Approve the step waiting on me (or on the approver I stand in for)."""
        return self._decide(request, True)

    @extend_schema(request=s.DecisionSerializer, responses=s.ApprovalSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        """Reject, saying why in `comment`."""
        return self._decide(request, False)


class DelegationViewSet(
    RefusalsAreConflicts,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
):
    """Delegations 授权代理: while away, an approver names someone to decide in their place.
    Between our own staff, no customer record: its list registers no read."""

    serializer_class = s.DelegationSerializer

    def get_queryset(self) -> QuerySet[Delegation]:
        if getattr(self, "swagger_fake_view", False):
            return Delegation.objects.none()
        return approval_selectors.delegations_of(actor=acting_person(self.request.user))

    def perform_create(self, serializer: BaseSerializer[Delegation]) -> None:
        data = serializer.validated_data
        serializer.instance = approval_services.delegation_create(
            actor=acting_person(self.request.user),
            delegate=data["delegate"],
            starts=data["starts"],
            ends=data["ends"],
            note=data.get("note", ""),
        )

    @extend_schema(request=s.TransitionSerializer, responses=s.DelegationSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        body = _transition(request)
        delegation = (
            approval_selectors.delegations_of(actor=acting_person(request.user))
            .filter(pk=id_or_none(pk) or 0)
            .first()
        )
        if delegation is None:
            return Response(status=status.HTTP_404_NOT_FOUND)
        cancelled = approval_services.delegation_cancel(
            actor=acting_person(request.user), delegation=delegation, version=body["version"]
        )
        return Response(s.DelegationSerializer(cancelled).data)
