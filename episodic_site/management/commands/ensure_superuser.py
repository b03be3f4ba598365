"""``manage.py ensure_superuser``: make sure someone can log in to the admin.

Run at every start of the site (``make run``), so it must be idempotent: when any
superuser exists it does nothing. Otherwise it creates one named by
``DJANGO_SUPERUSER_USERNAME`` (default ``admin``) with the password in
``DJANGO_SUPERUSER_PASSWORD``, or, when that is unset, a random password that it
prints this once: it is stored only as a hash, so no later run can show it again.
"""

import os
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create the admin superuser unless one exists; print its password if generated."

    def handle(self, *args: Any, **options: Any) -> None:
        user_model = get_user_model()
        users = user_model._default_manager
        if users.filter(is_superuser=True).exists():
            self.stdout.write("A superuser exists already; nothing to do.")
            return

        username = os.environ.get("DJANGO_SUPERUSER_USERNAME", "").strip() or "admin"
        if users.filter(**{user_model.USERNAME_FIELD: username}).exists():
            raise CommandError(
                f"User {username!r} exists but is not a superuser. Give it superuser status "
                "(manage.py shell), or set DJANGO_SUPERUSER_USERNAME to a new name."
            )
        # Not stripped: blanks may be part of a password the operator chose.
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD") or None
        generated = password is None
        if password is None:
            password = secrets.token_urlsafe(18)
        else:
            try:
                validate_password(password)
            except ValidationError as error:
                raise CommandError(
                    "DJANGO_SUPERUSER_PASSWORD is too weak: " + " ".join(error.messages)
                ) from None

        user_model.objects.create_superuser(
            username=username,
            email=os.environ.get("DJANGO_SUPERUSER_EMAIL", "").strip(),
            password=password,
        )
        self.stdout.write(self.style.SUCCESS(f"Created superuser {username!r}."))
        if generated:
            self.stdout.write(
                f"Its generated password, shown only this once: {password}\n"
                f"Change it with: manage.py changepassword {username}"
            )
