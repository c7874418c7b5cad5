"""The main window's panels: Photos, Library, Scenes, Renders, Settings."""
