// LLVM MC (llvm-14) behind assembler.h.
//
// assemble(): the text is parsed by LLVM's AArch64 assembly parser and written by the ELF object
// streamer into memory, exactly as `llvm-mc -filetype=obj` would; the .text section is then read
// back with llvm::object. Branches to labels in the same text are resolved by the assembler
// itself. Relocations it leaves in .text are applied here when their symbol is defined in the
// same .text (ADRP/ADD :lo12:/LDR :lo12: to a label, literal-pool `.quad label`, branches to a
// .globl label), using `base` as the address of the first byte; a relocation against anything
// else (an undefined symbol, another section) is an AssemblyError.
//
// llvmDisassemble(): MCDisassembler::getInstruction + MCInstPrinter. LLVM answers SoftFail for
// encodings it decodes but whose "should be" bits are not as the Arm ARM says, or which are
// CONSTRAINED UNPREDICTABLE (LDP Xt, Xt, ..., writeback with Rn == Rt, LDXR with Rs != 11111,
// ...). Those are allocated encodings that hardware executes, and our decode table deliberately
// ignores should-be bits ('-'), so SoftFail counts as valid: the text is returned.
#include "tests/support/assembler.h"

#include <llvm/BinaryFormat/ELF.h>
#include <llvm/MC/MCAsmBackend.h>
#include <llvm/MC/MCAsmInfo.h>
#include <llvm/MC/MCCodeEmitter.h>
#include <llvm/MC/MCContext.h>
#include <llvm/MC/MCDisassembler/MCDisassembler.h>
#include <llvm/MC/MCInst.h>
#include <llvm/MC/MCInstPrinter.h>
#include <llvm/MC/MCInstrInfo.h>
#include <llvm/MC/MCObjectFileInfo.h>
#include <llvm/MC/MCObjectWriter.h>
#include <llvm/MC/MCParser/MCAsmParser.h>
#include <llvm/MC/MCParser/MCTargetAsmParser.h>
#include <llvm/MC/MCRegisterInfo.h>
#include <llvm/MC/MCStreamer.h>
#include <llvm/MC/MCSubtargetInfo.h>
#include <llvm/MC/MCTargetOptions.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Object/ELFObjectFile.h>
#include <llvm/Object/ObjectFile.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/SourceMgr.h>
#include <llvm/Support/raw_ostream.h>

#include <cstring>
#include <map>
#include <memory>
#include <mutex>

extern "C" {
void LLVMInitializeAArch64TargetInfo();
void LLVMInitializeAArch64TargetMC();
void LLVMInitializeAArch64AsmParser();
void LLVMInitializeAArch64Disassembler();
}

namespace cmodx::test {

namespace {

constexpr const char* kTriple = "aarch64-none-elf";
constexpr const char* kCpu = "generic";

// The target-wide MC objects, created once. Subtargets (one per feature string) and
// disassemblers are created on first use and kept.
class Llvm {
public:
    static Llvm& instance() {
        static Llvm llvm;
        return llvm;
    }

    const llvm::Target& target() const { return *target_; }
    const llvm::Triple& triple() const { return triple_; }
    const llvm::MCRegisterInfo& mri() const { return *mri_; }
    const llvm::MCAsmInfo& mai() const { return *mai_; }
    const llvm::MCInstrInfo& mii() const { return *mii_; }
    const llvm::MCTargetOptions& options() const { return options_; }
    std::mutex& mutex() { return mutex_; }

    // Caller holds mutex().
    const llvm::MCSubtargetInfo& subtarget(std::string_view features) {
        auto& slot = subtargets_[std::string(features)];
        if (!slot) {
            slot.reset(
                target_->createMCSubtargetInfo(triple_.str(), kCpu, llvm::StringRef(features)));
            if (!slot) throw AssemblyError("cannot create an AArch64 subtarget");
        }
        return *slot;
    }

    struct Disasm {
        std::unique_ptr<llvm::MCContext> context;
        std::unique_ptr<llvm::MCDisassembler> disassembler;
        std::unique_ptr<llvm::MCInstPrinter> printer;
    };

