"""Issue trackers defects are mirrored to (``ports.workflow.IssueTracker``)."""
