# nats-wasm: every entry point installs what it needs first (scripts/setup.sh is idempotent).
#   make demo   - build, start a local nats-server, run the examples in Deno, stop the server
#   make demo-web - build, start a JetStream nats-server, serve examples/web/ until Ctrl-C
#   make test   - build, then every suite: lint, engine, Deno unit + integration, browser, fuzz
#   make bench  - build, then nats-wasm against nats.ws on one nats-server, as ratios
.PHONY: setup setup-test build demo demo-web test lint bench fuzz clean

setup:
	@scripts/setup.sh build

setup-test:
	@scripts/setup.sh test

build: setup
	@scripts/build.sh

demo: build setup-test
	@examples/demo.sh

demo-web: build setup-test
	@scripts/demo-web.sh

test: build setup-test
	@scripts/test-all.sh

lint: setup
	@scripts/lint.sh

bench: build setup-test
	@bench/run.sh

fuzz: setup
	@scripts/fuzz.sh

clean:
	rm -rf dist js/wasm target .tmp
