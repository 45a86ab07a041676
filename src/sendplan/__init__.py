"""SENDplan: the system a local area SEND partnership runs on."""

__version__ = "0.1.0"
