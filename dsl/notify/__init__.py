"""Escalations that reach people: what a notice says, the channels (e-mail, webhook, command),
delivering the outbox, and `goalline.toml`."""
