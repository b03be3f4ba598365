"""The Episodic site: settings, URLs, the home page and site-level commands."""
