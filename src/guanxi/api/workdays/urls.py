"""API routes of the working-day calendar."""

from django.urls import path

from guanxi.api.workdays import views as v

urlpatterns = [
    path("calendar/working-days/", v.WorkingDaysView.as_view(), name="calendar-working-days"),
    path("calendar/days/", v.CalendarDaysView.as_view(), name="calendar-days"),
]
