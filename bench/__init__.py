"""`make bench`: the production stack on this machine, measured against DESIGN.md §6."""
