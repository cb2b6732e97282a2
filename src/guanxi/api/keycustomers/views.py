"""API for key-customer visits, annual customer plans and campaigns (PLAN-5–7).

Same sealed scope as the rest of the API: lists come from `visible`, single records from
`fetch` (their reads registered); every write is one service call; refusals answer 4xx."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from guanxi.access.models import Channel
from guanxi.access.register import client_address, read_of, register_reads
from guanxi.access.scope import acting_person
from guanxi.api.keycustomers import serializers as s
from guanxi.api.parsers import JSONParser
from guanxi.api.views import ScopedViewSet, _existing
from guanxi.keycustomers import campaigns, customer_plans, visits
from guanxi.keycustomers import models as k
from guanxi.keycustomers.selectors import (
    VisitFilters,
    campaign_list,
    campaign_rollup,
    visit_list,
)
from guanxi.params import id_or_none, int_param


def _data(serializer: BaseSerializer[Any]) -> dict[str, Any]:
    data = dict(serializer.validated_data)
    data.pop("version", None)
    return data


def _stops(rows: list[dict[str, Any]] | None) -> list[visits.Stop] | None:
    return None if rows is None else [visits.Stop(**row) for row in rows]


class VisitPlanViewSet(
    ScopedViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):
    """Outgoing visit plans 拜访方案 and incoming visits 来访 (002 §7). Creating one queues
    e-mails to the notified units' people and our people on the visit."""

    model = k.VisitPlan
    view_permission = "visit.view"
    unit_field = "customer__owning_unit"
    serializer_class = s.VisitPlanSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def base_queryset(self) -> QuerySet[k.VisitPlan]:
        return k.VisitPlan.objects.select_related("customer").prefetch_related(
            "their_people", "our_people", "notified_units", "itinerary", "follow_ups", "materials"
        )

    def get_queryset(self) -> QuerySet[k.VisitPlan]:
        if getattr(self, "swagger_fake_view", False):
            return k.VisitPlan.objects.none()
        params = self.request.query_params
        filters = VisitFilters(
            direction=params.get("direction", "")[:16],
            status=params.get("status", "")[:16],
            customer=int_param(params, "customer", strict=True),
        )
        return visit_list(actor=self.request.user, filters=filters).prefetch_related(
            "their_people", "our_people", "notified_units", "itinerary", "follow_ups", "materials"
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("direction", str, enum=k.VisitDirection.values),
            OpenApiParameter("status", str, enum=k.VisitStatus.values),
            OpenApiParameter("customer", int),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer: BaseSerializer[k.VisitPlan]) -> None:
        data = _data(serializer)
        data["itinerary"] = _stops(data.get("itinerary")) or ()
        serializer.instance = visits.visit_create(actor=acting_person(self.request.user), **data)

    def perform_update(self, serializer: BaseSerializer[k.VisitPlan]) -> None:
        data = dict(serializer.validated_data)
        version = data.pop("version")
        data.pop("customer", None)
        data.pop("direction", None)
        data["itinerary"] = _stops(data.get("itinerary"))
        serializer.instance = visits.visit_update(
            actor=acting_person(self.request.user),
            visit=_existing(serializer.instance),
            version=version,
            **data,
        )

    def _answer(self, visit: k.VisitPlan) -> Response:
        fresh = self.base_queryset().get(pk=visit.pk)
        return Response(self.get_serializer(fresh).data)

    @extend_schema(request=s.SummarySerializer, responses=s.VisitPlanSerializer)
    @action(detail=True, methods=["post"])
    def summarise(self, request: Request, pk: str | None = None) -> Response:
        """After the visit: summary, an archive information row, follow-ups (§7.1.4, §7.2.3)."""
        visit = self.get_object()
        form = s.SummarySerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        follow_ups = [visits.NewFollowUp(**item) for item in data.pop("follow_ups", [])]
        done = visits.visit_summarise(
            actor=acting_person(request.user), visit=visit, follow_ups=follow_ups, **data
        )
        return self._answer(done)

    @extend_schema(request=s.VersionOnlySerializer, responses=s.VisitPlanSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        visit = self.get_object()
        form = s.VersionOnlySerializer(data=request.data)
        form.is_valid(raise_exception=True)
        done = visits.visit_cancel(
            actor=acting_person(request.user), visit=visit, version=form.validated_data["version"]
        )
        return self._answer(done)

    @extend_schema(
        request={"multipart/form-data": s.BriefingUploadSerializer},
        responses={201: s.MaterialSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser, JSONParser])
    def materials(self, request: Request, pk: str | None = None) -> Response:
        """Upload a briefing document 会议备参; the type is judged by its content."""
        visit = self.get_object()
        form = s.BriefingUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        material = visits.material_add(
            actor=acting_person(request.user), visit=visit, upload=form.validated_data["file"]
        )
        return Response(s.MaterialSerializer(material).data, status=status.HTTP_201_CREATED)


class FollowUpViewSet(
    ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin
):
    """Follow-up items from visits; `?mine=1&open=1` lists the caller's open ones."""

    model = k.FollowUp
    view_permission = "visit.view"
    unit_field = "visit__customer__owning_unit"
    serializer_class = s.FollowUpSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[k.FollowUp]:
        queryset = super().get_queryset()
        params = self.request.query_params
        if params.get("mine") == "1":
            queryset = queryset.filter(owner_id=self.request.user.pk)
        if params.get("open") == "1":
            queryset = queryset.filter(status=k.FollowUpStatus.OPEN)
        return queryset

    @extend_schema(parameters=[OpenApiParameter("mine", str), OpenApiParameter("open", str)])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def perform_update(self, serializer: BaseSerializer[k.FollowUp]) -> None:
        data = dict(serializer.validated_data)
        item = _existing(serializer.instance)
        serializer.instance = visits.follow_up_update(
            actor=acting_person(self.request.user),
            follow_up=item,
            version=data["version"],
            status=data.get("status", item.status),
            progress=data.get("progress", item.progress),
        )


class CustomerPlanViewSet(
    ScopedViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):
    """Annual customer plans 客户计划 (003 §14–16); the detail carries the contact plan with
    contacts made counted from contact reports, the action plan and the revenue plan."""

    model = k.CustomerPlan
    view_permission = "customer_plan.view"
    change_permission = "customer_plan.change"
    unit_field = "customer__owning_unit"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        return (
            s.CustomerPlanDetailSerializer
            if self.action == "retrieve"
            else s.CustomerPlanSerializer
        )

    def base_queryset(self) -> QuerySet[k.CustomerPlan]:
        return k.CustomerPlan.objects.select_related("customer")

    def get_queryset(self) -> QuerySet[k.CustomerPlan]:
        queryset = super().get_queryset()
        year = int_param(
            self.request.query_params,
            "year",
            low=k.PLAN_YEAR_MIN,
            high=k.PLAN_YEAR_MAX,
            strict=True,
        )
        return queryset if year is None else queryset.filter(year=year)

    @extend_schema(parameters=[OpenApiParameter("year", int)])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer: BaseSerializer[k.CustomerPlan]) -> None:
        serializer.instance = customer_plans.customer_plan_create(
            actor=acting_person(self.request.user), **_data(serializer)
        )

    def perform_update(self, serializer: BaseSerializer[k.CustomerPlan]) -> None:
        data = dict(serializer.validated_data)
        version = data.pop("version")
        data.pop("customer", None)
        data.pop("year", None)
        serializer.instance = customer_plans.customer_plan_update(
            actor=acting_person(self.request.user),
            plan=_existing(serializer.instance),
            version=version,
            **data,
        )


