.PHONY: run test admin demo
run:            ## set up and serve the app with demo data at http://localhost:3000
	scripts/run.sh
test:           ## set up and run the whole test suite (lint, unit, end-to-end)
	scripts/test.sh
admin:          ## give NAME a role: make admin NAME=alice (ROLE=host for a host)
	bash -c 'source scripts/setup.sh && alembic upgrade head && python -m hitrec_app.cli set-role "$(NAME)" "$(or $(ROLE),admin)"'
