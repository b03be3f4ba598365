"""Settings of a host that installs the base app alone (``test_base_imports``)."""

SECRET_KEY = "only-for-the-import-test"
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "waffle",
    "django_q",
    "interp_exec",
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
WAFFLE_FLAG_MODEL = "interp_exec.ExecutorFlag"
Q_CLUSTER = {"name": "base", "orm": "default", "daemonize_workers": False}
ROOT_URLCONF = "tests.host.base_urls"
TASKS = {"default": {"BACKEND": "interp_exec.task_backend.CpuTaskBackend"}}
INTERP_EXEC = {"WORKLOADS": ["tests.workload_fixtures"]}
USE_TZ = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "c"}}
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