    // Caller holds mutex().
    Disasm& disassembler(std::string_view features) {
        auto& slot = disassemblers_[std::string(features)];
        if (!slot.disassembler) {
            const llvm::MCSubtargetInfo& sti = subtarget(features);
            slot.context = std::make_unique<llvm::MCContext>(triple_, mai_.get(), mri_.get(), &sti,
                                                             nullptr, &options_);
            slot.disassembler.reset(target_->createMCDisassembler(sti, *slot.context));
            slot.printer.reset(target_->createMCInstPrinter(triple_, 0, *mai_, *mii_, *mri_));
            if (!slot.disassembler || !slot.printer)
                throw AssemblyError("cannot create the AArch64 disassembler");
        }
        return slot;
    }

private:
    Llvm() : triple_(kTriple) {
        LLVMInitializeAArch64TargetInfo();
        LLVMInitializeAArch64TargetMC();
        LLVMInitializeAArch64AsmParser();
        LLVMInitializeAArch64Disassembler();
        std::string error;
        target_ = llvm::TargetRegistry::lookupTarget(triple_.str(), error);
        if (!target_) throw AssemblyError("LLVM AArch64 target unavailable: " + error);
        mri_.reset(target_->createMCRegInfo(triple_.str()));
        mai_.reset(target_->createMCAsmInfo(*mri_, triple_.str(), options_));
        mii_.reset(target_->createMCInstrInfo());
        if (!mri_ || !mai_ || !mii_) throw AssemblyError("cannot create the AArch64 MC layer");
    }

