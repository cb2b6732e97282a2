"""API for improvement proposals 改进方案, the company improvement plan and forwarded seminar
opinions (ACT-7). Same sealed scope as the rest of the API: lists come from `visible`, single
records from `fetch` (their reads registered); every write is one service call; refusals
answer 4xx and a refused action registers nothing."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from guanxi.access.models import Channel
from guanxi.access.register import client_address, read_of, register_reads
from guanxi.access.scope import acting_person, may, visible
from guanxi.api.improvements import serializers as s
from guanxi.api.views import ScopedViewSet, _existing
from guanxi.feedback.models import FormRecord
from guanxi.improvements import models as m
from guanxi.improvements import selectors as sel
from guanxi.improvements import services
from guanxi.params import id_or_none, int_param


class _Acts(ScopedViewSet):
    """An action's record is found in scope and refused (403) before its read is registered."""

    def _acted_on(self, allowed: Any) -> Any:
        found = self.get_queryset().filter(pk=id_or_none(self.kwargs["pk"]) or 0).first()
        if found is None:
            raise Http404
        actor = acting_person(self.request.user)
        if not allowed(actor, found):
            raise PermissionDenied
        register_reads(
            actor=actor,
            reads=[read_of(found, self.unit_field)],
            channel=Channel.API,
            address=client_address(self.request._request),
        )
        return found


def _forms(request: Request, ids: set[int]) -> dict[int, FormRecord]:
    """The forms named as sources, those the requester may see (others are 'not found')."""
    rows = visible(
        request.user, FormRecord.objects.select_related("unit", "customer"), "feedback.view", "unit"
    )
    found = {record.pk: record for record in rows.filter(pk__in=ids)}
    if set(found) != ids:
        raise Http404
    return found


