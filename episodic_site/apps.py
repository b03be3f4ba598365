from django.apps import AppConfig


class EpisodicSiteConfig(AppConfig):
    """Makes the site's own templates, static files and commands discoverable."""

    name = "episodic_site"
    verbose_name = "Episodic site"
