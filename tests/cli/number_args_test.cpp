// The command line's numbers are decimal, whatever their leading zeros; nothing else is a number.
#include "cli/number_args.hpp"

#include <gtest/gtest.h>

namespace {

TEST(NumberArgs, DecimalWithLeadingZerosIsStillDecimal) {
    EXPECT_EQ(aps::parse_decimal("10", 0, 100), 10);
    EXPECT_EQ(aps::parse_decimal("010", 0, 100), 10);  // not octal 8
    EXPECT_EQ(aps::parse_decimal("0008", 0, 100), 8);  // not an invalid octal number
    EXPECT_EQ(aps::parse_decimal("0", 0, 100), 0);
    EXPECT_EQ(aps::parse_decimal("000000000000000000000000042", 0, 100), 42);
}

TEST(NumberArgs, EverythingElseIsNotANumber) {
    for (const char* text : {"", "0x10", "0X10", "0b1", "0o7", "+5", "-5", " 5", "5 ", "1e3", "1.0",
                             "5a", "\xd9\xa3" /* ARABIC-INDIC DIGIT THREE */, "nan", "inf"}) {
        EXPECT_EQ(aps::parse_decimal(text, -100, 100), std::nullopt) << text;
    }
}

TEST(NumberArgs, OutOfRangeIsRejected) {
    EXPECT_EQ(aps::parse_decimal("101", 0, 100), std::nullopt);
    EXPECT_EQ(aps::parse_decimal("0", 1, 100), std::nullopt);
    EXPECT_EQ(aps::parse_decimal("99999999999999999999999", 0, 100), std::nullopt);
}

TEST(NumberArgs, FractionsAreDecimalAndFinite) {
    EXPECT_EQ(aps::parse_decimal_fraction("1", 0.1, 10), 1.0);
    EXPECT_EQ(aps::parse_decimal_fraction("0.5", 0.1, 10), 0.5);
    EXPECT_EQ(aps::parse_decimal_fraction(".5", 0.1, 10), 0.5);
    EXPECT_EQ(aps::parse_decimal_fraction("2.", 0.1, 10), 2.0);
    EXPECT_EQ(aps::parse_decimal_fraction("08.50", 0.1, 10), 8.5);
    for (const char* text : {"", ".", "nan", "inf", "-inf", "infinity", "1e0", "0x1p0", "-1", "+1",
                             "1.2.3", " 1", "1,5", "0.01", "11"}) {
        EXPECT_EQ(aps::parse_decimal_fraction(text, 0.1, 10), std::nullopt) << text;
    }
}

}  // namespace
