"""Modal screens: help, settings, confirmations, forms and event details."""
