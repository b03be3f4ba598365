"""A real ``qcluster`` subprocess on the test database, for the whole module.

See ``tests.qcluster``: tests here commit what the worker should see
(``django_db(transaction=True)``) and start with an empty shared cache.
"""

from collections.abc import Iterator

import pytest

from tests.qcluster import QCluster, running_qcluster


@pytest.fixture(scope="module")
def qcluster(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[QCluster]:
    with running_qcluster(tmp_path_factory.mktemp("qcluster")) as cluster:
        yield cluster
