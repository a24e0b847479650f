"""Core types, settings and the metadata schema: the floor every other package stands on; imports nothing of ours."""
