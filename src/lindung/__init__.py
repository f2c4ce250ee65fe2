"""lindung: employment social security (BPJS Ketenagakerjaan) for Indonesian regional governments."""

__version__ = "0.1.0"
