"""Block Kit builders: small pure functions from domain objects to Slack's dicts."""
