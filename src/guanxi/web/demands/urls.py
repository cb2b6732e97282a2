from django.urls import path

from guanxi.web.demands import reports as r
from guanxi.web.demands import views as v

app_name = "demands"
urlpatterns = [
    path("demands/", v.demand_list_page, name="demand-list"),
    path("demands/new/", v.demand_create_page, name="demand-create"),
    path("demands/liaisons/", r.liaison_page, name="liaisons"),
    path("demands/liaisons/customers/<int:pk>/", r.follower_set_page, name="follower-set"),
    path("demands/liaisons/units/<int:pk>/", r.unit_contact_set_page, name="unit-contact-set"),
    path("demands/<int:pk>/", v.demand_detail_page, name="demand-detail"),
    path("demands/<int:pk>/edit/", v.demand_edit_page, name="demand-edit"),
    path("demands/<int:pk>/move/", v.demand_move_page, name="demand-move"),
    path("demands/<int:pk>/escalate/", v.demand_escalate_page, name="demand-escalate"),
    path("complaints/", v.complaint_list_page, name="complaint-list"),
    path("complaints/new/", v.complaint_create_page, name="complaint-create"),
    path("complaints/<int:pk>/", v.complaint_detail_page, name="complaint-detail"),
    path("complaints/<int:pk>/answer/", v.complaint_answer_page, name="complaint-answer"),
    path("monthly-reports/", r.report_list_page, name="report-list"),
    path("monthly-reports/generate/", r.report_generate_page, name="report-generate"),
    path("monthly-reports/<int:pk>/", r.report_detail_page, name="report-detail"),
    path("monthly-reports/<int:pk>/print.pdf", r.report_pdf_page, name="report-pdf"),
    path("monthly-reports/<int:pk>/export.xlsx", r.report_xlsx_page, name="report-xlsx"),
    path("monthly-reports/<int:pk>/publish/", r.report_publish_page, name="report-publish"),
    path("monthly-reports/submissions/", r.submission_open_page, name="submission-open"),
    path(
        "monthly-reports/submissions/<int:pk>/", r.submission_detail_page, name="submission-detail"
    ),
    path(
        "monthly-reports/submissions/<int:pk>/entries/",
        r.submission_entry_page,
        name="submission-entry",
    ),
    path(
        "monthly-reports/submissions/<int:pk>/submit/",
        r.submission_submit_page,
        name="submission-submit",
    ),
]
