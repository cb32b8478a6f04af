"""Settings shared by every environment. Values that vary come from config.env only."""

from __future__ import annotations

from config import env

BASE_DIR = env.BASE_DIR
DATA_DIR = env.DATA_DIR
DATA_DIR.mkdir(parents=True, exist_ok=True)
SECRET_KEY = env.SECRET_KEY
LDE_AUDIT_KEY = env.AUDIT_KEY
DEBUG = env.DEBUG
ALLOWED_HOSTS = env.ALLOWED_HOSTS

SERVICE_NAME = "Prevent LDE"
if _problem := env.site_url_problem(env.SITE_URL, production=False):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(_problem)
LDE_SITE_URL = env.SITE_URL
EMAIL_BACKEND = env.EMAIL_BACKEND
EMAIL_HOST = env.EMAIL_HOST
# The relay's port, login, TLS or SSL and time-out (config/env.py: email_config).
EMAIL_PORT = env.EMAIL["EMAIL_PORT"]
EMAIL_HOST_USER = env.EMAIL["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = env.EMAIL["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = env.EMAIL["EMAIL_USE_TLS"]
EMAIL_USE_SSL = env.EMAIL["EMAIL_USE_SSL"]
EMAIL_TIMEOUT = env.EMAIL["EMAIL_TIMEOUT"]
DEFAULT_FROM_EMAIL = env.DEFAULT_FROM_EMAIL
PASSWORD_RESET_TIMEOUT = 3 * 24 * 60 * 60

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "govuk_frontend_django",
    # The API's documentation page is then served with django-ninja's own copy of its scripts
    # and styles, from this service: the content security policy allows no other origin.
    "ninja",
    "lde.core",
    "lde.accounts",
    "lde.partnerships",
    "lde.frameworks",
    "lde.assessments",
    "lde.action_plans",
    "lde.sharing",
    "lde.rollups",
    "lde.engagement",
    "lde.narratives",
    "lde.capacity",
    "lde.commissioning",
    "lde.consequence_management",
    "lde.programme",
    "lde.monitoring",
    "lde.indicators",
    "lde.surveys",
    "lde.what_works",
    "lde.inspections",
    "lde.api",
    "benchmarks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lde.core.middleware.RequestIdMiddleware",
    "lde.core.middleware.PrivateNoStoreMiddleware",
    "lde.api.middleware.NullCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "lde.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "lde.core.middleware.PolicyDeniedMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "lde" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lde.core.context_processors.service",
            ],
        },
    }
]
# Forms render through Django's own renderer with GOV.UK field templates the project owns.
FORM_RENDERER = "lde.core.govuk.renderer.GovukFormRenderer"

