"""One real qcluster for the task backend's suites that need one."""

from collections.abc import Iterator

import pytest

from tests.qcluster import QCluster, running_qcluster


@pytest.fixture(scope="module")
def qcluster(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[QCluster]:
    with running_qcluster(tmp_path_factory.mktemp("qcluster")) as cluster:
        yield cluster
