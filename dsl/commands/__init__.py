"""The subcommands of `goalline`, one module per family; heavy imports stay inside them."""
