"""End-of-stage meetings: request, assessor, outcome, ratification."""
