"""Modal dialogs of the review session: the small form they share, and recording a value."""
