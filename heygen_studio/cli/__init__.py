"""Command-line subcommands of heygen-studio that need no window."""
