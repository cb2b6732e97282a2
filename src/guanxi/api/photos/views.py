"""The photos of customer units and key persons through the API (CUS-2, CUS-3): the same
service and the same access rules as the pages; every read registered."""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from guanxi.access.models import Channel
from guanxi.access.scope import acting_person
from guanxi.api.serializers import photo_url
from guanxi.customers import photos
from guanxi.customers.models import Contact, Customer
from guanxi.uploads import image_response

IMAGE = OpenApiResponse(OpenApiTypes.BINARY, description="The photo, PNG or JPEG")


class PhotoUploadSerializer(serializers.Serializer):  # type: ignore[type-arg]
    photo = serializers.FileField(help_text=_("A PNG or JPEG photo."))


class PhotoStateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    photo = serializers.URLField(allow_null=True, help_text=_("Where the photo is read."))
    version = serializers.IntegerField()


class PhotoView(APIView):
    """GET the photo (its read registered), POST a new one (multipart, field `photo`), DELETE it."""

    model: ClassVar[type[Customer] | type[Contact]]
    parser_classes = [MultiPartParser, FormParser]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # The photo answers as an image whatever the client accepts; refusals answer as JSON.
        return super().perform_content_negotiation(request, force=True)

    def _state(self, request: Request, record: Customer | Contact) -> Response:
        body = {"id": record.pk, "photo": photo_url(record), "version": record.version}
        return Response(PhotoStateSerializer(body).data)

    @extend_schema(
        description="The photo as PNG or JPEG; the read is registered. 404 without a photo.",
        responses={(200, "image/png"): IMAGE, (200, "image/jpeg"): IMAGE},
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        photo = photos.photo_get(
            actor=request.user, model=self.model, pk=pk, channel=Channel.API, request=request
        )
        return image_response(photo.data, kind=photo.kind)

    @extend_schema(
        description="Upload or replace the photo: PNG or JPEG, judged by content, size capped.",
        request={"multipart/form-data": PhotoUploadSerializer},
        responses={200: PhotoStateSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        actor = acting_person(request.user)
        record = photos.record_for_change(actor=actor, model=self.model, pk=pk)
        form = PhotoUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        done = photos.photo_set(actor=actor, record=record, upload=form.validated_data["photo"])
        return self._state(request, done)

    @extend_schema(
        description="Remove the photo; 400 when there is none.",
        request=None,
        responses={204: None},
    )
    def delete(self, request: Request, pk: int) -> Response:
        actor = acting_person(request.user)
        record = photos.record_for_change(actor=actor, model=self.model, pk=pk)
        photos.photo_remove(actor=actor, record=record)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CustomerPhotoView(PhotoView):
    """The photo of a customer unit 客户单位 (background information, CUS-2)."""

    model = Customer


class ContactPhotoView(PhotoView):
    """The photo of a key person 核心人物 (003 附表2); needs `contact.view_profile`."""

    model = Contact
