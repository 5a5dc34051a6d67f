#include "sim/elf_loader.h"

#include <elf.h>
#include <fmt/format.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace cmodx::sim {

std::vector<u8> readFile(const std::string& path) {
    // Only regular files: a directory cannot be read and a device such as /dev/zero never ends.
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status))
        throw ImageError("cannot open the file: it does not exist");
    if (!std::filesystem::is_regular_file(status)) throw ImageError("not a regular file");
    if (std::filesystem::file_size(path, ec) > kMaxImageBytes || ec)
        throw ImageError(fmt::format("larger than {} MiB", kMaxImageBytes >> 20));
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ImageError("cannot open the file");
    std::vector<u8> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw ImageError("cannot read the file");
    return bytes;
}

LoadedImage loadElf(const std::vector<u8>& image, PhysicalMemory& memory) {
    if (image.size() < EI_NIDENT || std::memcmp(image.data(), ELFMAG, SELFMAG) != 0)
        throw ImageError("not an ELF file (bad magic)");
    if (image[EI_CLASS] != ELFCLASS64) throw ImageError("not a 64-bit ELF file");
    if (image[EI_DATA] != ELFDATA2LSB) throw ImageError("not a little-endian ELF file");
    if (image[EI_VERSION] != EV_CURRENT) throw ImageError("unsupported ELF version");
    if (image.size() < sizeof(Elf64_Ehdr)) throw ImageError("truncated ELF header");

    Elf64_Ehdr eh;
    std::memcpy(&eh, image.data(), sizeof eh);
    if (eh.e_machine != EM_AARCH64)
        throw ImageError(fmt::format("ELF machine is {}, not AArch64 (183)", eh.e_machine));
    if (eh.e_type != ET_EXEC) throw ImageError("ELF file is not an executable (ET_EXEC)");
    if (eh.e_phnum == 0) throw ImageError("ELF file has no program headers");
    if (eh.e_phentsize != sizeof(Elf64_Phdr))
        throw ImageError(fmt::format("unexpected program header size {}", eh.e_phentsize));
    const u64 ph_end = u64{eh.e_phoff} + u64{eh.e_phnum} * sizeof(Elf64_Phdr);
    if (eh.e_phoff > image.size() || ph_end > image.size())
        throw ImageError("truncated ELF file: program headers lie beyond its end");

    LoadedImage loaded;
    loaded.entry = eh.e_entry;
    loaded.low = ~u64{0};
    for (unsigned i = 0; i < eh.e_phnum; ++i) {
        Elf64_Phdr ph;
        std::memcpy(&ph, image.data() + eh.e_phoff + i * sizeof(Elf64_Phdr), sizeof ph);
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
        if (ph.p_filesz > ph.p_memsz)
            throw ImageError(fmt::format("segment {}: file size exceeds memory size", i));
        if (ph.p_offset > image.size() || ph.p_filesz > image.size() - ph.p_offset)
            throw ImageError(fmt::format("truncated ELF file: segment {} lies beyond its end", i));
        const u64 addr = ph.p_paddr;
        if (const std::string dev = memory.deviceIn(addr, ph.p_memsz); !dev.empty())
            throw ImageError(fmt::format("segment {} at {:#x}..{:#x} overlaps the {} device's "
                                         "registers; images load into RAM ({:#x}..{:#x})",
                                         i, addr, addr + ph.p_memsz, dev, memory.ramBase(),
                                         memory.ramBase() + memory.ramSize()));
        if (!memory.inRam(addr, ph.p_memsz))
            throw ImageError(fmt::format("segment {} at {:#x}..{:#x} is outside RAM ({:#x}..{:#x})",
                                         i, addr, addr + ph.p_memsz, memory.ramBase(),
                                         memory.ramBase() + memory.ramSize()));
        memory.writeBytes(addr, image.data() + ph.p_offset, ph.p_filesz);
        memory.fill(addr + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
        loaded.low = std::min(loaded.low, addr);
        loaded.high = std::max(loaded.high, addr + ph.p_memsz);
        ++loaded.segments;
    }
    if (loaded.segments == 0) throw ImageError("ELF file has no loadable segments");
    if (!memory.inRam(loaded.entry, 4) || (loaded.entry & 3))
        throw ImageError(
            fmt::format("entry point {:#x} is not an aligned address in RAM", loaded.entry));
    return loaded;
}

} // namespace cmodx::sim
