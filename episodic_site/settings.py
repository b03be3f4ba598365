"""Settings for the Episodic site, every value taken from the environment.

The defaults make a safe local site: DEBUG off, SQLite and the task queue in
``var/``, a secret key generated once into ``var/secret_key``. README.md
("Environment") lists the variables; ``episodic_site.env`` parses them and fails
at start-up, naming the variable, on a value it cannot use.
"""

import os
from datetime import timedelta
from pathlib import Path

from django.utils.csp import CSP

from episodic_site.backing_services import (
    SQLITE_ENGINE,
    cache_settings,
    database_settings,
    q_cluster_settings,
)
from episodic_site.env import env_bool, env_choice, env_int, env_list, env_str
from episodic_site.interp_exec_env import interp_exec_settings
from episodic_site.log_config import LOG_FORMATS, configure_logging
from episodic_site.private_files import private_directory, private_sqlite_database
from episodic_site.secret_key import load_or_create_secret_key
from episodic_site.workloads import MODULES as EPISODIC_WORKLOADS

BASE_DIR = Path(__file__).resolve().parent.parent
# Everything this site writes at run time (database, secret key, collected static
# files) goes here, readable by this account only; it is git-ignored.
VAR_DIR = private_directory(BASE_DIR / "var")
# Every process writes its Prometheus figures here and /metrics/ adds them up
# (interp_exec.contrib.metrics.definitions). prometheus_client reads the variable when the first
# metric is made, so it is set here, before anything imports it; worker
# processes inherit it.
os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(
    private_directory(Path(env_str("PROMETHEUS_MULTIPROC_DIR", str(VAR_DIR / "prometheus"))))
)

# --- Core -------------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", None) or load_or_create_secret_key(VAR_DIR / "secret_key")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "episodic_site.admin_site.EpisodicAdminConfig",  # django.contrib.admin, see the module
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "waffle",
    "django_q",
    "axes",
    "health_check",
    "rest_framework",
    "rest_framework.authtoken",  # API tokens, created in the admin (Auth Token > Tokens)
    "drf_spectacular",
    "interp_exec",
    # The app's optional parts, each installed with its extra (pyproject.toml).
    "interp_exec.contrib.api",
    "interp_exec.contrib.metrics",
    "interp_exec.contrib.health",
    "episodic_site",
]

MIDDLEWARE = [
    # First: whatever layer refuses a request under /cpu/api/, the answer is JSON.
    "interp_exec.contrib.api.middleware.ApiErrorsAsJson",
    "django.middleware.security.SecurityMiddleware",
    # A view that fails because the database, the cache or the broker is down
    # answers 503 naming it, not an error page (interp_exec.ops.outages).
    "interp_exec.ops.outages.OutageMiddleware",
    # Before anything reads request.POST (the CSRF check): see the module.
    "episodic_site.form_encoding.RejectNonUtf8FormsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "waffle.middleware.WaffleMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into its 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "episodic_site.urls"
WSGI_APPLICATION = "episodic_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # csp_nonce: the nonce an inline <script> or <style> must carry.
                "django.template.context_processors.csp",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

# django-axes first: it refuses a sign-in while its username and address are locked out.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"

# --- Backing services (database, cache, task queue) -------------------------

DATABASES = {"default": database_settings(VAR_DIR)}
if DATABASES["default"]["ENGINE"] == SQLITE_ENGINE:
    private_sqlite_database(DATABASES["default"]["NAME"])
CACHES = {"default": cache_settings()}
Q_CLUSTER = q_cluster_settings()

# --- Feature flags (django-waffle) ------------------------------------------

# Our flag model holds the executor choice and limits of a workload (cpu.<name>).
WAFFLE_FLAG_MODEL = "interp_exec.ExecutorFlag"

# --- CPU execution (interp_exec) --------------------------------------------

# Episodic's workloads and those INTERP_EXEC_WORKLOADS adds, then what other
# INTERP_EXEC_* variables set; interp_exec.conf.DEFAULTS has the rest (flags route
# jobs, and every dispatch is logged and counted, by default).
INTERP_EXEC = {
    "WORKLOADS": [*EPISODIC_WORKLOADS, *env_list("INTERP_EXEC_WORKLOADS", [])],
    **interp_exec_settings(),
}

# --- Background tasks (django.tasks) ----------------------------------------

# @task functions run as CPU jobs: stored, run by the qcluster through the port,
# each routed by its own flag cpu.<module.function> (created inactive, so inline,
# on its first enqueue). See interp_exec.task_backend.backend for the options.
TASKS = {"default": {"BACKEND": "interp_exec.task_backend.CpuTaskBackend"}}

# --- Logging ----------------------------------------------------------------

LOGGING = configure_logging(
    level=env_choice(
        "EPISODIC_LOG_LEVEL", ("debug", "info", "warning", "error", "critical"), "info"
    ).upper(),
    log_format=env_choice("EPISODIC_LOG_FORMAT", LOG_FORMATS, "auto"),
)

# --- Security ---------------------------------------------------------------

# Safe over plain HTTP (what `make run` serves on 127.0.0.1).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Every page: scripts, styles, images and connections from this site only; the
# few inline <script>/<style> blocks carry the request's nonce (csp_nonce).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],  # data: for the empty favicon and the admin's icons
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Sign-in throttling (django-axes), on the site's sign-in page and the admin's:
# after 5 failed attempts for one username from one address, that pair is locked
# out for 15 minutes (HTTP 429). Locking the pair, not the address alone, keeps
# one person's mistakes (or a stranger's guesses) from locking out everyone
# behind the same proxy; a success clears the count.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no banner at every start of every process

# Behind HTTPS: DJANGO_SECURE_SSL=1 sends cookies over HTTPS only, redirects HTTP
# to HTTPS and turns on HSTS. DJANGO_SECURE_PROXY_SSL_HEADER=1 trusts a proxy's
# X-Forwarded-Proto; without it, a TLS-terminating proxy would cause a redirect loop.
if env_bool("DJANGO_SECURE_SSL", False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31_536_000, minimum=0)
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
