# The two commands of the quick start, plus the steps they are made of.
.PHONY: up test install build lint typecheck

# Run the whole stack locally (Redis, gateway, worker, and the stand-ins when no token/key is set).
up: install build
	pnpm run stack

# Every check CI runs: lint, typecheck, build, and all tests.
test: install
	pnpm test

install:
	@bash scripts/bootstrap.sh

build:
	pnpm run build

lint:
	pnpm run lint

typecheck:
	pnpm run typecheck
