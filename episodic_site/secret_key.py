"""The site's SECRET_KEY when the environment gives none: made once, kept on disk.

A key generated afresh at every start would log everyone out and invalidate every
signed value whenever the web server or a worker restarts, and the web server and
the workers must agree on it. So the first process to need a key writes one to a
private file and every later process, and every concurrent one, reads that file.
"""

import contextlib
import os
import tempfile
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key


def load_or_create_secret_key(path: Path) -> str:
    """Return the key stored at ``path``, creating the file (mode 0600) if absent.

    The key is written to a private temporary file that is then hard-linked into
    place: linking fails when ``path`` exists, so of several processes starting at
    once exactly one key wins, and nobody ever reads a half-written file.
    """
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as tmp:
                tmp.write(get_random_secret_key() + "\n")
            with contextlib.suppress(FileExistsError):
                os.link(tmp_name, path)
        finally:
            Path(tmp_name).unlink()
    key = path.read_text(encoding="utf-8").strip()
    if not key:
        raise ImproperlyConfigured(
            f"{path} is empty; delete it to have a new key made, or set DJANGO_SECRET_KEY."
        )
    return key
