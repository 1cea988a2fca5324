"""Pure Block Kit builders: records in, `Reply` values out. Nothing here talks to Slack."""
