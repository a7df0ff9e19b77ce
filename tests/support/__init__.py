"""Helpers that many test modules share: clients, API assertions, settings runs, snapshots."""
