# Roadmap Portal image: gunicorn web, Celery worker and beat share it (see docker-compose.yml).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
RUN DJANGO_SETTINGS_MODULE=roadmap_portal.settings python manage.py collectstatic --noinput
RUN useradd --system --uid 10001 portal && chown -R portal /app
USER portal
EXPOSE 8000
CMD ["gunicorn", "roadmap_portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2", "--timeout", "60"]
