"""Issue trackers defects are mirrored to (``ports.defects.IssueTracker``)."""
