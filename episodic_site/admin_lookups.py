"""Admin change lists answer a filter the database cannot evaluate with a message, not a 500.

A change list turns the query string into filters (``?created__year=99999``).
Django refuses a filter it cannot build, but some fail only when the query runs:
a year outside 1..9999 raises ValueError (and a day or month past its range
OverflowError) while the count is taken, which Django does not catch, so the page
was a 500. Here that failure becomes ``IncorrectLookupParameters``, which the
admin already answers by redirecting to the unfiltered list (``?e=1``); a
message, for that failure and for the ones Django catches itself, says why.
"""

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG, ChangeList
from django.http import HttpRequest


class CheckedLookupsChangeList(ChangeList):
    def get_results(self, request: HttpRequest) -> None:
        try:
            super().get_results(request)
        except (ValueError, OverflowError) as exc:
            raise IncorrectLookupParameters(exc) from exc


class CheckedLookupsMixin:
    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        base: type[ChangeList] = super().get_changelist(request, **kwargs)  # type: ignore[misc]
        return _checked_changelist(base)

    def get_changelist_instance(self, request: HttpRequest) -> ChangeList:
        try:
            changelist: ChangeList = super().get_changelist_instance(request)  # type: ignore[misc]
        except IncorrectLookupParameters as exc:
            filters = ", ".join(f"{k}={v}" for k, v in request.GET.items() if k != ERROR_FLAG)
            reason = f": {exc}" if str(exc) else ""
            messages.error(
                request,
                f"The filters in the address ({filters}) cannot be applied{reason}. "
                "Showing the whole list.",
            )
            raise
        return changelist


_checked_subclasses: dict[type[ChangeList], type[ChangeList]] = {}


def _checked_changelist(base: type[ChangeList]) -> type[ChangeList]:
    """``base`` (Django's or an admin's own change list) with the check added, made once."""
    if issubclass(base, CheckedLookupsChangeList):
        return base
    if base is ChangeList:
        return CheckedLookupsChangeList
    if base not in _checked_subclasses:
        _checked_subclasses[base] = type(
            f"Checked{base.__name__}", (CheckedLookupsChangeList, base), {}
        )
    return _checked_subclasses[base]


def with_checked_lookups(admin_class: type[admin.ModelAdmin[Any]]) -> type[admin.ModelAdmin[Any]]:
    """``admin_class`` with ``CheckedLookupsMixin`` first in its bases, once."""
    if issubclass(admin_class, CheckedLookupsMixin):
        return admin_class
    checked: type[admin.ModelAdmin[Any]] = type(
        admin_class.__name__,
        (CheckedLookupsMixin, admin_class),
        {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
    )
    return checked
