"""Use cases. Each is one transaction, audited, and reaches tickets only through
``access.access_ticket``."""