    llvm::Triple triple_;
    const llvm::Target* target_ = nullptr;
    llvm::MCTargetOptions options_;
    std::unique_ptr<llvm::MCRegisterInfo> mri_;
    std::unique_ptr<llvm::MCAsmInfo> mai_;
    std::unique_ptr<llvm::MCInstrInfo> mii_;
    std::map<std::string, std::unique_ptr<llvm::MCSubtargetInfo>, std::less<>> subtargets_;
    std::map<std::string, Disasm, std::less<>> disassemblers_;
    std::mutex mutex_;
};

std::string errorText(llvm::Error error) { return llvm::toString(std::move(error)); }

std::uint32_t read32(const std::vector<std::uint8_t>& b, std::uint64_t off) {
    std::uint32_t v;
    std::memcpy(&v, b.data() + off, 4);
    return v;
}
void write32(std::vector<std::uint8_t>& b, std::uint64_t off, std::uint32_t v) {
    std::memcpy(b.data() + off, &v, 4);
}

// Applies one relocation whose symbol lies in this .text: S + A is `value`, P is `place`.
void applyRelocation(std::vector<std::uint8_t>& text, std::uint32_t type, std::uint64_t offset,
                     std::uint64_t value, std::uint64_t place, const std::string& what) {
    using namespace llvm::ELF;
    auto fail = [&](const char* why) { throw AssemblyError("relocation " + what + ": " + why); };
    const std::int64_t delta = static_cast<std::int64_t>(value - place);
    auto need = [&](std::uint64_t size) {
        if (offset + size > text.size()) fail("outside .text");
    };
    // Patches a PC-relative field of `bits` bits, scaled by `scale`, at bit `shift`.
    auto pcrel = [&](unsigned bits, unsigned shift, unsigned scale) {
        need(4);
        if (delta % scale != 0) fail("misaligned target");
        const std::int64_t v = delta / scale;
        const std::int64_t limit = std::int64_t{1} << (bits - 1);
        if (v < -limit || v >= limit) fail("target out of range");
        const std::uint32_t mask = ((1u << bits) - 1) << shift;
        write32(text, offset,
                (read32(text, offset) & ~mask) | ((static_cast<std::uint32_t>(v) << shift) & mask));
    };
    // ADR/ADRP immediate: immlo in bits 30..29, immhi in 23..5.
    auto adrImm = [&](std::int64_t v) {
        need(4);
        const std::uint32_t imm = static_cast<std::uint32_t>(v) & 0x1fffff;
        const std::uint32_t insn = read32(text, offset) & ~(0x60000000u | 0x00ffffe0u);
        write32(text, offset, insn | (imm & 3) << 29 | (imm >> 2) << 5);
    };
    // :lo12: of an ADD or a load/store scaled by 2^scale.
    auto lo12 = [&](unsigned scale) {
        need(4);
        const std::uint32_t lo = static_cast<std::uint32_t>(value & 0xfff);
        if (lo & ((1u << scale) - 1)) fail("misaligned :lo12: offset");
        const std::uint32_t insn = read32(text, offset) & ~(0xfffu << 10);
        write32(text, offset, insn | (lo >> scale) << 10);
    };

    switch (type) {
    case R_AARCH64_ABS64:
        need(8);
        std::memcpy(text.data() + offset, &value, 8);
        break;
    case R_AARCH64_ABS32:
        need(4);
        if (value > 0xffffffffu) fail("value out of range");
        write32(text, offset, static_cast<std::uint32_t>(value));
        break;
    case R_AARCH64_PREL64:
        need(8);
        std::memcpy(text.data() + offset, &delta, 8);
        break;
    case R_AARCH64_PREL32:
        need(4);
        if (delta < INT32_MIN || delta > INT32_MAX) fail("target out of range");
        write32(text, offset, static_cast<std::uint32_t>(delta));
        break;
    case R_AARCH64_JUMP26:
    case R_AARCH64_CALL26: pcrel(26, 0, 4); break;
    case R_AARCH64_CONDBR19:
    case R_AARCH64_LD_PREL_LO19: pcrel(19, 5, 4); break;
    case R_AARCH64_TSTBR14: pcrel(14, 5, 4); break;
    case R_AARCH64_ADR_PREL_LO21:
        if (delta < -(1 << 20) || delta >= (1 << 20)) fail("target out of range");
        adrImm(delta);
        break;
    case R_AARCH64_ADR_PREL_PG_HI21:
    case R_AARCH64_ADR_PREL_PG_HI21_NC: {
        const std::int64_t pages =
            static_cast<std::int64_t>((value & ~0xfffull) - (place & ~0xfffull)) >> 12;
        if (type == R_AARCH64_ADR_PREL_PG_HI21 && (pages < -(1 << 20) || pages >= (1 << 20)))
            fail("target out of range");
        adrImm(pages);
        break;
    }
    case R_AARCH64_ADD_ABS_LO12_NC:
    case R_AARCH64_LDST8_ABS_LO12_NC: lo12(0); break;
    case R_AARCH64_LDST16_ABS_LO12_NC: lo12(1); break;
    case R_AARCH64_LDST32_ABS_LO12_NC: lo12(2); break;
    case R_AARCH64_LDST64_ABS_LO12_NC: lo12(3); break;
    case R_AARCH64_LDST128_ABS_LO12_NC: lo12(4); break;
    default: fail("unsupported relocation type");
    }
}

// Reads .text back from the object and resolves the relocations against it.
std::vector<std::uint8_t> extractText(llvm::StringRef object, std::uint64_t base) {
    auto file =
        llvm::object::ObjectFile::createObjectFile(llvm::MemoryBufferRef(object, "<assembler>"));
    if (!file) throw AssemblyError("cannot read back the object: " + errorText(file.takeError()));
    auto* elf = llvm::dyn_cast<llvm::object::ELFObjectFileBase>(file->get());
    if (!elf) throw AssemblyError("the assembler did not produce ELF");

    std::optional<llvm::object::SectionRef> text;
    for (const llvm::object::SectionRef& s : elf->sections()) {
        auto name = s.getName();
        if (name && *name == ".text")
            text = s;
        else if (!name)
            llvm::consumeError(name.takeError());
    }
    if (!text) return {};
    auto contents = text->getContents();
    if (!contents) throw AssemblyError("cannot read .text: " + errorText(contents.takeError()));
    std::vector<std::uint8_t> bytes(contents->begin(), contents->end());

    for (const llvm::object::SectionRef& s : elf->sections()) {
        auto target = s.getRelocatedSection();
        if (!target) {
            llvm::consumeError(target.takeError());
            continue;
        }
        if (*target == elf->section_end() || **target != *text) continue;
        for (const llvm::object::RelocationRef& r : s.relocations()) {
            llvm::SmallString<32> type_name;
            r.getTypeName(type_name);
            std::string what = type_name.str().str();
            const llvm::object::symbol_iterator sym = r.getSymbol();
            if (sym == elf->symbol_end())
                throw AssemblyError("relocation " + what + " without a symbol");
            auto sym_name = sym->getName();
            what += " against ";
            what += sym_name ? sym_name->str() : "?";
            if (!sym_name) llvm::consumeError(sym_name.takeError());

            auto sym_section = sym->getSection();
            if (!sym_section) throw AssemblyError(errorText(sym_section.takeError()));
            if (*sym_section == elf->section_end() || **sym_section != *text)
                throw AssemblyError("relocation " + what +
                                    ": the symbol is not defined in this text");
            auto sym_value = sym->getValue();
            if (!sym_value) throw AssemblyError(errorText(sym_value.takeError()));
            auto addend = llvm::object::ELFRelocationRef(r).getAddend();
            if (!addend) throw AssemblyError(errorText(addend.takeError()));

            const std::uint64_t value = base + *sym_value + static_cast<std::uint64_t>(*addend);
            applyRelocation(bytes, static_cast<std::uint32_t>(r.getType()), r.getOffset(), value,
                            base + r.getOffset(), what);
        }
    }
    return bytes;
}

} // namespace

std::vector<std::uint8_t> assemble(std::string_view text, std::uint64_t base,
                                   const AssemblerOptions& options) {
    Llvm& mc = Llvm::instance();
    std::lock_guard lock(mc.mutex());
    const llvm::MCSubtargetInfo& sti = mc.subtarget(options.features);

    std::string diagnostics;
    llvm::raw_string_ostream diag_stream(diagnostics);

    llvm::SourceMgr source_mgr;
    source_mgr.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(llvm::StringRef(text.data(), text.size()), "<test>"),
        llvm::SMLoc());
    source_mgr.setDiagHandler(
        [](const llvm::SMDiagnostic& d, void* os) {
            d.print(nullptr, *static_cast<llvm::raw_ostream*>(os), /*ShowColors=*/false);
        },
        &diag_stream);

