"""Organisations: the Pemda, its OPDs and villages, BPJS branch offices, service counters and
donors; who belongs to which Pemda."""
