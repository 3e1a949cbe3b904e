"""Thin HTTP handlers: msgspec Structs in and out, guards by role, services do the work."""
