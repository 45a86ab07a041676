"""The SEN2 return: exported from the record and imported into it (ADR 0128)."""
