"""A ``django.tasks`` task whose module imports a model, as most real tasks' do: the
far side must set Django up before it can import it (``worker.import_workload_module``)."""

from django.contrib.auth.models import Group
from django.tasks import task


@task
def add_group(name: str) -> dict[str, object]:
    """Writes a row and reads the table back: what a task that uses the database does."""
    Group.objects.create(name=name)
    return {"groups": sorted(Group.objects.values_list("name", flat=True))}
