from django.urls import path

from guanxi.web.contactreports import views as v

app_name = "contactreports"
urlpatterns = [
    path("contact-reports/", v.report_list_page, name="report-list"),
    path("contact-reports/new/", v.report_create_page, name="report-create"),
    path("contact-reports/<int:pk>/", v.report_detail_page, name="report-detail"),
    path("contact-reports/<int:pk>/edit/", v.report_edit_page, name="report-edit"),
    path("customers/<int:pk>/timeline/", v.timeline_page, name="customer-timeline"),
    path("customers/<int:pk>/timeline/section/", v.timeline_section, name="timeline-section"),
    path("customers/<int:pk>/next-contact/", v.next_contact_page, name="next-contact"),
]
