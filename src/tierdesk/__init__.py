"""tierdesk: a self-hostable, AI-assisted, tiered technical-support desk."""

__version__ = "0.1.0"
