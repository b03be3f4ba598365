"""The demo site's ``django.tasks`` task: how a Django 6 project's own ``@task`` runs here.

With ``TASKS`` naming ``CpuTaskBackend`` (settings.py), ``transcript_readability.enqueue(text)``
stores a job that the qcluster runs through the port, routed by the flag
``cpu.episodic_site.tasks.transcript_readability`` (created inactive on its first
enqueue: inline until an admin turns it on). Module-level, JSON in and out, so
it can run in a subinterpreter or a process alike.
"""

from typing import Any

from django.tasks import task

from episodic_site.workloads.transcript import readability


@task
def transcript_readability(text: str) -> dict[str, Any]:
    """Readability scores of a transcript's text."""
    scores: dict[str, Any] = readability({"text": text})
    return scores
