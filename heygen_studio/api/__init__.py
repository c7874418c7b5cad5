"""HeyGen over HTTP: one async client per API generation, typed results, typed errors; no Qt."""
