"""Agreements: cooperation agreements (PKS), payers, funding sources, quotas and phases."""