class PlanRowViewSet(
    ScopedViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
):
    """A row of a customer plan's table; DELETE needs `?version=`."""

    view_permission = "customer_plan.view"
    change_permission = "customer_plan.change"
    unit_field = "plan__customer__owning_unit"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    row_kind: ClassVar[Any]

    def base_queryset(self) -> QuerySet[Any]:
        return self.model._default_manager.select_related("plan__customer")

    def get_queryset(self) -> QuerySet[Any]:
        queryset = super().get_queryset()
        plan = int_param(self.request.query_params, "plan", strict=True)
        return queryset if plan is None else queryset.filter(plan_id=plan)

    @extend_schema(parameters=[OpenApiParameter("plan", int)])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        data = _data(serializer)
        serializer.instance = customer_plans.plan_row_add(
            actor=acting_person(self.request.user), kind=self.row_kind, **data
        )

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        data = dict(serializer.validated_data)
        version = data.pop("version")
        data.pop("plan", None)
        serializer.instance = customer_plans.plan_row_update(
            actor=acting_person(self.request.user),
            row=_existing(serializer.instance),
            version=version,
            **data,
        )

    @extend_schema(parameters=[OpenApiParameter("version", int, required=True)])
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().destroy(request, *args, **kwargs)

    def perform_destroy(self, instance: Any) -> None:
        version = int_param(self.request.query_params, "version", strict=True)
        if version is None:
            raise ValidationError({"version": _("Send the version you loaded.")})
        customer_plans.plan_row_delete(
            actor=acting_person(self.request.user), row=instance, version=version
        )


