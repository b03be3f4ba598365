"""The site's admin: Django's, with every change list refusing unusable filters cleanly.

The site replaces ``django.contrib.admin`` in INSTALLED_APPS with
``EpisodicAdminConfig``, so ``admin.site`` is an ``EpisodicAdminSite`` and every
registration goes through it: ours, and the ones other apps make (users and
groups, waffle's switches, the task queue's pages). Each admin class it is given
gets ``CheckedLookupsMixin`` (see ``episodic_site.admin_lookups``) mixed in.
"""

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

from episodic_site.admin_lookups import with_checked_lookups


class EpisodicAdminSite(admin.AdminSite):
    def register(
        self,
        model_or_iterable: Any,
        admin_class: type[admin.ModelAdmin[Any]] | None = None,
        **options: Any,
    ) -> None:
        checked = with_checked_lookups(admin_class or admin.ModelAdmin)
        super().register(model_or_iterable, checked, **options)


class EpisodicAdminConfig(AdminConfig):
    default_site = "episodic_site.admin_site.EpisodicAdminSite"
