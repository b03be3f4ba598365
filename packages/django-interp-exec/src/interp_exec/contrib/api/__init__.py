"""The JSON API for programs (Django REST framework): queue jobs, poll them, list them."""
