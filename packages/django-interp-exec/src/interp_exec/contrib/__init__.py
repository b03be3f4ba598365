"""The optional apps, each installed with its extra (``pip install
"django-interp-exec[<extra>]"``) and listed in ``INSTALLED_APPS`` on its own:

- ``interp_exec.contrib.api`` (``[api]``): the JSON API, with its OpenAPI schema;
- ``interp_exec.contrib.metrics`` (``[metrics]``): Prometheus figures at ``metrics/``;
- ``interp_exec.contrib.health`` (``[health]``): django-health-check's checks at ``health/``.

Each imports the base app, never the reverse; the base finds them through
``apps.is_installed`` only (``interp_exec.urls``).
"""
