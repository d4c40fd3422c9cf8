"""Pure rules and values of the desk. Imports nothing of ours but ``tierdesk.errors``."""
