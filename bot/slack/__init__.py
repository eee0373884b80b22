"""Slack plumbing: the Bolt app, its middleware and listeners. Knows nothing about matching."""
