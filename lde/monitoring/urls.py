from django.urls import path

from lde.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("<int:partnership_id>/", views.agreement_list, name="agreement-list"),
    path("<int:partnership_id>/rules/", views.rules, name="rules"),
    path("<int:partnership_id>/agreements/new/", views.agreement_create, name="agreement-create"),
    path("awards/<int:award_id>/agreement/", views.agreement_from_award, name="from-award"),
    path("agreements/<int:agreement_id>/", views.agreement_detail, name="agreement-detail"),
    path(
        "agreements/<int:agreement_id>/milestones/new/", views.milestone_add, name="milestone-add"
    ),
    path("agreements/<int:agreement_id>/targets/new/", views.target_add, name="target-add"),
    path(
        "agreements/<int:agreement_id>/indicators/new/", views.indicator_add, name="indicator-add"
    ),
    path("agreements/<int:agreement_id>/lines/new/", views.line_add, name="line-add"),
    path(
        "agreements/<int:agreement_id>/payments/new/", views.instalment_add, name="instalment-add"
    ),
    path(
        "agreements/<int:agreement_id>/activate/",
        views.agreement_activate,
        name="agreement-activate",
    ),
    path("agreements/<int:agreement_id>/close/", views.agreement_close, name="agreement-close"),
    path("returns/<int:return_id>/", views.return_detail, name="return-detail"),
    path("returns/<int:return_id>/edit/", views.return_edit, name="return-edit"),
    path("returns/<int:return_id>/submit/", views.return_submit, name="return-submit"),
    path("returns/<int:return_id>/accept/", views.return_accept, name="return-accept"),
    path("returns/<int:return_id>/send-back/", views.return_send_back, name="return-send-back"),
    path("returns/<int:return_id>/spend/import/", views.spend_import, name="spend-import"),
    path("returns/<int:return_id>/evidence/new/", views.evidence_add, name="evidence-add"),
    path("evidence/<int:return_evidence_id>/", views.evidence_download, name="evidence-download"),
    path("<int:partnership_id>/value-for-money/", views.value_for_money, name="value-for-money"),
    path("<int:partnership_id>/value-for-money.pdf", views.value_for_money_pdf, name="value-pdf"),
    path(
        "<int:partnership_id>/value-for-money.xlsx", views.value_for_money_xlsx, name="value-xlsx"
    ),
    path(
        "alliances/<int:alliance_id>/value-for-money/",
        views.alliance_value_for_money,
        name="alliance-value",
    ),
]
