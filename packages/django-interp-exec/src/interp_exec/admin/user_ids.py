"""The flag form's users and groups: ids typed or posted by hand, so anything may arrive.

Waffle's flag admin takes the users a flag applies to as a comma list of ids
(a raw-id box), and the groups as a multiple choice. Two inputs there used to end
in a 500 instead of a form error:

- a value that is no id ("abc") in the users box: the field refuses it, but
  waffle's widget then looks it up as it is to name the users next to the box,
  and that raises;
- an id beyond what the database stores (2**70), in either field: Django's
  ``pk__in`` query sends it as it is, and SQLite raises OverflowError
  (PostgreSQL a DataError).
"""

from typing import Any

from django import forms
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import connections
from django.db.models import Field, IntegerField, QuerySet
from django.utils.html import escape
from waffle.admin import InformativeManyToManyRawIdWidget


class UserNamesRawIdWidget(InformativeManyToManyRawIdWidget):
    """Waffle's widget, naming the users typed in; a value that is no user shows <missing>."""

    def label_and_url_for_value(self, values: Any) -> tuple[str, str]:
        key: Field[Any, Any] = self.rel.get_related_field()
        users = self.rel.model._default_manager.using(self.db)
        names: list[str] = []
        for value in values:
            try:
                names.append(escape(str(users.get(**{key.name: key.to_python(value)}))))
            except ValidationError, ObjectDoesNotExist:
                names.append("<missing>")
        return "(" + ", ".join(names) + ")", ""


class StorableIdsField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Refuses an id the database cannot hold as "not a valid choice", before querying."""

    def clean(self, value: Any) -> QuerySet[Any]:
        key_range = self._key_range()
        if key_range is not None and isinstance(value, list | tuple):
            for item in value:
                if _integer_outside(item, key_range):
                    raise ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": item},
                    )
        return super().clean(value)

    def _key_range(self) -> tuple[int, int] | None:
        """The smallest and largest key the database stores, if the key is an integer."""
        assert self.queryset is not None  # given by the model field that made this one
        meta = self.queryset.model._meta
        key = meta.get_field(self.to_field_name) if self.to_field_name else meta.pk
        if not isinstance(key, IntegerField):
            return None
        ops = connections[self.queryset.db].ops
        low, high = ops.integer_field_range(key.get_internal_type())
        return low, high


def _integer_outside(item: Any, key_range: tuple[int, int]) -> bool:
    """Whether ``item`` reads as a whole number beyond ``key_range`` (anything else: no)."""
    try:
        number = int(str(item).strip())
    except ValueError:
        return False  # not a number: Django's own check names it
    low, high = key_range
    return not low <= number <= high
