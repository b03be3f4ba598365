"""Auto mode's suite: every test starts with no figures kept by this process."""

from collections.abc import Iterator

import pytest

from interp_exec.routing.auto_figures import auto_figures


@pytest.fixture(autouse=True)
def no_kept_figures() -> Iterator[None]:
    auto_figures.forget()
    yield
    auto_figures.forget()
