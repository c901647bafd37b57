# Thin wrapper over Meson; see README.md.
BUILD ?= build

.PHONY: all deps check demo bench clean

all: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD)

check:
	@scripts/install-deps.sh interop
	@scripts/check.sh

demo: all
	@scripts/demo.sh $(BUILD)

bench: all
	@scripts/bench.sh $(BUILD)

clean:
	rm -rf build build-asan build-*.log build.*.log build-asan.*.log
