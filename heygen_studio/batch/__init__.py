"""Personalized videos in bulk: read a sheet of rows, fill a project's placeholders, check and price every row."""
