//! Assembler unit tests.
