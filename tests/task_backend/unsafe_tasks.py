"""A task whose module cannot load in a subinterpreter: numpy refuses to (its C
extension keeps process-global state), so the probe sends it elsewhere."""

import numpy
from django.tasks import task


@task
def mean(values: list[float]) -> float:
    return float(numpy.mean(values))
