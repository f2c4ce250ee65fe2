"""lindung: employment social security (BPJS Ketenagakerjaan) for Indonesian regional government."""

__version__ = "0.1.0"
