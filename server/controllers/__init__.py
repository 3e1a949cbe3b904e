"""Thin HTTP handlers: msgspec Structs in and out; services check roles and do the work."""
