"""People and places: NIK, Kemendagri regions, and the normalisers for what rosters contain."""
