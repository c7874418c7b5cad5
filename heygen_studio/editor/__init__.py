"""The state and rules of editing a video project, with no widgets (the Scenes panel shows and binds them)."""
