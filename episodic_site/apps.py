from django.apps import AppConfig


class EpisodicSiteConfig(AppConfig):
    """Makes the site's own templates, static files and commands discoverable, and shows
    its workloads' results readably on the job pages."""

    name = "episodic_site"
    verbose_name = "Episodic site"

    def ready(self) -> None:
        from episodic_site.result_presenters import register_presenters

        register_presenters()
