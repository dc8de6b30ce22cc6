"""The WSGI entry point for production servers: ``gunicorn blogapp.wsgi:app``."""

from blogapp import create_app
from blogapp.config import refuse_unsafe_production_settings

app = create_app()
refuse_unsafe_production_settings(app)
