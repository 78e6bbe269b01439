"""rasd — Health Resources and Services Availability Monitoring System."""

__version__ = "0.1.0"
