"""The lease sweep's schedule names its new dotted path (interp_exec.q2_entry_points).

Tasks already in a broker under the old path (interp_exec.tasks.run_cpu_job) fail
to import once; their jobs stay queued, and the sweep sends them again under the
new path after INTERP_EXEC["QUEUED_GRACE_S"].
"""

from django.db import migrations

OLD_SWEEP = "interp_exec.sweep.sweep_expired_jobs"
NEW_SWEEP = "interp_exec.q2_entry_points.sweep_expired_jobs"


def rename(apps, schema_editor, old=OLD_SWEEP, new=NEW_SWEEP):
    schedule = apps.get_model("django_q", "Schedule")
    schedule.objects.filter(func=old).update(func=new)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, old=NEW_SWEEP, new=OLD_SWEEP)


class Migration(migrations.Migration):
    dependencies = [
        ("interp_exec", "0007_dispatch_worker_ms"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
