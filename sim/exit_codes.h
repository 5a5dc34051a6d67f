// Exit codes of the cmodx command line. Documented in docs/cli-run.md; tests rely on them.
#pragma once

namespace cmodx::sim {

enum ExitCode : int {
    kExitPoweredOff = 0,   // the guest powered off (PSCI SYSTEM_OFF, semihosting exit 0)
    kExitGuestFailure = 1, // the guest reported failure (e.g. semihosting exit with an error)
    kExitUsage = 2,        // bad command line (unknown option, bad value)
    kExitBadImage = 3,     // the image or another input file is malformed or does not fit
    kExitLimit = 4,        // --max-cycles or --max-insns reached before the guest stopped
    kExitGuestWedged = 5,  // the guest cannot make progress (exception loop, deadlock, all off)
    kExitBadConfig = 6,    // the --config file is unreadable, malformed or has a bad value
    kExitBadSnapshot = 7,  // a snapshot file cannot be read or written, or does not fit
    kExitInternal = 70,    // a bug in cmodx itself
};

} // namespace cmodx::sim
