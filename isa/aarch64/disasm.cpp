#include "isa/aarch64/disasm.h"

#include "isa/aarch64/decoder.h"

#include <capstone/capstone.h>
#include <fmt/format.h>

#include <stdexcept>

namespace cmodx::isa {

Disassembler::Disassembler() {
    csh handle = 0;
    if (const cs_err err = cs_open(CS_ARCH_ARM64, CS_MODE_LITTLE_ENDIAN, &handle); err != CS_ERR_OK)
        throw std::runtime_error(fmt::format("cs_open(ARM64) failed: {}", cs_strerror(err)));
    handle_ = handle;
    insn_ = cs_malloc(handle);
    if (insn_ == nullptr) {
        cs_close(&handle);
        throw std::runtime_error("cs_malloc failed");
    }
}

Disassembler::~Disassembler() {
    csh handle = handle_;
    cs_free(static_cast<cs_insn*>(insn_), 1);
    cs_close(&handle);
}

std::optional<std::string> Disassembler::text(u32 word, u64 pc) const {
    const u8 bytes[4] = {static_cast<u8>(word), static_cast<u8>(word >> 8),
                         static_cast<u8>(word >> 16), static_cast<u8>(word >> 24)};
    const u8* code = bytes;
    std::size_t size = sizeof(bytes);
    u64 address = pc;
    auto* insn = static_cast<cs_insn*>(insn_);
    if (!cs_disasm_iter(handle_, &code, &size, &address, insn)) return std::nullopt;

    std::string s = insn->mnemonic;
    std::string_view ops = insn->op_str;
    while (!ops.empty() && ops.front() == ' ')
        ops.remove_prefix(1);
    while (!ops.empty() && ops.back() == ' ')
        ops.remove_suffix(1);
    if (!ops.empty()) {
        s += ' ';
        s += ops;
    }
    return s;
}

std::string Disassembler::textOrFallback(u32 word, u64 pc, const Decoder& decoder) const {
    if (auto t = text(word, pc)) return std::move(*t);
    if (const Encoding* e = decoder.decode(word).encoding)
        return fmt::format("<{}> .inst {:#010x}", e->name, word);
    return fmt::format(".inst {:#010x}", word);
}

std::string textOrFallback(u32 word, u64 pc, const Decoder& decoder) {
    thread_local const Disassembler disassembler;
    return disassembler.textOrFallback(word, pc, decoder);
}

} // namespace cmodx::isa
