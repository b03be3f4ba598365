"""The API's own table: each caller's request count in their current rate window."""

from django.db import models


class ApiRequestWindow(models.Model):
    """Requests one caller made since ``ends`` minus the rate's period; used when the
    site's cache cannot count atomically (``request_counts``). One row per caller,
    moved on to a new window by the request that finds the old one ended."""

    key = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=0)
    ends = models.DateTimeField()

    class Meta:
        verbose_name = "API request window"

    def __str__(self) -> str:
        return f"{self.key}: {self.count} until {self.ends:%H:%M:%S}"
