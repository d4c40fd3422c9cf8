"""Adapters: storage, files, mail, trackers. Each imports domain, ports, errors and its library."""
