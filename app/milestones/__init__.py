"""milestones pages."""
