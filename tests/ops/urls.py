"""The product's URLs plus one view that fails, to see the 500 page and its log line."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from guanxi.urls import urlpatterns as product_urls


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("deliberate failure for the error-page test")


handler500 = "guanxi.ops.views.server_error"
urlpatterns = [path("ops-test/boom/", boom, name="ops-test-boom"), *product_urls]
