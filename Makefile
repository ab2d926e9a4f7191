# Quick start: `make run` (csm's main job on workspaces.example.yaml) and `make test` (every test).
.PHONY: run test build bootstrap lint clean-demo bench bench-smoke

run:
	scripts/demo.sh

test:
	scripts/test.sh

build bootstrap:
	scripts/bootstrap.sh

lint:
	swift format lint --strict --recursive Sources Tests Package.swift

clean-demo:
	-tmux -L csm-demo kill-server
	rm -rf demo

# Benchmarks (bench/README.md): a full run writes BENCHMARKS.md; the smoke run only checks the suite works.
bench:
	bench/run.sh

bench-smoke:
	bench/run.sh --smoke
