.PHONY: run test lint unit e2e admin help
run:            ## set up and serve the app with demo data at http://localhost:3000
	scripts/run.sh
test:           ## set up and run the whole suite: lint, type check, unit and end-to-end tests (CI)
	scripts/test.sh $(ARGS)
lint:           ## ruff check, ruff format --check and mypy
	scripts/lint.sh
unit:           ## the tests without a browser; pytest options in ARGS: make unit ARGS="-k hearts -x"
	scripts/test.sh unit $(ARGS)
e2e:            ## the end-to-end browser tests (start the app); ARGS as for unit
	scripts/test.sh e2e $(ARGS)
admin:          ## give NAME a role: make admin NAME=alice (ROLE=host for a host)
	bash -c 'source scripts/setup.sh && alembic upgrade head && python -m hitrec_app.cli set-role "$(NAME)" "$(or $(ROLE),admin)"'
help:           ## list these targets
	@grep -E '^[a-z0-9]+: +##' $(MAKEFILE_LIST) | sed -E 's/: +## /\t/' | expand -t 8
