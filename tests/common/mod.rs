//! Shared test support: the reference decoder, drivers that run every tier over a stream cut
//! into chunks (all reporting the same [`reference::Outcome`] shape), and the matrix that runs
//! a case at every chunking through every tier.

#![allow(dead_code, unused_macros)]

#[cfg(feature = "alloc")]
pub mod checks;
#[cfg(feature = "alloc")]
pub mod encode_checks;
pub mod matrix;
pub mod reference;
pub mod tiers;
