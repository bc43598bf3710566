"""jaarcijfers: the IND 'Jaarcijfers' release PDF as validated, tidy data."""

__version__ = "0.1.0"
