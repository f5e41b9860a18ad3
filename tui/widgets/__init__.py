"""Widgets of the review session, one class per module, named after it."""
