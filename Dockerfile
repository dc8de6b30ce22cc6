# blogapp as a container: the same steps as the wheel test (tests/web/test_wheel_install.py).
# compose.yaml runs it as web, scheduler and a one-off migration beside PostgreSQL and Redis.
FROM python:3.12-slim AS build
WORKDIR /src
COPY . .
RUN pip wheel --no-deps --wheel-dir dist .

FROM python:3.12-slim
RUN useradd --system --create-home --home-dir /var/lib/blogapp blogapp
COPY --from=build /src/dist /tmp/dist
RUN pip install --no-cache-dir /tmp/dist/blogapp-*.whl && rm -rf /tmp/dist
ENV BLOGAPP_INSTANCE_PATH=/var/lib/blogapp/instance \
    PYTHONUNBUFFERED=1
RUN install -d -o blogapp -g blogapp -m 0700 /var/lib/blogapp/instance
VOLUME /var/lib/blogapp/instance
USER blogapp
WORKDIR /var/lib/blogapp
EXPOSE 8000
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-", "--forwarded-allow-ips", "*", "blogapp.wsgi:app"]
