"""Accounts: users and their roles, sign-in sessions, API tokens, and who may do what where."""
