# Assetmap developer commands. Run `make` (or `make help`) for the list.
# Everything that is missing (system packages, .venv, requirements) is installed on
# first use; runtime data (database, Redis, logs) lives in .local/.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# Extra pytest arguments: make test ARGS="-k assets -x"
ARGS ?=
# Port of the web server: make run PORT=8001
export PORT

.PHONY: help run test lint format bootstrap services stop status clean-data

help: ## Show this list
	@echo "Usage: make <target>"
	@echo
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

run: ## Install what is missing, start everything and serve http://127.0.0.1:8000 (PORT=...)
	@bash scripts/run.sh

test: ## ruff, makemigrations --check and pytest (extra pytest args: ARGS=... or PYTEST_ARGS=...)
	@bash scripts/test.sh $(ARGS)

lint: bootstrap ## ruff check + ruff format --check
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: bootstrap ## ruff format + ruff check --fix
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

bootstrap: ## Install missing system packages, .venv and requirements
	@bash scripts/bootstrap.sh

services: ## Start the local PostgreSQL/PostGIS and Redis (kept running)
	@bash scripts/services.sh start

stop: ## Stop the local PostgreSQL and Redis
	@bash scripts/services.sh stop

status: ## Show whether the local services are running
	@bash scripts/services.sh status

clean-data: ## Stop the local services and delete all local data (.local/)
	@bash scripts/services.sh clean
