"""One module per command of the command line; each exposes ``main(args) -> int``."""
