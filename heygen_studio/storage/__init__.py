"""What survives a restart: SQLite, keychain secrets, project files."""
