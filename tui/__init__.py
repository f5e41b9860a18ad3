"""The review session: a Textual terminal UI over the engine (arrives with the review issue)."""
