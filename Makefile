# Thin wrapper over Meson; see README.md.
BUILD ?= build

.PHONY: all deps check demo bench fuzz clean

all: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD)

check:
	@scripts/install-deps.sh interop fuzz lint guest
	@scripts/check.sh

# Each fuzz target for FUZZ_SECONDS (default 600), e.g. make fuzz FUZZ_SECONDS=60
fuzz:
	@scripts/install-deps.sh fuzz
	@[ -f build-fuzz/build.ninja ] || CC=clang meson setup build-fuzz -Dfuzz=true \
		-Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug \
		-Dbenchmarks=false
	meson configure build-fuzz -Dfuzz_seconds=$${FUZZ_SECONDS:-600}
	ninja -C build-fuzz
	meson test -C build-fuzz --suite fuzz --num-processes 1 --verbose

demo: all
	@scripts/demo.sh $(BUILD)

bench: all
	@scripts/bench.sh $(BUILD)

clean:
	rm -rf build build-asan build-fuzz build-lint build*.log
