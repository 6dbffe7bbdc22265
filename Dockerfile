# The app image for docker-compose.yml: same install steps as `make run`.
FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends make npm unzip curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt Makefile ./
RUN make install
COPY . .
EXPOSE 3000
CMD ["make", "run"]
