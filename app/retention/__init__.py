"""Film retention: the coordinators' overview, the trainee's confirmation and the cron command."""
