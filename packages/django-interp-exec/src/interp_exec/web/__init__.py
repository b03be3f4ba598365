"""The site's pages for people: queue a job, follow it, read its outcome."""
