// DebugSymbols: a debug file's functions are used where their code section lies at the same
// place in the main file (patchelf moved the program headers, not the sections), and only there.
#include "read/debug_symbols.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace aps::read {
namespace {

// The provisioned python3.14 after patchelf: .interp moved to a new segment in front, .text and
// .rodata where the build put them (and where the debug file's section headers say).
const std::vector<SectionPlace> kMain{{".interp", 0x3ff2a8, 0x53, false},
                                      {".text", 0x422000, 0x4214d9, true},
                                      {".rodata", 0x844000, 0x2d0000, false}};
const std::vector<SectionPlace> kDebug{{".interp", 0x400318, 0x1c, false},
                                       {".text", 0x422000, 0x4214d9, true},
                                       {".rodata", 0x844000, 0x2d0000, false}};

std::vector<FunctionSymbol> eval_loop() {
    return {{0x598b80, 1184, "_PyEval_EvalFrameDefault", 1},
            {0x43fb58, 84423, "_PyEval_EvalFrameDefault.cold", 1},
            {0x77d800, 0x100, "time_sleep.lto_priv.0", 1}};
}

TEST(DebugSymbols, CodeAtTheSamePlaceIsNamed) {
    const DebugSymbols symbols = DebugSymbols::matched(kMain, kDebug, eval_loop());
    // A return address inside the eval loop's cold part, as unwound from a stripped python3.14.
    const FunctionSymbol* f = symbols.find(0x4472e6);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->name, "_PyEval_EvalFrameDefault.cold");
    ASSERT_NE(symbols.find(0x598b80), nullptr);
    EXPECT_EQ(symbols.find(0x598b80)->name, "_PyEval_EvalFrameDefault");
    ASSERT_NE(symbols.find(0x77d8f1), nullptr);
    EXPECT_EQ(symbols.find(0x77d8f1)->name, "time_sleep.lto_priv.0");
}

TEST(DebugSymbols, OutsideEveryFunctionIsNothing) {
    const DebugSymbols symbols = DebugSymbols::matched(kMain, kDebug, eval_loop());
    EXPECT_EQ(symbols.find(0x598b80 + 1184), nullptr);  // one past the hot part
    EXPECT_EQ(symbols.find(0x43fb57), nullptr);
    EXPECT_EQ(symbols.find(0), nullptr);
}

TEST(DebugSymbols, CodeSectionMovedOrResizedIsNotUsed) {
    std::vector<SectionPlace> moved = kMain;
    moved[1].addr += 0x1000;
    EXPECT_TRUE(DebugSymbols::matched(moved, kDebug, eval_loop()).empty());
    std::vector<SectionPlace> resized = kMain;
    resized[1].size -= 1;
    EXPECT_TRUE(DebugSymbols::matched(resized, kDebug, eval_loop()).empty());
    std::vector<SectionPlace> missing{kMain[0], kMain[2]};
    EXPECT_TRUE(DebugSymbols::matched(missing, kDebug, eval_loop()).empty());
}

TEST(DebugSymbols, OnlySymbolsOfCodeSections) {
    // A symbol claiming a data section, or a section index the debug file does not have.
    std::vector<FunctionSymbol> odd{{0x844100, 0x40, "in_rodata", 2},
                                    {0x422100, 0x40, "bad_index", 7}};
    EXPECT_TRUE(DebugSymbols::matched(kMain, kDebug, odd).empty());
}

TEST(DebugSymbols, LabelsDoNotClaimTheCodeAfterThem) {
    std::vector<FunctionSymbol> symbols = eval_loop();
    symbols.push_back({0x43fb60, 0, "a_label", 1});
    const DebugSymbols table = DebugSymbols::matched(kMain, kDebug, symbols);
    ASSERT_NE(table.find(0x43fb70), nullptr);
    EXPECT_EQ(table.find(0x43fb70)->name, "_PyEval_EvalFrameDefault.cold");
}

TEST(DebugSymbols, AliasesAtOneAddress) {
    // Two names of one function (an alias of different size): the one holding the address.
    std::vector<FunctionSymbol> symbols{{0x500000, 0x10, "short_alias", 1},
                                        {0x500000, 0x100, "whole", 1}};
    const DebugSymbols table = DebugSymbols::matched(kMain, kDebug, symbols);
    ASSERT_NE(table.find(0x500050), nullptr);
    EXPECT_EQ(table.find(0x500050)->name, "whole");
    ASSERT_NE(table.find(0x500001), nullptr);
}

}  // namespace
}  // namespace aps::read
