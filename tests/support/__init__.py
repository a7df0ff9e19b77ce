"""Helpers shared by more than one test module: not tests themselves."""
