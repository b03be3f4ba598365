"""The waffle flag model that also carries the executor settings of a workload.

It subclasses ``AbstractUserFlag`` (``AbstractBaseFlag`` crashes at start-up when
swapped in, waffle issue #380) and is installed with ``WAFFLE_FLAG_MODEL``. A
blank limit inherits the value from ``settings.INTERP_EXEC``.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from waffle.models import AbstractUserFlag

from interp_exec.core.domain import FLAG_MODES, ExecutorMode

MAX_POOL_WORKERS = 64
MAX_TIMEOUT_S = 24 * 3600


class ExecutorFlag(AbstractUserFlag):
    """``cpu.<workload>`` for one workload, ``cpu.default`` for the rest.

    While the flag is active for a job, the job goes to ``mode``; while it is not,
    the job runs inline. The limits apply either way.
    """

    mode = models.CharField(
        max_length=16,
        choices=[(mode, mode) for mode in FLAG_MODES],
        default=ExecutorMode.INTERPRETERS.value,
        help_text=(
            "Where jobs go while this flag is active for them; inactive means inline. "
            "auto: per job, the mode measured fastest for the workload at the job's size."
        ),
    )
    min_task_size = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=(
            "Jobs smaller than this (in the workload's units) run inline, since a pool "
            "round trip would cost more than it saves. Blank: the site default."
        ),
    )
    max_payload_bytes = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Jobs whose JSON payload is larger are refused. Blank: the site default.",
    )
    max_workers = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_POOL_WORKERS)],
        help_text=(
            "Size of the pool in each worker process (a pool is shared by all workloads, "
            "so set it on cpu.default). Blank: the number of cores."
        ),
    )
    untrusted = models.BooleanField(
        default=False,
        help_text=(
            "Its jobs may crash or kill the process that runs them: they run only in a "
            "process pool, whatever the mode, size or kill switch, and are refused when "
            "processes are turned off. Set on cpu.default: every workload."
        ),
    )
    timeout_s = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0.01), MaxValueValidator(MAX_TIMEOUT_S)],
        help_text=(
            "Seconds a job may run before it is reported as timed out. Blank: the site default."
        ),
    )

    class Meta(AbstractUserFlag.Meta):
        verbose_name = _("executor flag")
        verbose_name_plural = _("executor flags")
