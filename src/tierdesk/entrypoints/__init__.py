"""The ways into the desk: the web application, the command line and (later) the worker.

Entry points build ``Settings()``, hand them to ``bootstrap`` and call services; they never
reach into adapters."""