class ProposalViewSet(
    _Acts,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):
    """Improvement proposals of the reader's line (000 §17.3): a draft is changed and submitted
    by its unit; HQ accepts it into the company plan or returns it."""

    model = m.ImprovementProposal
    view_permission = "improvement.view"
    change_permission = "improvement.change"
    unit_field = sel.PROPOSAL_UNIT
    serializer_class = s.ProposalSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def base_queryset(self) -> QuerySet[m.ImprovementProposal]:
        return m.ImprovementProposal.objects.prefetch_related("sources", "events")

    def get_queryset(self) -> QuerySet[m.ImprovementProposal]:
        if getattr(self, "swagger_fake_view", False):
            return m.ImprovementProposal.objects.none()
        params = self.request.query_params
        status_ = params.get("status", "")[:16]
        filters = sel.ProposalFilters(
            status=status_,
            unit=int_param(params, "unit", strict=True),
            customer=int_param(params, "customer", strict=True),
        )
        return sel.proposal_list(actor=self.request.user, filters=filters).prefetch_related(
            "sources", "events"
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=m.ProposalStatus.values),
            OpenApiParameter("unit", int, description="A unit id; its subtree is included"),
            OpenApiParameter("customer", int),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer: BaseSerializer[m.ImprovementProposal]) -> None:
        data = dict(serializer.validated_data)
        data.pop("version", None)
        given = data.pop("new_sources")
        forms = _forms(self.request, {int(ref["record"]) for ref in given})
        refs = [
            services.SourceRef(
                record=forms[int(ref["record"])],
                kind=ref["kind"],
                dimension=ref.get("dimension") or "",
                opinion=ref.get("opinion"),
            )
            for ref in given
        ]
        actor = acting_person(self.request.user)
        unit = data.pop("unit", None) or services.drawing_unit(actor, refs[0].record)
        if unit is None:
            raise PermissionDenied
        serializer.instance = services.proposal_create(actor=actor, unit=unit, sources=refs, **data)
        # the answer quotes the source forms' words: a read of those forms, as on the page
        register_reads(
            actor=actor,
            reads=[read_of(form, "unit") for form in forms.values()],
            channel=Channel.API,
            address=client_address(self.request._request),
        )

    def perform_update(self, serializer: BaseSerializer[m.ImprovementProposal]) -> None:
        data = dict(serializer.validated_data)
        version = data.pop("version")
        data.pop("unit", None)
        serializer.instance = services.proposal_update(
            actor=acting_person(self.request.user),
            proposal=_existing(serializer.instance),
            version=version,
            **data,
        )

    def _answer(self, proposal: m.ImprovementProposal) -> Response:
        return Response(self.get_serializer(self.base_queryset().get(pk=proposal.pk)).data)

    @extend_schema(request=s.ProposalVersionSerializer, responses=s.ProposalSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """Submit the proposal to HQ marketing (000 §17.3); a returned one is submitted again."""
        proposal = self._acted_on(lambda a, p: services.may_draw_up(a, p.unit_id))
        form = s.ProposalVersionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        done = services.proposal_submit(
            actor=acting_person(request.user), proposal=proposal, **form.validated_data
        )
        return self._answer(done)

    @extend_schema(request=s.ProposalAcceptSerializer, responses=s.ImprovementItemSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        """HQ takes the proposal into this year's company plan with a department and deadline."""
        proposal = self._acted_on(lambda a, _p: services.may_consolidate(a))
        form = s.ProposalAcceptSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        item = services.proposal_accept(
            actor=acting_person(request.user), proposal=proposal, **form.validated_data
        )
        return Response(s.ImprovementItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ProposalReturnSerializer, responses=s.ProposalSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        """HQ sends the proposal back to its unit with the reason."""
        proposal = self._acted_on(lambda a, _p: services.may_consolidate(a))
        form = s.ProposalReturnSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        done = services.proposal_return(
            actor=acting_person(request.user), proposal=proposal, **form.validated_data
        )
        return self._answer(done)


class PlanViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """The years of the company improvement plan (000 §17.4). A plan is a year and its HQ and
    holds no customer data; its items, scoped by department, are /improvement-plan-items/."""

    serializer_class = s.ImprovementPlanSerializer

    def get_queryset(self) -> QuerySet[m.ImprovementPlan]:
        if getattr(self, "swagger_fake_view", False) or not may(
            self.request.user, "improvement.view"
        ):
            return m.ImprovementPlan.objects.none()
        return m.ImprovementPlan.objects.order_by("-year")


class PlanItemViewSet(
    _Acts, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin
):
    """Items of the company improvement plan, scoped by the department responsible: HQ sees
    every item, a unit those of its line. HQ adds and assigns items; the department reports
    progress to done."""

    model = m.PlanItem
    view_permission = "improvement.view"
    unit_field = sel.ITEM_UNIT
    serializer_class = s.ImprovementItemSerializer

    def base_queryset(self) -> QuerySet[m.PlanItem]:
        return m.PlanItem.objects.select_related("plan")

    def get_queryset(self) -> QuerySet[m.PlanItem]:
        if getattr(self, "swagger_fake_view", False):
            return m.PlanItem.objects.none()
        params = self.request.query_params
        filters = sel.ItemFilters(
            year=int_param(params, "year", strict=True),
            status=params.get("status", "")[:16],
            department=int_param(params, "department", strict=True),
        )
        return sel.item_list(actor=self.request.user, filters=filters)

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int),
            OpenApiParameter("status", str, enum=m.ItemStatus.values),
            OpenApiParameter("department", int, description="A unit id; its subtree is included"),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer: BaseSerializer[m.PlanItem]) -> None:
        from django.utils import timezone

        data = dict(serializer.validated_data)
        data.pop("version", None)
        data.setdefault("deadline", None)
        serializer.instance = services.item_create(
            actor=acting_person(self.request.user), year=timezone.localdate().year, **data
        )

    @extend_schema(request=s.ItemProgressSerializer, responses=s.ImprovementItemSerializer)
    @action(detail=True, methods=["post"])
    def progress(self, request: Request, pk: str | None = None) -> Response:
        """Start, finish (say what was done) or reopen the item."""
        item = self._acted_on(services.may_report)
        form = s.ItemProgressSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        done = services.item_progress(
            actor=acting_person(request.user), item=item, **form.validated_data
        )
        return Response(self.get_serializer(done).data)

    @extend_schema(request=s.ItemAssignSerializer, responses=s.ImprovementItemSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        """HQ names another department or deadline."""
        item = self._acted_on(lambda a, _i: services.may_consolidate(a))
        form = s.ItemAssignSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        done = services.item_assign(
            actor=acting_person(request.user), item=item, **form.validated_data
        )
        return Response(self.get_serializer(done).data)


class OpinionViewSet(
    _Acts, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin
):
    """Seminar opinions forwarded to the departments concerned (000 §19.3.3), scoped by the
    department; the seminar's owner forwards, the department acknowledges and answers."""

    model = m.OpinionForward
    view_permission = "improvement.view"
    unit_field = sel.ITEM_UNIT
    serializer_class = s.ForwardedOpinionSerializer

    def get_queryset(self) -> QuerySet[m.OpinionForward]:
        if getattr(self, "swagger_fake_view", False):
            return m.OpinionForward.objects.none()
        return sel.opinion_list(
            actor=self.request.user, status=self.request.query_params.get("status", "")[:16]
        )

    @extend_schema(
        request=s.OpinionForwardSerializer, responses={201: s.ForwardedOpinionSerializer}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = s.OpinionForwardSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        record = _forms(request, {int(data.pop("record"))}).popitem()[1]
        forward = services.opinion_forward(actor=acting_person(request.user), record=record, **data)
        return Response(s.ForwardedOpinionSerializer(forward).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.OpinionAnswerSerializer, responses=s.ForwardedOpinionSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str | None = None) -> Response:
        """Acknowledge (no answer) or answer the opinion."""
        forward = self._acted_on(services.may_answer)
        form = s.OpinionAnswerSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        done = services.opinion_answer(
            actor=acting_person(request.user), forward=forward, **form.validated_data
        )
        return Response(self.get_serializer(done).data)