    llvm::MCContext ctx(mc.triple(), &mc.mai(), &mc.mri(), &sti, &source_mgr, &mc.options());
    ctx.setDiagnosticHandler([&diag_stream](const llvm::SMDiagnostic& d, bool,
                                            const llvm::SourceMgr&,
                                            std::vector<const llvm::MDNode*>&) {
        d.print(nullptr, diag_stream, /*ShowColors=*/false);
    });
    std::unique_ptr<llvm::MCObjectFileInfo> mofi(
        mc.target().createMCObjectFileInfo(ctx, /*PIC=*/false));
    ctx.setObjectFileInfo(mofi.get());

    llvm::SmallVector<char, 0> object;
    llvm::raw_svector_ostream object_stream(object);
    std::unique_ptr<llvm::MCCodeEmitter> emitter(
        mc.target().createMCCodeEmitter(mc.mii(), mc.mri(), ctx));
    std::unique_ptr<llvm::MCAsmBackend> backend(
        mc.target().createMCAsmBackend(sti, mc.mri(), mc.options()));
    if (!emitter || !backend) throw AssemblyError("cannot create the AArch64 code emitter");
    std::unique_ptr<llvm::MCObjectWriter> writer = backend->createObjectWriter(object_stream);
    std::unique_ptr<llvm::MCStreamer> streamer(mc.target().createMCObjectStreamer(
        mc.triple(), ctx, std::move(backend), std::move(writer), std::move(emitter), sti,
        /*RelaxAll=*/false, /*IncrementalLinkerCompatible=*/false,
        /*DWARFMustBeAtTheEnd=*/false));

    std::unique_ptr<llvm::MCAsmParser> parser(
        llvm::createMCAsmParser(source_mgr, ctx, *streamer, mc.mai()));
    std::unique_ptr<llvm::MCTargetAsmParser> target_parser(
        mc.target().createMCAsmParser(sti, *parser, mc.mii(), mc.options()));
    if (!target_parser) throw AssemblyError("cannot create the AArch64 assembly parser");
    parser->setTargetParser(*target_parser);

    const bool failed = parser->Run(/*NoInitialTextSection=*/false);
    diag_stream.flush();
    if (failed || ctx.hadError()) {
        while (!diagnostics.empty() && diagnostics.back() == '\n')
            diagnostics.pop_back();
        throw AssemblyError(diagnostics.empty() ? "assembly failed" : diagnostics);
    }
    streamer.reset();
    return extractText(llvm::StringRef(object.data(), object.size()), base);
}

std::uint32_t assembleOne(std::string_view instruction, const AssemblerOptions& options) {
    const std::vector<std::uint8_t> bytes = assemble(instruction, 0, options);
    if (bytes.size() != 4)
        throw AssemblyError("expected exactly one instruction, got " +
                            std::to_string(bytes.size()) +
                            " bytes from: " + std::string(instruction));
    std::uint32_t word;
    std::memcpy(&word, bytes.data(), 4);
    return word;
}

std::optional<std::string> llvmDisassemble(std::uint32_t word, std::string_view features) {
    Llvm& mc = Llvm::instance();
    std::lock_guard lock(mc.mutex());
    Llvm::Disasm& d = mc.disassembler(features);

    const std::uint8_t bytes[4] = {
        static_cast<std::uint8_t>(word), static_cast<std::uint8_t>(word >> 8),
        static_cast<std::uint8_t>(word >> 16), static_cast<std::uint8_t>(word >> 24)};
    llvm::MCInst inst;
    std::uint64_t size = 0;
    const auto status =
        d.disassembler->getInstruction(inst, size, bytes, /*Address=*/0, llvm::nulls());
    if (status == llvm::MCDisassembler::Fail || size != 4) return std::nullopt;

    std::string raw;
    llvm::raw_string_ostream os(raw);
    d.printer->printInst(&inst, 0, "", mc.subtarget(features), os);
    os.flush();
    // The printer writes "\tmnemonic\toperands": make it "mnemonic operands".
    std::string text;
    for (char c : raw)
        text += c == '\t' ? ' ' : c;
    const auto first = text.find_first_not_of(' ');
    const auto last = text.find_last_not_of(' ');
    if (first == std::string::npos) return std::string();
    return text.substr(first, last - first + 1);
}

} // namespace cmodx::test
