"""A person's notifications."""
