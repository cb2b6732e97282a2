"""Pages of plans, activities and approvals."""

from django.urls import URLPattern, URLResolver, path

from guanxi.web.plans import activity_views as a
from guanxi.web.plans import views as v

urlpatterns: list[URLPattern | URLResolver] = [
    path("plans/", v.plan_list_page, name="plan-list"),
    path("plans/consolidation/", v.consolidation_page, name="plan-consolidation"),
    path("plans/company/", v.company_plan_page, name="plan-company"),
    path("plans/company/print.pdf", v.company_plan_pdf, name="plan-company-pdf"),
    path("plans/<int:pk>/", v.plan_detail_page, name="plan-detail"),
    path("plans/<int:pk>/items/", v.item_add_page, name="plan-item-add"),
    path("plans/<int:pk>/items/<int:item>/edit/", v.item_edit_page, name="plan-item-edit"),
    path("plans/<int:pk>/items/<int:item>/delete/", v.item_delete_page, name="plan-item-delete"),
    path("plans/<int:pk>/<str:transition>/", v.plan_transition_page, name="plan-transition"),
    path("plans/<int:pk>/print.pdf", v.plan_pdf, name="plan-pdf"),
    path("plans/<int:pk>/export.xlsx", v.plan_xlsx, name="plan-xlsx"),
    path("activities/", a.activity_list_page, name="activity-list"),
    path("activities/new/", a.activity_new_page, name="activity-new"),
    path("activities/<int:pk>/", a.activity_detail_page, name="activity-detail"),
    path("activities/<int:pk>/write-off/", a.activity_write_off_page, name="activity-write-off"),
    path("activities/<int:pk>/carry-out/", a.activity_carry_out_page, name="activity-carry-out"),
    path("approvals/", a.approval_inbox_page, name="approval-inbox"),
    path("approvals/delegations/", a.delegation_page, name="approval-delegations"),
    path(
        "approvals/delegations/<int:pk>/cancel/",
        a.delegation_cancel_page,
        name="approval-delegation-cancel",
    ),
    path("approvals/<int:pk>/", a.approval_detail_page, name="approval-detail"),
    path("approvals/<int:pk>/<str:decision>/", a.approval_decide_page, name="approval-decide"),
]
