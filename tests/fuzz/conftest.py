"""The fuzz suite: Hypothesis-generated bad inputs at the site's edges.

Each test draws inputs that are bad by construction (``strategies.py``) and checks
that every one is refused the way a person can act on (a form error, a 4xx, a
CommandError naming the option) with no 5xx and nothing stored. Per run: 70 job
forms, 90 status.json requests, 60 flag forms, 60 benchmark options (280 inputs,
about 5 s); ``--hypothesis-show-statistics`` prints the counts.
"""