class ContactRowViewSet(PlanRowViewSet):
    """客户接触计划 (003 附表6)."""

    model = row_kind = k.ContactPlanRow
    serializer_class = s.ContactRowSerializer


class ActionRowViewSet(PlanRowViewSet):
    """行动计划 (003 附表7)."""

    model = row_kind = k.ActionPlanRow
    serializer_class = s.ActionRowSerializer


class RevenueRowViewSet(PlanRowViewSet):
    """收益计划 (003 附表7): expected revenue and profit computed in Decimal, to the fen."""

    model = row_kind = k.RevenuePlanRow
    serializer_class = s.RevenueRowSerializer


class CampaignViewSet(
    ScopedViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):
    """Product and service campaigns (002 §6): company-wide ones from HQ, regional ones from a
    unit for its line. Published company-wide campaigns are seen by every unit."""

    model = k.Campaign
    view_permission = "campaign.view"
    unit_field = "unit"
    serializer_class = s.CampaignSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[k.Campaign]:
        return campaign_list(actor=self.request.user)

    def get_object(self) -> k.Campaign:
        """Scoped by `campaign_list` (line + published company-wide); the read registered."""
        try:
            campaign = self.get_queryset().get(pk=id_or_none(self.kwargs["pk"]) or 0)
        except k.Campaign.DoesNotExist as error:
            raise Http404 from error
        register_reads(
            actor=acting_person(self.request.user),
            reads=[read_of(campaign, "unit")],
            channel=Channel.API,
            address=client_address(self.request._request),
        )
        return campaign

    def perform_create(self, serializer: BaseSerializer[k.Campaign]) -> None:
        serializer.instance = campaigns.campaign_create(
            actor=acting_person(self.request.user), **_data(serializer)
        )

    def perform_update(self, serializer: BaseSerializer[k.Campaign]) -> None:
        data = dict(serializer.validated_data)
        version = data.pop("version")
        data.pop("unit", None)
        data.pop("scope", None)
        serializer.instance = campaigns.campaign_update(
            actor=acting_person(self.request.user),
            campaign=_existing(serializer.instance),
            version=version,
            **data,
        )

    def _transition(self, request: Request, service: Any) -> Response:
        campaign = self.get_object()
        form = s.VersionOnlySerializer(data=request.data)
        form.is_valid(raise_exception=True)
        done = service(
            actor=acting_person(request.user),
            campaign=campaign,
            version=form.validated_data["version"],
        )
        return Response(s.CampaignSerializer(done).data)

    @extend_schema(request=s.VersionOnlySerializer, responses=s.CampaignSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, campaigns.campaign_publish)

    @extend_schema(request=s.VersionOnlySerializer, responses=s.CampaignSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, campaigns.campaign_close)

    @extend_schema(responses=s.RollupRowSerializer(many=True))
    @action(detail=True, methods=["get"])
    def rollup(self, request: Request, pk: str | None = None) -> Response:
        """Targets per reporting unit and progress, over the units the reader may see."""
        rows = campaign_rollup(actor=request.user, campaign=self.get_object())
        return Response(s.RollupRowSerializer(rows, many=True).data)


class CampaignTargetViewSet(
    ScopedViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):
    """A campaign's target customers with intent and progress, reported by their units."""

    model = k.CampaignTarget
    view_permission = "campaign.view"
    unit_field = "customer__owning_unit"
    serializer_class = s.CampaignTargetSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def base_queryset(self) -> QuerySet[k.CampaignTarget]:
        return k.CampaignTarget.objects.select_related("customer", "campaign")

    def get_queryset(self) -> QuerySet[k.CampaignTarget]:
        queryset = super().get_queryset()
        campaign = int_param(self.request.query_params, "campaign", strict=True)
        return queryset if campaign is None else queryset.filter(campaign_id=campaign)

    @extend_schema(parameters=[OpenApiParameter("campaign", int)])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer: BaseSerializer[k.CampaignTarget]) -> None:
        data = _data(serializer)
        actor = acting_person(self.request.user)
        if not campaign_list(actor=actor).filter(pk=data["campaign"].pk).exists():
            raise Http404
        serializer.instance = campaigns.target_add(actor=actor, **data)

    def perform_update(self, serializer: BaseSerializer[k.CampaignTarget]) -> None:
        data = dict(serializer.validated_data)
        version = data.pop("version")
        data.pop("campaign", None)
        data.pop("customer", None)
        serializer.instance = campaigns.target_update(
            actor=acting_person(self.request.user),
            target=_existing(serializer.instance),
            version=version,
            **data,
        )
