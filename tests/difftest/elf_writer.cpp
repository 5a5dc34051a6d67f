#include "tests/difftest/elf_writer.h"

#include <elf.h>

#include <cstring>
#include <fstream>
#include <stdexcept>

namespace cmodx::test {

namespace {
constexpr std::uint64_t kSegmentOffset = 0x1000; // p_offset == p_vaddr modulo p_align
constexpr std::uint64_t kSegmentAlign = 0x1000;
} // namespace

std::vector<std::uint8_t> makeElf(const std::vector<std::uint8_t>& code, std::uint64_t base,
                                  std::uint64_t mem_size) {
    if (mem_size < code.size()) throw std::invalid_argument("makeElf: mem_size < code size");

    Elf64_Ehdr eh{};
    std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
    eh.e_type = ET_EXEC;
    eh.e_machine = EM_AARCH64;
    eh.e_version = EV_CURRENT;
    eh.e_entry = base;
    eh.e_phoff = sizeof(Elf64_Ehdr);
    eh.e_shoff = 0;
    eh.e_flags = 0;
    eh.e_ehsize = sizeof(Elf64_Ehdr);
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = 1;
    eh.e_shentsize = sizeof(Elf64_Shdr);
    eh.e_shnum = 0;
    eh.e_shstrndx = SHN_UNDEF;

    Elf64_Phdr ph{};
    ph.p_type = PT_LOAD;
    ph.p_flags = PF_R | PF_W | PF_X;
    ph.p_offset = kSegmentOffset;
    ph.p_vaddr = base;
    ph.p_paddr = base;
    ph.p_filesz = code.size();
    ph.p_memsz = mem_size;
    ph.p_align = kSegmentAlign;

    std::vector<std::uint8_t> out(kSegmentOffset + code.size(), 0);
    std::memcpy(out.data(), &eh, sizeof eh);
    std::memcpy(out.data() + eh.e_phoff, &ph, sizeof ph);
    if (!code.empty()) std::memcpy(out.data() + kSegmentOffset, code.data(), code.size());
    return out;
}

void writeFile(const std::string& path, const std::vector<std::uint8_t>& bytes) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    if (!f) throw std::runtime_error("cannot create " + path);
    f.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
    if (!f) throw std::runtime_error("cannot write " + path);
}

} // namespace cmodx::test
