"""Dialogs: the error dialog shown for anything unexpected."""
