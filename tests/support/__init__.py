"""Helpers shared by more than one test module (clients, API assertions, fuzzing, settings
runs, snapshots): not tests themselves."""
