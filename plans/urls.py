"""Addresses of the plans app."""

from __future__ import annotations

from django.urls import path

from plans.views import content, pdf, plan, review

app_name = "plans"

urlpatterns = [
    path("", plan.plan_list, name="list"),
    path("reviews/", review.review_due_list, name="reviews"),
    path("reviews/new/<int:account_pk>/", review.review_create, name="review_create"),
    path("reviews/cadence/<int:account_pk>/", review.account_cadence_edit, name="review_cadence"),
    path("reviews/<int:pk>/", review.review_detail, name="review_detail"),
    path("reviews/<int:pk>/edit/", review.review_edit, name="review_edit"),
    path("reviews/<int:pk>/actions/<int:action_pk>/status/", review.review_action_status, name="review_action_status"),
    path("new/<int:account_pk>/", plan.plan_create_view, name="create"),
    path("<int:pk>/", plan.plan_detail, name="detail"),
    path("<int:pk>/edit/", plan.plan_edit, name="edit"),
    path("<int:pk>/submit/", plan.plan_submit_view, name="submit"),
    path("<int:pk>/approve/", plan.plan_approve_view, name="approve"),
    path("<int:pk>/send-back/", plan.plan_send_back_view, name="send_back"),
    path("<int:pk>/revise/", plan.plan_revise_view, name="revise"),
    path("<int:pk>/next/", plan.plan_next_view, name="next"),
    path("<int:pk>/comments/", plan.plan_comment_view, name="comment"),
    path("<int:pk>/versions/<int:number>/", plan.plan_version, name="version"),
    path("<int:pk>/add/<slug:kind>/", content.add_form, name="add_form"),
    path("<int:pk>/objectives/", content.objective_add, name="objective_add"),
    path("<int:pk>/objectives/new/", content.objective_new, name="objective_new"),
    path("<int:pk>/objectives/<int:objective_pk>/delete/", content.objective_delete, name="objective_delete"),
    path("<int:pk>/objectives/<int:objective_pk>/checkpoints/", content.checkpoint_add, name="checkpoint_add"),
    path("<int:pk>/checkpoints/<int:checkpoint_pk>/actual/", content.checkpoint_actual, name="checkpoint_actual"),
    path("<int:pk>/actions/", content.action_add, name="action_add"),
    path("<int:pk>/actions/<int:action_pk>/status/", content.action_status, name="action_status"),
    path("<int:pk>/resources/", content.resource_add, name="resource_add"),
    path("<int:pk>/services/", content.service_add, name="service_add"),
    path("<int:pk>/pdf/", pdf.plan_pdf, name="pdf"),
    path("<int:pk>/pdf/<int:pdf_pk>/", pdf.plan_pdf_status, name="pdf_status"),
    path("<int:pk>/pdf/<int:pdf_pk>/download/", pdf.plan_pdf_download, name="pdf_download"),
]
