"""The demo world: Kestrel Communications, a fictional vendor of VoIP and networking products,
its customers in five countries, its support engineers at every level and nine months of
ticket history, built through the public services (``tierdesk demo``)."""

from tierdesk.demo.builder import DemoSummary, build_demo, desk_has_data

__all__ = ["DemoSummary", "build_demo", "desk_has_data"]
