"""`python -m jwtaudit` runs the CLI."""

from jwtaudit.cli import main

main()
