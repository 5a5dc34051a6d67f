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

# The main job on its default scenario: the ftrace patching race on four cores, first with no
# wait between the two prologue writes (the corruption shows), then with synchronize_rcu_tasks()
# between them (it does not). Builds only what it runs, not the test suites.
KERNEL = $(BUILD_DIR)/guest/cmodx-kernel.elf
demo: configure
	cmake --build $(BUILD_DIR) -j $(JOBS) --target cmodx guest_kernel
	$(BUILD_DIR)/cmodx run --cores 4 --bootargs "scenario=ftrace-race ftrace.strategy=none toggles=200 seed=1" $(KERNEL)
	$(BUILD_DIR)/cmodx run --cores 4 --bootargs "scenario=ftrace-race ftrace.strategy=tasks-rcu toggles=200 seed=1" $(KERNEL)

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
