"""Qt item models over HeyGen data (groups and looks of the Library)."""
