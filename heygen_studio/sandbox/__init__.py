"""The sandbox HeyGen: a local, faithful HeyGen API (v3 and legacy v2) with fault injection."""