DATABASES = {"default": env.database_config(env.DATABASE_URL, DATA_DIR / "lde.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"

# Lockout after repeated failures, per username and address together, so that nobody elsewhere
# can lock a person out. Behind a reverse proxy the address comes from X-Forwarded-For, believed
# only from the proxies named in LDE_TRUSTED_PROXIES (see lde.core.network).
LDE_TRUSTED_PROXIES = env.trusted_proxies(env.TRUSTED_PROXIES)
AXES_CLIENT_IP_CALLABLE = "lde.core.network.client_ip"
# The form signs in whatever the case of the email address, so lockout must count it the same:
# otherwise each spelling ("Name@…", "name@…") would get its own five tries.
AXES_USERNAME_CALLABLE = "lde.accounts.lockout.lockout_username"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"

OTP_TOTP_ISSUER = SERVICE_NAME
# The admin must never show anyone's second-factor key or QR code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Sign-in through the council's or force's identity provider (OpenID Connect; lde.accounts.oidc,
# docs/apps/accounts.md). With no issuer or client, there is no button and its pages answer 404.
LDE_OIDC_ISSUER = env.env_str("LDE_OIDC_ISSUER", "").strip()
LDE_OIDC_CLIENT_ID = env.env_str("LDE_OIDC_CLIENT_ID", "").strip()
LDE_OIDC_CLIENT_SECRET = env.env_str("LDE_OIDC_CLIENT_SECRET", "").strip()
LDE_OIDC_NAME = env.env_str("LDE_OIDC_NAME", "your organisation's account").strip()
LDE_OIDC_SCOPES = env.env_list("LDE_OIDC_SCOPES", ["openid", "email", "profile"])
# The claim holding the email address, and the claim that must be true for it to be believed
# (Microsoft Entra ID: xms_edov, the optional "email domain owner verified" claim).
LDE_OIDC_EMAIL_CLAIM = env.env_str("LDE_OIDC_EMAIL_CLAIM", "email").strip()
LDE_OIDC_EMAIL_VERIFIED_CLAIM = env.env_str("LDE_OIDC_EMAIL_VERIFIED_CLAIM", "email_verified")
# What counts as the provider asserting a second factor: any of these `amr` values (RFC 8176),
# or an `acr` among these (empty: none).
LDE_OIDC_MFA_AMR = env.env_list("LDE_OIDC_MFA_AMR", ["mfa", "otp", "hwk"])
LDE_OIDC_MFA_ACR = env.env_list("LDE_OIDC_MFA_ACR", [])

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "lde" / "static"]
# Uploaded files live outside the web root and are served only through policy-checked views.
PRIVATE_FILES_ROOT = DATA_DIR / "files"
AUDIT_CHECKPOINT_DIR = DATA_DIR / "audit-checkpoints"

SESSION_COOKIE_SECURE = env.SECURE_COOKIES
CSRF_COOKIE_SECURE = env.SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
LDE_FACTS_LOADER = "lde.partnerships.selectors.user_facts_load"
# Who besides site administrators may assign an inspector or peer reviewer (partnerships.services.
# assignment_create): a programme lead, to a site of their own programme.
LDE_ASSIGNMENT_AUTHORITIES = ["lde.inspections.policies.programme_lead_assigns"]
# Memberships live above accounts: its policies ask core, and partnerships answers (ADR 0011).
LDE_PEOPLE_REACHED = "lde.partnerships.reach.people_reached_q"
LDE_HOME_PANELS = [
    "lde.partnerships.panels.partnerships_panel",
    "lde.assessments.panels.assessments_panel",
    "lde.action_plans.panels.overdue_actions_panel",
    "lde.capacity.panels.capacity_panel",
    "lde.commissioning.panels.commissioning_panel",
    "lde.consequence_management.panels.readiness_panel",
    "lde.programme.panels.programme_panel",
    "lde.monitoring.panels.monitoring_panel",
    "lde.indicators.panels.indicators_panel",
    "lde.surveys.datasets.panels.survey_data_sets_panel",
    "lde.surveys.questionnaires.panels.questionnaires_panel",
    "lde.what_works.panels.what_works_panel",
    "lde.narratives.panels.narratives_due_panel",
    "lde.sharing.panels.sharing_panel",
    "lde.engagement.panels.engagement_panel",
    "lde.accounts.panels.vetting_panel",
    "lde.partnerships.panels.site_administration_panel",
    "lde.rollups.panels.national_analyst_panel",
    "lde.rollups.panels.similar_areas_panel",
    "lde.inspections.panels.inspections_panel",
    "lde.frameworks.panels.frameworks_panel",
]
# The national figures (briefing coverage by region) are kept this many seconds once worked out,
# in each process's cache, and shown with the time they were worked out (docs/apps/rollups.md).
LDE_NATIONAL_FIGURES_SECONDS = 300
AXES_LOCKOUT_CALLABLE = "lde.accounts.views.locked_out"
LDE_DEMO_BUILDERS: list[str] = [
    "lde.frameworks.demo.demo_build",
    "lde.assessments.demo.demo_build",
    "lde.action_plans.demo.demo_build",
    "lde.sharing.demo.demo_build",
    "lde.engagement.demo.demo_build",
    "lde.narratives.demo.demo_build",
    "lde.commissioning.demo.demo_build",
    "lde.capacity.demo.demo_build",
    "lde.programme.demo.demo_build",
    "lde.monitoring.demo.demo_build",
    "lde.indicators.demo.demo_build",
    "lde.surveys.datasets.demo.demo_build",
    "lde.surveys.questionnaires.demo.demo_build",
    "lde.what_works.demo.demo_build",
    "lde.consequence_management.demo.demo_build",
    "lde.rollups.demo.demo_build",
    # After the national picture: open data drawn from it, and a second national analyst.
    "lde.rollups.opendata_demo.demo_build",
    "lde.inspections.demo.demo_build",
    # After the inspections demo's programme: its findings, case studies and feedback.
    "lde.inspections.demo_learning.demo_build",
]
