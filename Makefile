# Set-up and everyday entry points. `make demo` and `make test` are the two commands of the README.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)

.PHONY: deps configure build demo test bench difftest-long clean

deps:
	@bash scripts/install-deps.sh

$(BUILD_DIR)/build.ninja: CMakeLists.txt
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

configure: deps $(BUILD_DIR)/build.ninja

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

# Runs the built-in default workload: its console on stdout, instruction count and MIPS on stderr.
# Builds only what it runs (the simulator and the demo image), not the test suites.
demo: configure
	cmake --build $(BUILD_DIR) -j $(JOBS) --target cmodx guest_demo
	$(BUILD_DIR)/cmodx run --stats $(BUILD_DIR)/workloads/demo.elf

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# Speed against QEMU on the same image (figures, not a pass/fail test).
bench: configure
	cmake --build $(BUILD_DIR) -j $(JOBS) --target cmodx guest_fib guest_parallel guest_null
	$(BUILD_DIR)/cmodx bench

# The long differential run against QEMU for developers (100,000 random programs).
difftest-long: build
	$(BUILD_DIR)/tests/cmodx_difftest --programs 100000 --jobs $(JOBS)

clean:
	rm -rf $(BUILD_DIR)
