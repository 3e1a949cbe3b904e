"""Business rules, queries and transactions. Controllers call these."""
