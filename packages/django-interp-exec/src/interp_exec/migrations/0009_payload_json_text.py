"""Stored payloads become the JSON text the worker receives, in a text column.

A JSON column had the database parse each payload on insert (PostgreSQL's ``jsonb``,
SQLite's ``JSON_VALID`` check) and print it back on each claim. On PostgreSQL the
column is also compressed with lz4 where the server has it (PostgreSQL 14 and
later, built with lz4, as Debian's and the official images are): its default, pglz,
takes about 3 ms to compress a 190 KB transcript, lz4 0.5 ms. Rows written before
keep their compression; both read back the same.
"""

from django.db import migrations, models


def compress_with_lz4(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_settings "
            "WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
        )
        if cursor.fetchone() is None:
            return
    payloads = apps.get_model("interp_exec", "CpuJobPayload")._meta
    quote = schema_editor.quote_name
    schema_editor.execute(
        f"ALTER TABLE {quote(payloads.db_table)} "
        f"ALTER COLUMN {quote(payloads.get_field('json_text').column)} SET COMPRESSION lz4"
    )


class Migration(migrations.Migration):
    dependencies = [("interp_exec", "0008_q2_entry_points")]

    operations = [
        migrations.AlterField(
            model_name="cpujobpayload", name="data", field=models.TextField()
        ),
        migrations.RenameField(model_name="cpujobpayload", old_name="data", new_name="json_text"),
        migrations.RunPython(compress_with_lz4, migrations.RunPython.noop),
    ]
