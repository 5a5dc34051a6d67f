// Exit codes of the cmodx command line. Documented in docs/cli-run.md; tests rely on them.
#pragma once

namespace cmodx::sim {

enum ExitCode : int {
    kExitPoweredOff = 0,   // the guest powered off (PSCI SYSTEM_OFF)
    kExitGuestFailure = 1, // the guest reported failure (e.g. semihosting exit with an error)
    kExitUsage = 2,        // bad command line (unknown option, bad value)
    kExitBadImage = 3,     // the image or another input file is malformed or does not fit
    kExitLimit = 4,        // --max-insns reached before the guest powered off
    kExitGuestWedged = 5,  // the guest cannot make progress (exception loop, no vectors)
    kExitInternal = 70,    // a bug in cmodx itself
};

} // namespace cmodx::sim
