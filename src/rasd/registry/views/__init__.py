"""Web pages of the master facility list, one module per area of work; each module has its urlpatterns."""
