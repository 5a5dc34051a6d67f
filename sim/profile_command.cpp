// `cmodx profile [NAME|FILE] [--set KEY=VALUE]...`: prints a timing profile, resolved as
// `cmodx run` would use it, as TOML with every key and its description; `--list` names the
// built-in profiles. Also the --set handling `cmodx run` shares.
#include "sim/commands.h"
#include "sim/config.h"
#include "sim/exit_codes.h"

#include <fmt/format.h>

namespace cmodx::sim {

std::string profileOptionHelp() {
    return fmt::format("Timing profile: built in ({}) or a profile file (TOML; see "
                       "docs/cli-profile.md)",
                       fmt::join(builtinProfileNames(), ", "));
}

std::string setOptionHelp() {
    return "Change one timing parameter, repeatable: KEY=VALUE, e.g. icache.size=16384, "
           "branch.predictor=gshare, coherent_fetch=true (`cmodx profile` lists the keys)";
}

void applyProfileSets(TimingProfile& profile, const std::vector<std::string>& sets) {
    for (const std::string& spec : sets) {
        try {
            setProfileParam(profile, spec);
        } catch (const ConfigError& e) {
            throw ConfigError(fmt::format("--set {}: {}", spec, e.what()));
        }
    }
}

void addProfileOptions(CLI::App& cmd, ProfileOptions& o) {
    CLI::Option* profile =
        cmd.add_option("profile", o.profile, profileOptionHelp())->capture_default_str();
    CLI::Option* sets = cmd.add_option("--set", o.sets, setOptionHelp())->allow_extra_args(false);
    cmd.add_flag("--list", o.list, "List the built-in profiles with their descriptions")
        ->excludes(profile)
        ->excludes(sets);
}

int profileCommand(const ProfileOptions& o) {
    try {
        if (o.list) {
            for (const std::string& name : builtinProfileNames())
                fmt::print("{:<12} {}\n", name, loadProfile(name).description);
            return kExitPoweredOff;
        }
        TimingProfile profile = loadProfile(o.profile);
        applyProfileSets(profile, o.sets);
        validateProfile(profile);
        fmt::print("{}", profileToml(profile));
    } catch (const ConfigError& e) {
        fmt::print(stderr, "cmodx: {}\n", e.what());
        return kExitBadConfig;
    }
    return kExitPoweredOff;
}

} // namespace cmodx::sim
