"""Orchestration of each CLI command: options in, Result out. One module per command."""
