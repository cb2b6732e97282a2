"""Pages of the working-day calendar (CMP-1)."""

from django.urls import path

from guanxi.web.workdays import views as v

app_name = "workdays"
urlpatterns = [
    path("calendar/", v.calendar_page, name="calendar"),
    path("calendar/overrides/", v.override_add_page, name="override-add"),
    path("calendar/overrides/remove/", v.override_remove_page, name="override-remove"),
    path("calendar/notice/", v.notice_page, name="notice"),
]
