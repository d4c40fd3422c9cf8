"""Readers of other desks' exports (and the attachment fetcher they share): each turns its
source's rows into the neutral records of ``domain/imports.py`` for ``services/imports.py``."""
