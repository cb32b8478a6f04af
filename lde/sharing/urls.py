from django.urls import path

from lde.sharing import views

app_name = "sharing"

urlpatterns = [
    # Information sharing protocols.
    path("protocols/", views.protocol_list, name="protocol-list"),
    path("protocols/new/", views.protocol_create, name="protocol-create"),
    path("protocols/<int:protocol_id>/", views.protocol_detail, name="protocol-detail"),
    path("protocols/<int:protocol_id>/edit/", views.protocol_update, name="protocol-update"),
    path(
        "protocols/<int:protocol_id>/signatories/",
        views.protocol_signatory_add,
        name="protocol-signatory-add",
    ),
    path("protocols/<int:protocol_id>/status/", views.protocol_status, name="protocol-status"),
    # Briefing products: reading them.
    path("products/", views.product_list, name="product-list"),
    path("products/new/", views.product_create, name="product-create"),
    path("products/<int:product_id>/", views.product_detail, name="product-detail"),
    path(
        "products/<int:product_id>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment-download",
    ),
    path("products/<int:product_id>/pdf/", views.product_pdf, name="product-pdf"),
    # Drafting.
    path("products/<int:product_id>/edit/", views.product_update, name="product-update"),
    path("products/<int:product_id>/people/", views.product_people, name="product-people"),
    path(
        "products/<int:product_id>/people/<int:person_id>/remove/",
        views.product_person_remove,
        name="product-person-remove",
    ),
    path(
        "products/<int:product_id>/dissemination/",
        views.product_dissemination,
        name="product-dissemination",
    ),
    path(
        "products/<int:product_id>/dissemination/<int:entry_id>/remove/",
        views.dissemination_remove,
        name="dissemination-remove",
    ),
    path("products/<int:product_id>/attachments/", views.attachment_add, name="attachment-add"),
    path(
        "products/<int:product_id>/attachments/<int:attachment_id>/remove/",
        views.attachment_remove,
        name="attachment-remove",
    ),
    # The gateway review.
    path("products/<int:product_id>/submit/", views.product_submit, name="product-submit"),
    path("products/<int:product_id>/approve/", views.product_approve, name="product-approve"),
    path("products/<int:product_id>/comments/", views.product_comment, name="product-comment"),
    path(
        "products/<int:product_id>/return-to-draft/",
        views.product_return_to_draft,
        name="product-return-to-draft",
    ),
    path("products/<int:product_id>/release/", views.product_release, name="product-release"),
    path("products/<int:product_id>/withdraw/", views.product_withdraw, name="product-withdraw"),
    path(
        "products/<int:product_id>/new-version/",
        views.product_new_version,
        name="product-new-version",
    ),
    # Handling by readers.
    path(
        "products/<int:product_id>/acknowledge/",
        views.product_acknowledge,
        name="product-acknowledge",
    ),
    path("products/<int:product_id>/feedback/", views.product_feedback, name="product-feedback"),
    path(
        "products/<int:product_id>/readership/",
        views.product_readership,
        name="product-readership",
    ),
    path(
        "products/<int:product_id>/access-request/",
        views.product_access_request,
        name="product-access-request",
    ),
    path("access-requests/", views.access_request_list, name="access-request-list"),
    path(
        "access-requests/<int:request_id>/",
        views.access_request_answer,
        name="access-request-answer",
    ),
    # The catalogue of information sources (¶60–61).
    path("partnerships/<int:partnership_id>/sources/", views.source_list, name="source-list"),
    path(
        "partnerships/<int:partnership_id>/sources/new/",
        views.source_create,
        name="source-create",
    ),
    path("sources/<int:source_id>/", views.source_detail, name="source-detail"),
    path("sources/<int:source_id>/edit/", views.source_update, name="source-update"),
]
