// Kiln's one piece of C++ (see src/jit/emitter.rs): a target machine's machine-code pass
// pipeline, built once and run on module after module.
//
// Why C++: LLVM's C API emits an object with LLVMTargetMachineEmitToMemoryBuffer, which
// builds a legacy pass manager holding the whole code-generation pipeline (about a hundred
// passes, their analysis dependencies resolved one by one) for every module, and tears it
// down afterwards. For a small program that set-up is a quarter of the compile time. The
// C API has no way to keep the pass manager, so this shim keeps one.
//
// Running one legacy pass manager over many modules is supported: every pass gets
// doInitialization/doFinalization per run, the machine-module info resets its MC context
// in between, and the asm printer resets its object streamer when it finishes (llc's
// -compile-twice runs one pass manager twice the same way). The modules may belong to
// different LLVM contexts; nothing of a module outlives its run.

#include <llvm-c/Core.h>
#include <llvm-c/TargetMachine.h>
#include <llvm/ADT/SmallVector.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/CodeGen.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

namespace {

struct Emitter {
  explicit Emitter(llvm::TargetMachine &tm) : machine(tm), stream(object) {}

  llvm::TargetMachine &machine;
  // Where the object of the module being emitted is written; cleared before each run.
  llvm::SmallVector<char, 0> object;
  llvm::raw_svector_ostream stream;
  llvm::legacy::PassManager passes;
};

} // namespace

// A pipeline that writes object files for `tm`, which must outlive it; null if the
// target cannot write objects.
extern "C" void *kiln_emitter_create(LLVMTargetMachineRef tm) {
  auto *machine = reinterpret_cast<llvm::TargetMachine *>(tm);
  auto *emitter = new Emitter(*machine);
  if (machine->addPassesToEmitFile(emitter->passes, emitter->stream, nullptr,
                                   llvm::CodeGenFileType::ObjectFile)) {
    delete emitter;
    return nullptr;
  }
  return emitter;
}

// The object file of `module` (already given the machine's data layout and triple), as a
// new memory buffer the caller owns.
extern "C" LLVMMemoryBufferRef kiln_emitter_run(void *emitter, LLVMModuleRef module) {
  auto *e = static_cast<Emitter *>(emitter);
  e->object.clear();
  e->passes.run(*llvm::unwrap(module));
  return LLVMCreateMemoryBufferWithMemoryRangeCopy(e->object.data(), e->object.size(),
                                                    "kiln-object");
}

extern "C" void kiln_emitter_dispose(void *emitter) {
  delete static_cast<Emitter *>(emitter);
}
