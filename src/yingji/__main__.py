"""``python -m yingji`` runs the CLI."""

from yingji.cli import main

main()
