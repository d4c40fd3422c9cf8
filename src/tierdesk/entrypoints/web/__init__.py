"""The FastAPI application: the REST API under /api/v1 (pages come with the workspace)."""
