"""scanclean's cleaning stages: plain Python, no Prefect.

The entry points are in :mod:`cleaners.pipeline`.
"""

__version__ = "0.1.0"
