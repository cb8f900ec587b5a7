//! Support for the fuzz targets: the library's own test support, compiled once.
//!
//! The reference decoder, the per-tier drivers and the properties live in `tests/common/`,
//! shared with the property tests and the fuzz regression tests, so a fuzz target asserts
//! exactly what `cargo test` asserts.

#[path = "../../tests/common/mod.rs"]
pub mod common;

pub use common::checks::{self, Case};
pub use common::encode_checks;
