"""HTTP views: partner API, customer pages, shell JSON, health, and the error handlers."""
