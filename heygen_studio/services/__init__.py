"""Long-running work in asyncio tasks that report to the UI through Qt signals."""
