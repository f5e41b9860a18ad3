"""The screens of the review session, one per module; each renders what the app hands it."""
