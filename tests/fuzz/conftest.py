"""The fuzz suite: Hypothesis-generated bad inputs at the site's edges.

Each test draws inputs that are bad by construction (``strategies.py``) and checks
that every one is refused the way a person can act on (a form error, a 4xx, a
CommandError naming the option, a refused outcome) with no 5xx, no exception out
of the port and nothing stored. Per run: 70 job forms, 90 status.json requests,
60 flag forms, 60 benchmark options, 70 ``queue_cpu_job`` calls, 60 mixed ``map``
calls and 510 API bodies (920 inputs, about 11 s); ``--hypothesis-show-statistics``
prints the counts.
"""
