# Everyday commands. Every target works offline; none needs cloud credentials.
GO      ?= go
STACK   ?= dev
OUT     ?= out
# Low-memory build flags (docs/performance.md): no DWARF in objects or binary, no
# inlining (smaller objects), and a lower GOGC for the linker. The program then links
# at 3.85 GiB instead of 5.8. fleetplan keeps inlining: it plans faster with it.
LDFLAGS ?= -s -w
GCFLAGS ?= all=-dwarf=false -l
PLANFLAGS ?= all=-dwarf=false
LINKGOGC ?= 20
BUILD    = GOGC=$(LINKGOGC) $(GO) build -ldflags='$(LDFLAGS)' $(if $(TAGS),-tags '$(TAGS)')

.PHONY: plan plans test e2e engine check render graph diff fleetplan program policy-pack lint bench ci clean

## plan: print the offline plan of STACK (default dev)
plan:
	$(GO) run ./cmd/fleetplan plan --stack $(STACK)

## plans: write the offline plans of every stack to $(OUT)/plans/<stack>.json
plans: fleetplan
	bash .ci/plan-all.sh bin/fleetplan . $(OUT)/plans

## test: the unit and whole-stack tests (the README's test command)
test:
	$(GO) test ./...

## e2e: tests against a real kube-apiserver and etcd (builds and caches the server)
e2e:
	bash scripts/e2e.sh

## engine: the real-engine tests: pulumi up/preview/refresh/destroy through the
## Automation API against a control plane with fake nodes and the real Argo
## Rollouts controller (builds and caches every program the first time)
engine:
	bash scripts/engine.sh

## check: run the policy rules against the offline plan of STACK
check:
	$(GO) run ./cmd/fleetplan check --stack $(STACK)

## render: write STACK's Kubernetes objects as YAML into $(OUT)/render/$(STACK)
render:
	$(GO) run ./cmd/fleetplan render --stack $(STACK) --out $(OUT)/render/$(STACK)

## graph: print STACK's dependency graph statistics and critical path
graph:
	$(GO) run ./cmd/fleetplan graph --stack $(STACK) --stats

## fleetplan: build the offline tool into bin/
fleetplan:
	$(BUILD) -gcflags='$(PLANFLAGS)' -o bin/fleetplan ./cmd/fleetplan

## program: install the Pulumi program (fleetform-program, on PATH via GOPATH/bin), so
## `pulumi preview/up` run it without recompiling; rerun after every change or pull.
## TAGS=no_azure,no_alicloud leaves clouds out (a smaller binary for an AWS-only stack)
program:
	GOGC=$(LINKGOGC) $(GO) install -gcflags='$(GCFLAGS)' -ldflags='$(LDFLAGS)' $(if $(TAGS),-tags '$(TAGS)') ./cmd/fleetform-program

## policy-pack: compile the policy pack (a check: pulumi's Go language host builds the
## pack itself from policies/ when `--policy-pack policies` is given)
policy-pack:
	$(BUILD) -gcflags='$(GCFLAGS)' -o policies/bin/fleetform-policies ./policies

## lint: gofmt, vet and the workflow linter
lint:
	@test -z "$$(git ls-files -z '*.go' | xargs -0 gofmt -l)" || (git ls-files -z '*.go' | xargs -0 gofmt -l; exit 1)
	$(GO) vet ./...
	bash .ci/actionlint.sh

## bench: the plan benchmarks with memory statistics
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./tests/...

## ci: what CI runs
ci:
	bash .ci/run

clean:
	rm -rf bin $(OUT) policies/bin
