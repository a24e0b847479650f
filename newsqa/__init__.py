"""newsqa: question answering over Chinese news with exact citations and honest refusals."""

__version__ = "0.1.0"
