# Quick start: `make run` (csm's main job on workspaces.example.yaml) and `make test` (every test).
.PHONY: run test build bootstrap lint clean-demo

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
