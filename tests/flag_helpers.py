"""Helpers to set executor flags and post admin change forms in tests."""

from typing import Any

from django import forms
from django.test import Client

from interp_exec.models import ExecutorFlag


def set_flag(name: str, **fields: Any) -> ExecutorFlag:
    """Create or update the flag ``name`` and clear its cache entries at once.

    Waffle clears them on commit, which a test wrapped in a transaction never reaches.
    """
    flag: ExecutorFlag
    flag, _ = ExecutorFlag.objects.get_or_create(name=name, defaults={"superusers": False})
    for field, value in fields.items():
        setattr(flag, field, value)
    flag.save()
    flag.flush()
    return flag


def change_form_data(client: Client, url: str, **changes: Any) -> dict[str, Any]:
    """What the admin change form at ``url`` would post unchanged, with ``changes`` applied."""
    response = client.get(url)
    assert response.status_code == 200, response
    form = response.context["adminform"].form
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, forms.NullBooleanField):
            value = {None: "unknown", True: "true", False: "false"}[value]
        elif isinstance(field, forms.BooleanField):
            if not value:
                continue
            value = "on"
        elif isinstance(field.widget, forms.MultiWidget):
            # e.g. the admin's split date and time: one input per part.
            for index, part in enumerate(field.widget.decompress(value) or []):
                data[f"{name}_{index}"] = "" if part is None else part
            continue
        elif value is None:
            value = ""
        data[name] = value
    data.update(changes)
    return data
