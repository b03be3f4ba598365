"""WSGI entry point, for servers such as gunicorn: ``episodic_site.wsgi:application``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "episodic_site.settings")

application = get_wsgi_application()
