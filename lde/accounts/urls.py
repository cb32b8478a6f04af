from django.urls import path

from lde.accounts import oidc_views, views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    # Sign-in through the council's or force's identity provider (404 unless it is set up).
    path("accounts/oidc/start/", oidc_views.oidc_start, name="oidc-start"),
    path("accounts/oidc/callback/", oidc_views.oidc_callback, name="oidc-callback"),
    path("password/forgotten/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password/sent/", views.PasswordResetSentView.as_view(), name="password-reset-sent"),
    path("password/set/<uidb64>/<token>/", views.PasswordSetView.as_view(), name="password-set"),
    path("password/done/", views.PasswordSetDoneView.as_view(), name="password-set-done"),
    path("two-factor/", views.two_factor_verify, name="two-factor"),
    path("two-factor/set-up/", views.two_factor_set_up, name="two-factor-set-up"),
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/", views.api_token_create, name="api-token-create"),
    path("profile/tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api-token-revoke"),
    # Site administration: people and their site-wide grants.
    path("site-administration/people/", views.person_list, name="person-list"),
    path("site-administration/people/<int:account_id>/", views.person_detail, name="person-detail"),
    path(
        "site-administration/people/<int:account_id>/access/",
        views.person_access_change,
        name="person-access-change",
    ),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/new/", views.organisation_create, name="organisation-create"),
    path(
        "organisations/<int:organisation_id>/",
        views.organisation_detail,
        name="organisation-detail",
    ),
    path(
        "organisations/<int:organisation_id>/edit/",
        views.organisation_update,
        name="organisation-update",
    ),
    path(
        "organisations/<int:organisation_id>/clearances/",
        views.organisation_clearances,
        name="organisation-clearances",
    ),
    path(
        "organisations/<int:organisation_id>/clearances/new/",
        views.clearance_record,
        name="clearance-record",
    ),
    path(
        "organisations/<int:organisation_id>/clearances/<int:clearance_id>/revoke/",
        views.clearance_revoke,
        name="clearance-revoke",
    ),
    path(
        "organisations/<int:organisation_id>/posts/<int:post_id>/holder/",
        views.organisation_post_holder_change,
        name="organisation-post-holder-change",
    ),
    path(
        "organisations/<int:organisation_id>/security-contact/",
        views.security_contact_post_create,
        name="security-contact-post-create",
    ),
    path(
        "organisations/<int:organisation_id>/caveats/new/",
        views.caveat_grant_record,
        name="caveat-grant-record",
    ),
    path(
        "organisations/<int:organisation_id>/caveats/<int:grant_id>/revoke/",
        views.caveat_grant_revoke,
        name="caveat-grant-revoke",
    ),
]
